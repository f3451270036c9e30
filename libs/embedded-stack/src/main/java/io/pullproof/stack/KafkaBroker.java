package io.pullproof.stack;

import io.pullproof.stack.process.ChildProcess;
import io.pullproof.stack.process.FreePort;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A real single-node Kafka 4.1 broker in KRaft mode (broker and controller in one process), run
 * as a child JVM from the jars Maven resolved for this module (see its pom), bound to 127.0.0.1.
 * Data lives in {@code dir/data}, so a restart on the same directory and ports keeps the topics.
 */
public final class KafkaBroker implements AutoCloseable {
  private static final String CLASSPATH_RESOURCE = "kafka-broker.classpath";
  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

  private final ChildProcess process;
  private final int port;
  private final int controllerPort;

  private KafkaBroker(ChildProcess process, int port, int controllerPort) {
    this.process = process;
    this.port = port;
    this.controllerPort = controllerPort;
  }

  /** Starts on free ports. */
  public static KafkaBroker start(Path dir) {
    return start(dir, FreePort.pick(), FreePort.pick());
  }

  /** Starts on the given ports (the dev stack keeps its ports between runs). */
  public static KafkaBroker start(Path dir, int port, int controllerPort) {
    try {
      Files.createDirectories(dir.resolve("data"));
      Path properties = dir.resolve("server.properties");
      Files.writeString(properties, serverProperties(dir.resolve("data"), port, controllerPort));
      Path log4j = dir.resolve("log4j2.properties");
      Files.writeString(log4j, LOG4J2);
      String classpath = brokerClasspath();
      List<String> jvm = List.of("-Xms256m", "-Xmx1g", "-XX:+UseG1GC",
          "-Dlog4j2.configurationFile=" + log4j.toAbsolutePath(), "-cp", classpath);

      // KRaft needs formatted storage; --ignore-formatted makes a restart on old data a no-op.
      Path clusterIdFile = dir.resolve("cluster.id");
      if (!Files.exists(clusterIdFile)) {
        Files.writeString(clusterIdFile, clusterId());
      }
      ChildProcess format = ChildProcess.start("kafka-storage-format",
          JavaLauncher.command(jvm, List.of("kafka.tools.StorageTool", "format", "-t",
              Files.readString(clusterIdFile).trim(), "-c", properties.toString(), "--ignore-formatted")),
          dir, Map.of(), dir.resolve("format.log"));
      awaitExit(format);

      ChildProcess broker = ChildProcess.start("kafka",
          JavaLauncher.command(jvm, List.of("kafka.Kafka", properties.toString())),
          dir, Map.of(), dir.resolve("kafka.log"));
      // The port opens before the broker can serve; this line is what "ready" means.
      broker.awaitReady(START_TIMEOUT, () -> broker.logContains("Kafka Server started"));
      return new KafkaBroker(broker, port, controllerPort);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare Kafka in " + dir, e);
    }
  }

  public String bootstrapServers() {
    return "127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  public int controllerPort() {
    return controllerPort;
  }

  public long pid() {
    return process.pid();
  }

  public Path logFile() {
    return process.logFile();
  }

  @Override
  public void close() {
    process.close();
  }

  private static String serverProperties(Path data, int port, int controllerPort) {
    return String.join("\n",
        "process.roles=broker,controller",
        "node.id=1",
        "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
        "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
        "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
        "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
        "controller.listener.names=CONTROLLER",
        "inter.broker.listener.name=PLAINTEXT",
        "log.dirs=" + data.toAbsolutePath(),
        "num.partitions=1",
        "auto.create.topics.enable=true",
        // One node: every internal topic must make do with one replica.
        "offsets.topic.replication.factor=1",
        "offsets.topic.num.partitions=6",
        "transaction.state.log.replication.factor=1",
        "transaction.state.log.min.isr=1",
        "share.coordinator.state.topic.replication.factor=1",
        "share.coordinator.state.topic.min.isr=1",
        // Without this every first group assignment waits 3 s.
        "group.initial.rebalance.delay.ms=0",
        // Audit replay reads old events: keep them (the operator's guide sizes real retention).
        "log.retention.hours=-1",
        "")
        ;
  }

  private static String brokerClasspath() throws IOException {
    try (InputStream in = KafkaBroker.class.getResourceAsStream(CLASSPATH_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(CLASSPATH_RESOURCE + " is missing: build libs/embedded-stack with Maven first");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
    }
  }

  /**
   * Kafka's cluster id format: 16 random bytes, URL-safe base64 without padding. Like Kafka's own
   * {@code Uuid.randomUuid()}, never one starting with '-': the storage tool would read it as an option.
   */
  private static String clusterId() {
    while (true) {
      UUID uuid = UUID.randomUUID();
      ByteBuffer bytes = ByteBuffer.allocate(16);
      bytes.putLong(uuid.getMostSignificantBits()).putLong(uuid.getLeastSignificantBits());
      String id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes.array());
      if (!id.startsWith("-")) {
        return id;
      }
    }
  }

  private static void awaitExit(ChildProcess format) {
    if (format.waitForExit(Duration.ofSeconds(60)) != 0) {
      throw new IllegalStateException("formatting Kafka storage failed:\n" + format.logTail(30));
    }
  }

  private static final String LOG4J2 = String.join("\n",
      "status = warn",
      "appender.console.type = Console",
      "appender.console.name = STDOUT",
      "appender.console.layout.type = PatternLayout",
      "appender.console.layout.pattern = [%d] %p %m (%c)%n",
      "rootLogger.level = WARN",
      "rootLogger.appenderRef.stdout.ref = STDOUT",
      // The readiness line comes from these loggers.
      "logger.server.name = kafka.server",
      "logger.server.level = INFO",
      "logger.raft.name = org.apache.kafka.raft",
      "logger.raft.level = WARN",
      "");
}
