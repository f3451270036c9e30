package io.pullproof.ledger.model;

/** A request or filter field whose value breaks a rule; the API turns it into a 400 naming {@link #field()}. */
public final class InvalidFieldException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final String field;

  public InvalidFieldException(String field, String problem) {
    super(field + " " + problem);
    this.field = field;
  }

  public String field() {
    return field;
  }
}
