package io.pullproof.ledger.api;

/** Every way an API request can fail: a closed set, each with its HTTP status and problem type. */
public enum Reason {
  INVALID_PARAMETER(400, "Invalid parameter"),
  INVALID_BODY(400, "Invalid request body"),
  UNAUTHENTICATED(401, "Missing or unknown bearer token"),
  FORBIDDEN(403, "The token's role may not do this"),
  NOT_FOUND(404, "Not found"),
  METHOD_NOT_ALLOWED(405, "Method not allowed"),
  UNSUPPORTED_MEDIA_TYPE(415, "Unsupported media type"),
  UNAVAILABLE(503, "A dependency is unavailable"),
  INTERNAL(500, "Internal error");

  private final int status;
  private final String title;

  Reason(int status, String title) {
    this.status = status;
    this.title = title;
  }

  public int status() {
    return status;
  }

  public String title() {
    return title;
  }

  /** The problem's {@code type} URI. */
  public String type() {
    return "https://pullproof.io/problems/" + name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }
}
