package io.pullproof.ledger.api;

import io.vertx.core.json.JsonObject;

/**
 * A failed request as RFC 9457 problem details; {@code parameter} names the query parameter or
 * body field at fault, so a client can fix its request without reading logs.
 */
public final class ApiError extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final Reason reason;
  private final String parameter;

  public ApiError(Reason reason, String parameter, String detail) {
    super(detail, null, false, false);
    this.reason = reason;
    this.parameter = parameter;
  }

  public static ApiError parameter(String name, String detail) {
    return new ApiError(Reason.INVALID_PARAMETER, name, detail);
  }

  public Reason reason() {
    return reason;
  }

  public JsonObject toProblem(String instance) {
    JsonObject problem = new JsonObject()
        .put("type", reason.type())
        .put("title", reason.title())
        .put("status", reason.status())
        .put("detail", getMessage())
        .put("instance", instance);
    if (parameter != null) {
      problem.put("parameter", parameter);
    }
    return problem;
  }
}
