package io.pullproof.kit.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.StringJoiner;

/**
 * Where settings come from: an optional properties file ({@code --config FILE}) overlaid by the
 * environment, so a Helm chart or compose file can override one key without a new file. Reading
 * a key validates it; {@link #describe} prints the effective config with secrets masked.
 */
public final class ConfigSource {
  private final Map<String, String> values;
  private final String origin;

  private ConfigSource(Map<String, String> values, String origin) {
    this.values = Map.copyOf(values);
    this.origin = origin;
  }

  public static ConfigSource of(Map<String, String> values) {
    return new ConfigSource(values, "environment");
  }

  /** File values first, then every environment variable on top. */
  public static ConfigSource fromFileAndEnv(Path file, Map<String, String> env) {
    Map<String, String> merged = new HashMap<>();
    if (file != null) {
      Properties properties = new Properties();
      try (Reader reader = Files.newBufferedReader(file)) {
        properties.load(reader);
      } catch (IOException e) {
        throw new InvalidConfigException("cannot read config file " + file + ": " + e.getMessage());
      }
      properties.stringPropertyNames().forEach(k -> merged.put(k, properties.getProperty(k)));
    }
    merged.putAll(env);
    return new ConfigSource(merged, file == null ? "environment" : file + " + environment");
  }

  /** The parsed value, or {@link InvalidConfigException} naming the key and the value. */
  public <T> T get(ConfigKey<T> key) {
    String raw = values.get(key.name());
    if (raw == null) {
      if (key.isRequired()) {
        throw new InvalidConfigException(key.name() + " is required (" + key.doc() + ")");
      }
      raw = key.defaultValue();
    }
    try {
      return key.parser().apply(raw);
    } catch (IllegalArgumentException e) {
      String shown = key.secret() ? "****" : raw;
      throw new InvalidConfigException(key.name() + "='" + shown + "': " + e.getMessage());
    }
  }

  /** One line per key: name=value (masked when secret), for the start-up log. */
  public String describe(List<ConfigKey<?>> keys) {
    StringJoiner out = new StringJoiner(", ", "config from " + origin + ": ", "");
    for (ConfigKey<?> key : keys) {
      String raw = values.getOrDefault(key.name(), key.defaultValue());
      out.add(key.name() + "=" + (raw == null ? "<unset>" : key.secret() ? "****" : raw));
    }
    return out.toString();
  }
}
