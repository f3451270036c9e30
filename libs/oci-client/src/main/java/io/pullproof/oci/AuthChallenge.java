package io.pullproof.oci;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A parsed {@code WWW-Authenticate} header, e.g.
 * {@code Bearer realm="https://127.0.0.1:1/token",service="reg",scope="repository:a:pull,push"}.
 * Quoted values may contain commas (the scope does), so a plain split on ',' would not do.
 */
public record AuthChallenge(String scheme, Map<String, String> parameters) {
  public AuthChallenge {
    parameters = Map.copyOf(parameters);
  }

  public static AuthChallenge parse(String header) {
    String text = header.trim();
    int space = text.indexOf(' ');
    String scheme = space < 0 ? text : text.substring(0, space);
    Map<String, String> parameters = new LinkedHashMap<>();
    int at = space < 0 ? text.length() : space + 1;
    while (at < text.length()) {
      int equals = text.indexOf('=', at);
      if (equals < 0) {
        break;
      }
      String key = text.substring(at, equals).trim().toLowerCase(Locale.ROOT);
      StringBuilder value = new StringBuilder();
      at = equals + 1;
      if (at < text.length() && text.charAt(at) == '"') {
        at++;
        while (at < text.length() && text.charAt(at) != '"') {
          if (text.charAt(at) == '\\' && at + 1 < text.length()) {
            at++;
          }
          value.append(text.charAt(at++));
        }
        at++;
      } else {
        while (at < text.length() && text.charAt(at) != ',') {
          value.append(text.charAt(at++));
        }
      }
      parameters.put(key, value.toString().trim());
      while (at < text.length() && (text.charAt(at) == ',' || text.charAt(at) == ' ')) {
        at++;
      }
    }
    return new AuthChallenge(scheme, parameters);
  }

  public boolean isBearer() {
    return scheme.equalsIgnoreCase("Bearer");
  }

  public boolean isBasic() {
    return scheme.equalsIgnoreCase("Basic");
  }

  public Optional<String> parameter(String name) {
    return Optional.ofNullable(parameters.get(name.toLowerCase(Locale.ROOT)));
  }
}
