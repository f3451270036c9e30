package io.pullproof.ledger.api;

import io.pullproof.ledger.model.PageCursor;
import io.vertx.core.MultiMap;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Set;

/**
 * Typed access to a request's query parameters. Unknown or repeated parameters are rejected
 * rather than ignored: a misspelt filter must not silently widen a listing.
 */
final class QueryParams {
  private final MultiMap params;

  QueryParams(MultiMap params, Set<String> allowed) {
    this.params = params;
    for (String name : params.names()) {
      if (!allowed.contains(name)) {
        throw ApiError.parameter(name, "unknown query parameter; allowed: " + new java.util.TreeSet<>(allowed));
      }
      if (params.getAll(name).size() > 1) {
        throw ApiError.parameter(name, "given more than once");
      }
    }
  }

  String text(String name) {
    String value = params.get(name);
    if (value == null) {
      return null;
    }
    if (value.isBlank() || value.length() > 512) {
      throw ApiError.parameter(name, "must be 1 to 512 non-blank characters");
    }
    return value;
  }

  Instant time(String name) {
    String value = text(name);
    try {
      return value == null ? null : Instant.parse(value);
    } catch (DateTimeParseException e) {
      throw ApiError.parameter(name, "must be an RFC 3339 UTC timestamp such as 2026-11-22T10:00:00Z, got '" + value + "'");
    }
  }

  Boolean bool(String name) {
    String value = text(name);
    if (value == null) {
      return null;
    }
    return switch (value) {
      case "true" -> true;
      case "false" -> false;
      default -> throw ApiError.parameter(name, "must be true or false, got '" + value + "'");
    };
  }

  int limit(int defaultLimit, int max) {
    String value = text("limit");
    if (value == null) {
      return Math.min(defaultLimit, max);
    }
    try {
      int limit = Integer.parseInt(value);
      if (limit >= 1 && limit <= max) {
        return limit;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw ApiError.parameter("limit", "must be an integer from 1 to " + max + ", got '" + value + "'");
  }

  PageCursor cursor() {
    String value = text("cursor");
    return value == null ? null : PageCursor.decode(value);
  }
}
