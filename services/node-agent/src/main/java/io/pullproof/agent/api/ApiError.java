package io.pullproof.agent.api;

/**
 * Every way a local API call can fail, with its HTTP status (a closed set, STYLE.md §6). The body
 * is {@code application/problem+json} naming the field.
 */
public final class ApiError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Closed set of failure reasons. */
  public enum Reason {
    MALFORMED_BODY(400, "The body is not a JSON object"),
    INVALID_FIELD(400, "A field is missing or invalid"),
    UNMATCHED_CREDENTIAL(422, "The credential is not one the kubelet would present for the image"),
    UNSUPPORTED_MEDIA_TYPE(415, "Send application/json"),
    NOT_FOUND(404, "No such resource"),
    INTERNAL(500, "The agent failed; the start was not decided");

    final int status;
    final String title;

    Reason(int status, String title) {
      this.status = status;
      this.title = title;
    }
  }

  private final Reason reason;
  private final String field;

  public ApiError(Reason reason, String field, String detail) {
    super(detail);
    this.reason = reason;
    this.field = field;
  }

  static ApiError invalid(String field, String detail) {
    return new ApiError(Reason.INVALID_FIELD, field, field + ": " + detail);
  }

  public Reason reason() {
    return reason;
  }

  public String field() {
    return field;
  }
}
