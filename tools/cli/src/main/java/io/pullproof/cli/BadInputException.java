package io.pullproof.cli;

/**
 * Input the user can fix: a bad file, field or value. The CLI prints the message (which must name
 * the file, field or value) on stderr and exits 2.
 */
public final class BadInputException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public BadInputException(String message) {
    super(message);
  }

  public BadInputException(String message, Throwable cause) {
    super(message, cause);
  }
}
