package io.pullproof.cli;

import io.pullproof.kit.config.InvalidConfigException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How {@code ./pullproof ledger|decision --config FILE} run a service: an unreadable file or a bad
 * setting is the user's to fix (exit 2 naming it); the service then runs until SIGTERM / Ctrl-C.
 */
public final class ServiceRun {
  private ServiceRun() {}

  /** A service's blocking {@code run(configFile)} entry point. */
  @FunctionalInterface
  public interface Entry {
    void run(Path config) throws Exception;
  }

  public static int run(Path config, Entry service) throws Exception {
    if (config != null && !Files.isReadable(config)) {
      throw new BadInputException("--config " + config + ": no such readable file");
    }
    try {
      service.run(config);
    } catch (InvalidConfigException e) {
      throw new BadInputException(e.getMessage(), e);
    }
    return PullproofCommand.EXIT_OK;
  }
}
