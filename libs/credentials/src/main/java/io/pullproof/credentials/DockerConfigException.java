package io.pullproof.credentials;

/**
 * A docker config (pull secret or node config.json) that cannot be read. The message names the
 * entry key and field; it never contains a password, token or auth value.
 */
public final class DockerConfigException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  DockerConfigException(String message) {
    super(message);
  }
}
