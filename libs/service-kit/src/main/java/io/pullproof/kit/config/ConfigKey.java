package io.pullproof.kit.config;

import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * One setting, declared once with its type, default and a one-line doc (Strimzi's
 * {@code ConfigParameter}). The name is the environment variable; a {@code --config} file uses
 * the same names. A secret key's value never appears in logs or error messages.
 *
 * @param name         environment variable, e.g. {@code PULLPROOF_KAFKA_BOOTSTRAP}
 * @param doc          one line for --help, READMEs and the effective-config log
 * @param parser       text to value; throws {@link IllegalArgumentException} saying what is expected
 * @param defaultValue text parsed when unset; null makes the key required
 * @param secret       mask the value when printing
 */
public record ConfigKey<T>(String name, String doc, Function<String, T> parser, String defaultValue, boolean secret) {
  public ConfigKey {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(doc, "doc");
    Objects.requireNonNull(parser, "parser");
  }

  public static <T> ConfigKey<T> optional(String name, String defaultValue, Function<String, T> parser, String doc) {
    return new ConfigKey<>(name, doc, parser, defaultValue, false);
  }

  public static <T> ConfigKey<T> required(String name, Function<String, T> parser, String doc) {
    return new ConfigKey<>(name, doc, parser, null, false);
  }

  public static <T> ConfigKey<T> secret(String name, String defaultValue, Function<String, T> parser, String doc) {
    return new ConfigKey<>(name, doc, parser, defaultValue, true);
  }

  public boolean isRequired() {
    return defaultValue == null;
  }

  // Parsers: each says what it expects, so the message "KEY='value': <expectation>" is complete.

  public static final Function<String, String> STRING = s -> s;

  public static final Function<String, String> NON_EMPTY = s -> {
    if (s.isBlank()) {
      throw new IllegalArgumentException("must not be empty");
    }
    return s.trim();
  };

  public static final Function<String, Boolean> BOOLEAN = s -> switch (s.trim().toLowerCase(Locale.ROOT)) {
    case "true" -> true;
    case "false" -> false;
    default -> throw new IllegalArgumentException("must be true or false");
  };

  public static final Function<String, Duration> DURATION = ConfigKey::parseDuration;

  public static final Function<String, URI> HTTP_URL = s -> {
    try {
      URI uri = URI.create(s.trim());
      if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
        throw new IllegalArgumentException("must be an http:// or https:// URL with a host");
      }
      return uri;
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(e.getMessage().startsWith("must") ? e.getMessage() : "must be a URL: " + e.getMessage());
    }
  };

  /** A comma-separated list of host:port pairs, as Kafka's bootstrap setting. */
  public static final Function<String, String> HOST_PORT_LIST = s -> {
    for (String part : s.split(",")) {
      String p = part.trim();
      int colon = p.lastIndexOf(':');
      if (colon <= 0 || colon == p.length() - 1) {
        throw new IllegalArgumentException("must be host:port[,host:port...]");
      }
      port().apply(p.substring(colon + 1));
    }
    return s.trim();
  };

  public static Function<String, Integer> intRange(int min, int max) {
    return s -> {
      try {
        int value = Integer.parseInt(s.trim());
        if (value < min || value > max) {
          throw new IllegalArgumentException("must be an integer from " + min + " to " + max);
        }
        return value;
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("must be an integer from " + min + " to " + max);
      }
    };
  }

  /**
   * {@code key=value;key=value}, e.g. extra Kafka client properties. A bad entry is named with its
   * value masked: these settings carry passwords (sasl.jaas.config, ssl.*.password).
   */
  public static final Function<String, Map<String, String>> PROPERTIES = s -> {
    Map<String, String> out = new LinkedHashMap<>();
    for (String entry : s.split(";")) {
      if (entry.isBlank()) {
        continue;
      }
      int eq = entry.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("entry '" + entry.strip().replaceAll("=.*", "=****")
            + "' is not key=value (entries separated by ';')");
      }
      out.put(entry.substring(0, eq).strip(), entry.substring(eq + 1).strip());
    }
    return Map.copyOf(out);
  };

  public static Function<String, Integer> port() {
    return intRange(0, 65535);
  }

  public static <E extends Enum<E>> Function<String, E> oneOf(Class<E> type) {
    return s -> {
      for (E constant : type.getEnumConstants()) {
        if (constant.name().equalsIgnoreCase(s.trim()) || constant.toString().equals(s.trim())) {
          return constant;
        }
      }
      throw new IllegalArgumentException("must be one of " + Arrays.stream(type.getEnumConstants()).map(Object::toString).toList());
    };
  }

  public static Function<String, List<String>> list(Function<String, String> element) {
    return s -> s.isBlank() ? List.of() : Arrays.stream(s.split(",")).map(String::trim).map(element).toList();
  }

  /** {@code 250ms}, {@code 5s}, {@code 2m}, {@code 1h}, {@code 7d}, or ISO-8601 {@code PT5S}. */
  static Duration parseDuration(String text) {
    String s = text.trim();
    String expected = "must be a duration such as 250ms, 5s, 2m, 1h, 7d or PT5S";
    try {
      if (s.startsWith("P") || s.startsWith("p")) {
        return Duration.parse(s);
      }
      int split = 0;
      while (split < s.length() && Character.isDigit(s.charAt(split))) {
        split++;
      }
      if (split == 0) {
        throw new IllegalArgumentException(expected);
      }
      long amount = Long.parseLong(s.substring(0, split));
      return switch (s.substring(split)) {
        case "ms" -> Duration.ofMillis(amount);
        case "s" -> Duration.ofSeconds(amount);
        case "m" -> Duration.ofMinutes(amount);
        case "h" -> Duration.ofHours(amount);
        case "d" -> Duration.ofDays(amount);
        default -> throw new IllegalArgumentException(expected);
      };
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(expected);
    }
  }
}
