package io.pullproof.kit.config;

/** A setting that cannot be used; the message names the key and the value (masked if secret). */
public final class InvalidConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public InvalidConfigException(String message) {
    super(message);
  }
}
