package io.pullproof.oci;

import java.net.http.HttpResponse;

/**
 * What a manifest HEAD told about access to an image, classified once so callers never parse
 * statuses or challenges themselves.
 *
 * @param result the class of the answer
 * @param status the registry's HTTP status, the token endpoint's for {@link Result#UNAUTHORIZED}
 *     from the realm, 0 when nothing answered
 * @param digest {@code Docker-Content-Digest} of a {@link Result#FOUND} manifest, else null
 * @param detail a human-readable reason (the challenge error, the I/O failure), never a secret
 */
public record ManifestCheck(Result result, int status, String digest, String detail) {

  /** Classes of answers; only {@link #FOUND} proves access. */
  public enum Result {
    /** 200: the credentials may pull the manifest. */
    FOUND,
    /** 401 (or the token realm refused the credentials): not authenticated. */
    UNAUTHORIZED,
    /** 403, or 401 with {@code error="insufficient_scope"}: authenticated, but no grant. */
    DENIED,
    /** 404: no such manifest (or the registry hides it from these credentials). */
    NOT_FOUND,
    /** No answer: connection refused, TLS failure, timeout. */
    UNREACHABLE,
    /** 5xx or 429: the registry answered but cannot serve now. */
    REGISTRY_ERROR,
    /** Any other status. */
    UNEXPECTED
  }

  static ManifestCheck of(HttpResponse<byte[]> response) {
    int status = response.statusCode();
    if (status == 200) {
      return new ManifestCheck(Result.FOUND, status,
          response.headers().firstValue("Docker-Content-Digest").orElse(null), "manifest found");
    }
    if (status == 401) {
      String error = response.headers().firstValue("WWW-Authenticate")
          .map(AuthChallenge::parse)
          .flatMap(challenge -> challenge.parameter("error"))
          .orElse("");
      return error.equals("insufficient_scope")
          ? new ManifestCheck(Result.DENIED, status, null, "insufficient_scope")
          : new ManifestCheck(Result.UNAUTHORIZED, status, null, error.isEmpty() ? "unauthorized" : error);
    }
    Result result = switch (status) {
      case 403 -> Result.DENIED;
      case 404 -> Result.NOT_FOUND;
      case 429 -> Result.REGISTRY_ERROR;
      default -> status >= 500 ? Result.REGISTRY_ERROR : Result.UNEXPECTED;
    };
    return new ManifestCheck(result, status, null, "HTTP " + status);
  }

  static ManifestCheck tokenRefused(int tokenStatus, String detail) {
    Result result = tokenStatus == 401 ? Result.UNAUTHORIZED
        : tokenStatus == 403 ? Result.DENIED
        : tokenStatus >= 500 || tokenStatus == 429 ? Result.REGISTRY_ERROR : Result.UNEXPECTED;
    return new ManifestCheck(result, tokenStatus, null, detail);
  }

  static ManifestCheck unreachable(String detail) {
    return new ManifestCheck(Result.UNREACHABLE, 0, null, detail);
  }

  /** True when access was proven. */
  public boolean found() {
    return result == Result.FOUND;
  }
}
