package io.pullproof.credentials;

import java.util.Objects;

/**
 * One credential the kubelet would present for an image.
 *
 * @param source the pull secret or node config it comes from
 * @param entry the entry; {@code entry().key()} is the key as written in the file
 * @param registryKey the key as the keyring normalises it (scheme and /v1/ or /v2/ dropped), e.g.
 *     {@code index.docker.io} for {@code https://index.docker.io/v1/}
 * @param dockerHubFallback true when it matched only through the Docker Hub fallback
 */
public record KeyringMatch(
    CredentialSource source, DockerConfigEntry entry, String registryKey, boolean dockerHubFallback) {

  public KeyringMatch {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(entry, "entry");
    Objects.requireNonNull(registryKey, "registryKey");
  }

  /** The credential material to hash (see {@link CredentialHasher}). */
  public RegistryCredential credential() {
    return new RegistryCredential(registryKey, entry.username(), entry.password(),
        entry.identityToken(), entry.registryToken());
  }
}
