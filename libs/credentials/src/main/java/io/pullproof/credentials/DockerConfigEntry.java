package io.pullproof.credentials;

import java.util.Objects;

/**
 * One entry of a docker config: the credentials for the registry key it is filed under. An {@code
 * auth} field has already been decoded into {@link #username} and {@link #password}, as the kubelet
 * does. Absent fields are empty strings, never null. {@link #toString()} masks every secret.
 *
 * @param key the entry key exactly as written in the file, e.g. {@code https://index.docker.io/v1/}
 * @param username user name; not a secret
 * @param password password, secret
 * @param email e-mail address; deprecated by Docker, not part of a credential's identity
 * @param identityToken OAuth identity (refresh) token, secret
 * @param registryToken bearer token for the registry, secret
 */
public record DockerConfigEntry(
    String key, String username, String password, String email, String identityToken,
    String registryToken) {

  public DockerConfigEntry {
    Objects.requireNonNull(key, "key");
    username = Objects.requireNonNullElse(username, "");
    password = Objects.requireNonNullElse(password, "");
    email = Objects.requireNonNullElse(email, "");
    identityToken = Objects.requireNonNullElse(identityToken, "");
    registryToken = Objects.requireNonNullElse(registryToken, "");
  }

  /** Username and password only; the other fields empty. */
  public static DockerConfigEntry basic(String key, String username, String password) {
    return new DockerConfigEntry(key, username, password, "", "", "");
  }

  @Override
  public String toString() {
    return "DockerConfigEntry[key=" + key + ", username=" + username
        + ", password=" + Secrets.mask(password) + ", email=" + email
        + ", identityToken=" + Secrets.mask(identityToken)
        + ", registryToken=" + Secrets.mask(registryToken) + "]";
  }
}
