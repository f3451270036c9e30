package io.pullproof.oci;

/**
 * The token realm answered, but gave no token: wrong credentials (401), a refusal (403) or a
 * broken answer. Distinct from an unreachable realm, which is an I/O failure. The message names
 * the realm and the user, never the password.
 */
public final class TokenRefusedException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  private final int status;

  public TokenRefusedException(int status, String message) {
    super(message);
    this.status = status;
  }

  /** The token endpoint's HTTP status. */
  public int status() {
    return status;
  }
}
