package io.pullproof.credentials;

import java.util.Arrays;
import java.util.List;

/**
 * A registry credential from a pull secret or a node config, as the keyring selected it. E-mail is
 * not part of it: registries do not authenticate with it. {@link #toString()} masks the secrets.
 *
 * @param registryKey the entry key as the keyring normalises it, e.g. {@code index.docker.io}
 * @param username user name, empty when absent
 * @param password password, empty when absent
 * @param identityToken identity token, empty when absent
 * @param registryToken registry token, empty when absent
 */
public record RegistryCredential(
    String registryKey, String username, String password, String identityToken, String registryToken)
    implements CredentialMaterial {

  /** Absent fields are empty strings, as in {@link DockerConfigEntry}; null is refused. */
  public RegistryCredential {
    if (fields(registryKey, username, password, identityToken, registryToken).contains(null)) {
      throw new NullPointerException("registry credential fields must not be null (absent is \"\")");
    }
  }

  @Override
  public String kind() {
    return "registry";
  }

  @Override
  public List<String> fields() {
    return fields(registryKey, username, password, identityToken, registryToken);
  }

  private static List<String> fields(String... values) {
    return Arrays.asList(values);
  }

  @Override
  public String toString() {
    return "RegistryCredential[registryKey=" + registryKey + ", username=" + username
        + ", password=" + Secrets.mask(password) + ", identityToken=" + Secrets.mask(identityToken)
        + ", registryToken=" + Secrets.mask(registryToken) + "]";
  }
}
