package io.pullproof.stack;

import io.pullproof.stack.oci.TlsMaterial;
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
import java.util.Objects;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * A real single-node Kafka 4.1 broker in KRaft mode (broker and controller in one process), run
 * as a child JVM from the jars Maven resolved for this module (see its pom), bound to 127.0.0.1.
 * Data lives in {@code dir/data}, so a restart on the same directory and ports keeps the topics.
 *
 * <p>{@link #startWithTls} adds an SSL listener (optionally requiring client certificates) and a
 * SASL_SSL listener with PLAIN users next to the PLAINTEXT one, which stays for the broker's own
 * inter-broker and controller traffic.
 */
public final class KafkaBroker implements AutoCloseable {
  private static final String CLASSPATH_RESOURCE = "kafka-broker.classpath";
  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

  private final ChildProcess process;
  private final int port;
  private final int controllerPort;
  private final Listeners listeners;

  /**
   * The TLS listeners of {@link #startWithTls}.
   *
   * @param server the broker's certificate and key (clients trust its {@code cert.pem})
   * @param clientCa PEM certificates the SSL listener accepts client certificates from; null: the
   *     SSL listener asks for none ({@code ssl.client.auth=none}), otherwise it requires one
   * @param plainUsers user name to password for the SASL_SSL listener (mechanism PLAIN); empty: no
   *     SASL_SSL listener
   */
  public record Tls(TlsMaterial server, Path clientCa, Map<String, String> plainUsers) {
    public Tls {
      Objects.requireNonNull(server, "server");
      plainUsers = Map.copyOf(plainUsers);
    }
  }

  /** Ports of the optional listeners; 0 when absent. */
  private record Listeners(int ssl, int saslSsl) {
    static final Listeners NONE = new Listeners(0, 0);
  }

  private KafkaBroker(ChildProcess process, int port, int controllerPort, Listeners listeners) {
    this.process = process;
    this.port = port;
    this.controllerPort = controllerPort;
    this.listeners = listeners;
  }

  /** Starts on free ports. */
  public static KafkaBroker start(Path dir) {
    return start(dir, FreePort.pick(), FreePort.pick());
  }

  /** Starts on the given ports (the dev stack keeps its ports between runs). */
  public static KafkaBroker start(Path dir, int port, int controllerPort) {
    return start(dir, port, controllerPort, null, Listeners.NONE);
  }

  /** Starts on free ports with an SSL listener and, when {@code tls} has users, a SASL_SSL one. */
  public static KafkaBroker startWithTls(Path dir, Tls tls) {
    return start(dir, FreePort.pick(), FreePort.pick(), tls,
        new Listeners(FreePort.pick(), tls.plainUsers().isEmpty() ? 0 : FreePort.pick()));
  }

  private static KafkaBroker start(Path dir, int port, int controllerPort, Tls tls, Listeners listeners) {
    try {
      Files.createDirectories(dir.resolve("data"));
      Path properties = dir.resolve("server.properties");
      Files.writeString(properties, serverProperties(dir.resolve("data"), port, controllerPort)
          + (tls == null ? "" : tlsProperties(tls, listeners, port, controllerPort)));
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
      return new KafkaBroker(broker, port, controllerPort, listeners);
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

  /** {@code 127.0.0.1:port} of the SSL listener; only after {@link #startWithTls}. */
  public String sslBootstrapServers() {
    if (listeners.ssl() == 0) {
      throw new IllegalStateException("this broker has no SSL listener: start it with startWithTls");
    }
    return "127.0.0.1:" + listeners.ssl();
  }

  /** {@code 127.0.0.1:port} of the SASL_SSL listener; only after {@link #startWithTls} with users. */
  public String saslSslBootstrapServers() {
    if (listeners.saslSsl() == 0) {
      throw new IllegalStateException("this broker has no SASL_SSL listener: start it with startWithTls and users");
    }
    return "127.0.0.1:" + listeners.saslSsl();
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

  /**
   * Later keys win in a properties file, so these override the plaintext-only listener lines. The
   * PEM files are read by the broker itself ({@code ssl.keystore.type=PEM}): no keystore to convert.
   */
  private static String tlsProperties(Tls tls, Listeners listeners, int port, int controllerPort) throws IOException {
    String plain = "PLAINTEXT://127.0.0.1:" + port;
    String ssl = "SSL://127.0.0.1:" + listeners.ssl();
    String sasl = listeners.saslSsl() == 0 ? "" : ",SASL_SSL://127.0.0.1:" + listeners.saslSsl();
    List<String> lines = new java.util.ArrayList<>(List.of(
        "listeners=" + plain + "," + ssl + sasl + ",CONTROLLER://127.0.0.1:" + controllerPort,
        "advertised.listeners=" + plain + "," + ssl + sasl,
        "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SSL:SSL,SASL_SSL:SASL_SSL",
        "ssl.keystore.type=PEM",
        "ssl.keystore.location=" + tls.server().keyAndCertificatePem().toAbsolutePath()));
    if (tls.clientCa() != null) {
      lines.add("listener.name.ssl.ssl.client.auth=required");
      lines.add("listener.name.ssl.ssl.truststore.type=PEM");
      lines.add("listener.name.ssl.ssl.truststore.location=" + tls.clientCa().toAbsolutePath());
    }
    if (listeners.saslSsl() != 0) {
      String users = tls.plainUsers().entrySet().stream()
          .map(user -> " user_" + user.getKey() + "=\"" + user.getValue() + "\"")
          .sorted().collect(Collectors.joining());
      lines.add("sasl.enabled.mechanisms=PLAIN");
      lines.add("listener.name.sasl_ssl.plain.sasl.jaas.config="
          + "org.apache.kafka.common.security.plain.PlainLoginModule required" + users + ";");
    }
    return String.join("\n", lines) + "\n";
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
