package io.pullproof.kit.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.core.ConsoleAppender;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class ServiceLogConfiguratorTest {

  @Test
  void installsOneConsoleLineWithTheMdcAndQuietLibraries() {
    LoggerContext context = new LoggerContext();
    ServiceLogConfigurator.install(context, null);
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    assertThat(root.getLevel()).isEqualTo(Level.INFO);
    var appender = root.getAppender("STDOUT");
    assertThat(appender).isInstanceOf(ConsoleAppender.class);
    assertThat(appender.isStarted()).isTrue();
    var encoder = (PatternLayoutEncoder) ((ConsoleAppender<?>) appender).getEncoder();
    assertThat(encoder.getPattern()).contains("%X").contains("%msg");
    assertThat(context.getLogger("org.apache.kafka.clients.consumer").getEffectiveLevel()).isEqualTo(Level.WARN);
    assertThat(context.getLogger("io.pullproof.ledger").getEffectiveLevel()).isEqualTo(Level.INFO);
  }

  @Test
  void rootLevelFromTheEnvironmentAndABadValueNamed() {
    assertThat(ServiceLogConfigurator.rootLevel("debug")).isEqualTo(Level.DEBUG);
    assertThat(ServiceLogConfigurator.rootLevel(" WARN ")).isEqualTo(Level.WARN);
    assertThat(ServiceLogConfigurator.rootLevel("")).isEqualTo(Level.INFO);
    assertThat(ServiceLogConfigurator.rootLevel("loud")).isEqualTo(Level.INFO);
  }

  @Test
  void stepsAsideForAnXmlFileOnTheClassPathAndIsFoundAsAService() {
    // This module's tests have a logback-test.xml: an operator's or a test's file wins.
    LoggerContext context = new LoggerContext();
    ServiceLogConfigurator configurator = new ServiceLogConfigurator();
    configurator.setContext(context);
    assertThat(configurator.configure(context)).isEqualTo(Configurator.ExecutionStatus.INVOKE_NEXT_IF_ANY);
    assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("STDOUT")).isNull();
    assertThat(ServiceLoader.load(Configurator.class).stream().map(ServiceLoader.Provider::type))
        .contains(ServiceLogConfigurator.class);
  }
}
