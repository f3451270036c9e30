package io.pullproof.agent.enforce;

/** A reported credential is not one the kubelet would have presented for the image; names the field. */
public final class UnmatchedCredentialException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String field;

  public UnmatchedCredentialException(String field, String message) {
    super(message);
    this.field = field;
  }

  public String field() {
    return field;
  }
}
