package io.pullproof.kit.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.util.List;
import java.util.Locale;

/**
 * The services' logging, configured in code (found by logback through {@code META-INF/services})
 * instead of by a {@code logback.xml}: logback's XML configurator took 0.3 s of a quiet JVM's start
 * and about 0.8 s of a decision instance starting beside the servers it needs, in a start-up that
 * must stay under 10 s (PERFORMANCE.md goal 5); this takes a few milliseconds. One line per event
 * on standard output with the MDC the handlers set (event id, node, topic-partition@offset); the
 * root level from {@code PULLPROOF_LOG_LEVEL} (default INFO); chatty libraries at WARN.
 *
 * <p>An operator's own file still wins: with {@code -Dlogback.configurationFile}, or a
 * {@code logback.xml} / {@code logback-test.xml} on the class path (the CLI's, the tests'), this
 * steps aside and logback's XML configuration runs as usual.
 */
public final class ServiceLogConfigurator extends ContextAwareBase implements Configurator {
  static final String PATTERN = "%d{HH:mm:ss.SSS} %-5level [%thread] %logger{30} %X - %msg%n";
  static final String LEVEL_VARIABLE = "PULLPROOF_LOG_LEVEL";
  static final List<String> QUIET = List.of("org.apache.kafka", "io.netty", "com.zaxxer.hikari", "org.flywaydb", "io.apicurio");

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    if (System.getProperty("logback.configurationFile") != null || hasResource("logback-test.xml")
        || hasResource("logback.xml")) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    install(context, System.getenv(LEVEL_VARIABLE));
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }

  /** The console appender, the root level from {@code levelVariable} and the quiet libraries. */
  static void install(LoggerContext context, String levelVariable) {
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern(PATTERN);
    encoder.start();
    ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
    console.setContext(context);
    console.setName("STDOUT");
    console.setEncoder(encoder);
    console.start();
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(rootLevel(levelVariable));
    root.addAppender(console);
    QUIET.forEach(name -> context.getLogger(name).setLevel(Level.WARN));
  }

  /** INFO when unset; a value logback does not know is reported on stderr, not silently replaced. */
  static Level rootLevel(String value) {
    if (value == null || value.isBlank()) {
      return Level.INFO;
    }
    Level level = Level.toLevel(value.trim().toUpperCase(Locale.ROOT), null);
    if (level == null) {
      System.err.println(LEVEL_VARIABLE + "=" + value + " is not a log level (TRACE, DEBUG, INFO, WARN, ERROR, OFF); "
          + "logging at INFO");
      return Level.INFO;
    }
    return level;
  }

  private static boolean hasResource(String name) {
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    return (loader != null ? loader : ServiceLogConfigurator.class.getClassLoader()).getResource(name) != null;
  }
}
