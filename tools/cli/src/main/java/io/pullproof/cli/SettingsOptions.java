package io.pullproof.cli;

import io.pullproof.kit.config.ConfigKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import picocli.CommandLine.Option;

/** {@code --config FILE} and {@code --list-settings}, shared by every service command (a picocli mixin). */
public final class SettingsOptions {
  @Option(names = "--config", paramLabel = "FILE",
      description = "Properties file of PULLPROOF_* settings; environment variables override it.")
  Path config;

  @Option(names = "--list-settings", description = "Print every setting with its default and exit.")
  boolean listSettings;

  /** Lists {@code keys}, or runs {@code service(configFile, env)} and returns its exit code. */
  public int run(List<ConfigKey<?>> keys, BiFunction<Path, Map<String, String>, Integer> service) {
    if (listSettings) {
      keys.forEach(key -> System.out.println(key.name() + "="
          + (key.isRequired() ? "<required>" : key.secret() ? "<secret>" : key.defaultValue()) + "    # " + key.doc()));
      return 0;
    }
    if (config != null && !Files.isReadable(config)) {
      throw new BadInputException("--config " + config + ": no such readable file");
    }
    return service.apply(config, System.getenv());
  }
}
