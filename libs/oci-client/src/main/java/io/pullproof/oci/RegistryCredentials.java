package io.pullproof.oci;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** A registry user's name and password. {@link #toString()} masks the password. */
public record RegistryCredentials(String username, String password) {
  public RegistryCredentials {
    if (username == null || username.isEmpty() || username.contains(":")) {
      throw new IllegalArgumentException("username '" + username + "' must be non-empty and free of ':'");
    }
    if (password == null) {
      throw new IllegalArgumentException("password of '" + username + "' must not be null");
    }
  }

  /** The value of an {@code Authorization} header. */
  public String basicAuthorization() {
    return "Basic " + Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public String toString() {
    return "RegistryCredentials[username=" + username + ", password=***]";
  }
}
