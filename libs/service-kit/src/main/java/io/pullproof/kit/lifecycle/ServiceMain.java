package io.pullproof.kit.lifecycle;

import io.pullproof.kit.config.ConfigKey;
import io.pullproof.kit.config.ConfigSource;
import io.pullproof.kit.config.InvalidConfigException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How every service's {@code main} runs, written once: read the settings (file, then the
 * environment over it), log them with secrets masked, start, and run until SIGTERM / SIGINT.
 * Exit codes are what an operator or an orchestrator acts on: 2 for a bad setting (one line on
 * stderr naming the key; no stack trace, it is not a bug), 1 for a start that failed (the cause
 * logged), 0 after an orderly stop.
 */
public final class ServiceMain {
  public static final int EXIT_OK = 0;
  public static final int EXIT_FAILED = 1;
  public static final int EXIT_BAD_CONFIG = 2;

  private static final Logger LOG = LoggerFactory.getLogger(ServiceMain.class);

  private ServiceMain() {}

  /** Starts a service from its validated config; the result stops it when closed. */
  @FunctionalInterface
  public interface Starter<C> {
    AutoCloseable start(C config) throws Exception;
  }

  /**
   * @param name the service's name in messages ({@code ledger}, {@code agent}, ...)
   * @param keys every setting the service reads, for the masked log line
   * @param read parses and validates the settings, throwing {@link InvalidConfigException} naming the key
   */
  public static <C> int run(String name, Path configFile, Map<String, String> env, List<ConfigKey<?>> keys,
      Function<ConfigSource, C> read, Starter<C> starter) {
    return run(name, configFile, env, keys, read, starter, System.err);
  }

  static <C> int run(String name, Path configFile, Map<String, String> env, List<ConfigKey<?>> keys,
      Function<ConfigSource, C> read, Starter<C> starter, PrintStream err) {
    AutoCloseable running;
    try {
      ConfigSource source = ConfigSource.fromFileAndEnv(configFile, env);
      LOG.info(source.describe(keys));
      running = starter.start(read.apply(source));
    } catch (InvalidConfigException e) {
      err.println("pullproof " + name + ": " + e.getMessage());
      return EXIT_BAD_CONFIG;
    } catch (Exception e) {
      LOG.error("{} failed to start", name, e);
      err.println("pullproof " + name + ": failed to start: " + e);
      return EXIT_FAILED;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        running.close();
      } catch (Exception e) {
        LOG.error("stopping {} failed", name, e);
      } finally {
        stopped.countDown();
      }
    }, "pullproof-" + name + "-shutdown"));
    LOG.info("{} running; SIGTERM or Ctrl-C stops it", name);
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return EXIT_OK;
  }
}
