package io.pullproof.stack.oci;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * What a client asks the token endpoint for: {@code GET /token?service=S&scope=A&scope=B} with
 * optional HTTP Basic credentials. A scope parameter may itself hold several scopes separated by
 * spaces, as the OAuth2 form does. {@code username} is null for an anonymous request.
 */
record TokenRequest(String service, List<ResourceAccess> scopes, String username, String password) {
  TokenRequest {
    scopes = List.copyOf(scopes);
  }

  /** Rejects, with {@link IllegalArgumentException}, a malformed scope or Authorization header. */
  static TokenRequest parse(String rawQuery, String authorization) {
    String service = null;
    List<ResourceAccess> scopes = new ArrayList<>();
    for (String pair : rawQuery == null ? new String[0] : rawQuery.split("&")) {
      int equals = pair.indexOf('=');
      String key = decode(equals < 0 ? pair : pair.substring(0, equals));
      String value = equals < 0 ? "" : decode(pair.substring(equals + 1));
      if (key.equals("service")) {
        service = value;
      } else if (key.equals("scope")) {
        for (String scope : value.trim().split("\\s+")) {
          if (!scope.isEmpty()) {
            scopes.add(ResourceAccess.parse(scope));
          }
        }
      }
    }
    if (authorization == null) {
      return new TokenRequest(service, scopes, null, null);
    }
    if (!authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
      throw new IllegalArgumentException("only Basic credentials are accepted");
    }
    String decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
    int colon = decoded.indexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException("Basic credentials without ':'");
    }
    return new TokenRequest(service, scopes, decoded.substring(0, colon), decoded.substring(colon + 1));
  }

  boolean anonymous() {
    return username == null;
  }

  /** Never prints the password: requests end up in log lines and assertion messages. */
  @Override
  public String toString() {
    return "TokenRequest[service=" + service + ", scopes=" + scopes + ", username=" + username + "]";
  }

  private static String decode(String text) {
    return URLDecoder.decode(text, StandardCharsets.UTF_8);
  }
}
