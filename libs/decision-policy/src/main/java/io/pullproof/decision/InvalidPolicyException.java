package io.pullproof.decision;

/**
 * A policy setting that must be rejected when the configuration is loaded. The message names the
 * field, the value and the problem; {@link #field()} is relative to the policy object (for
 * example {@code allowlist[2]}) so a caller can prefix where the policy came from.
 */
public final class InvalidPolicyException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final String field;
  private final String value;
  private final String problem;

  public InvalidPolicyException(String field, String value, String problem) {
    super(field + " " + quote(value) + ": " + problem);
    this.field = field;
    this.value = value;
    this.problem = problem;
  }

  /** The field that holds the bad value, e.g. {@code verificationPolicy} or {@code allowlist[2]}. */
  public String field() {
    return field;
  }

  public String value() {
    return value;
  }

  /** The problem alone, without field and value. */
  public String problem() {
    return problem;
  }

  /** Double-quotes a value so that whitespace is visible; control characters are escaped. */
  static String quote(String value) {
    if (value == null) {
      return "null";
    }
    StringBuilder quoted = new StringBuilder(value.length() + 2).append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '"' || c == '\\') {
        quoted.append('\\').append(c);
      } else if (c < 0x20 || c == 0x7f) {
        quoted.append(String.format("\\u%04x", (int) c));
      } else {
        quoted.append(c);
      }
    }
    return quoted.append('"').toString();
  }
}
