package io.pullproof.cli.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.pullproof.cli.BadInputException;
import io.pullproof.cli.PullproofCommand;
import io.pullproof.events.CredentialIdentity;
import io.pullproof.events.CredentialKind;
import io.pullproof.events.ImagePulled;
import io.pullproof.events.NodeRef;
import io.pullproof.events.PodRef;
import io.pullproof.events.SecretRef;
import io.pullproof.jdbc.Database;
import io.pullproof.jdbc.DatabaseConfig;
import io.pullproof.kafka.KafkaClientConfig;
import io.pullproof.kafka.TopicLayout;
import io.pullproof.kafka.TopicNames;
import io.pullproof.kafka.TopicProvisioner;
import io.pullproof.kit.config.ConfigSource;
import io.pullproof.ledger.LedgerConfig;
import io.pullproof.ledger.LedgerMain;
import io.pullproof.stack.KafkaBroker;
import io.pullproof.stack.PostgresServer;
import io.pullproof.stack.SchemaRegistryServer;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.postgresql.PGConnection;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Ledger ingest (Kafka → committed PostgreSQL rows, through the real {@link LedgerMain}) against a
 * raw COPY of the same {@code pull_events} rows into the same database, in one run (PERFORMANCE.md
 * goal 2: ratio ≥ 0.5). Starts its own Kafka, schema registry and PostgreSQL on 127.0.0.1 in a
 * temporary directory and stops them at the end.
 */
@Command(name = "ledger", mixinStandardHelpOptions = true,
    description = {"Ledger ingest rate vs raw COPY of the same rows, measured in one run on embedded servers.",
        "Writes {events, ledgerEventsPerSecond, rawCopyRowsPerSecond, ratio, ...parameters} to --json."})
public final class LedgerBenchCommand implements Callable<Integer> {
  @Option(names = "--quick", description = "200,000 events instead of 1,000,000 (finishes in well under two minutes).")
  boolean quick;

  @Option(names = "--events", paramLabel = "N", description = "Number of ImagePulled events (overrides --quick).")
  Integer events;

  @Option(names = "--json", paramLabel = "FILE", required = true, description = "Where to write the result as JSON.")
  Path json;

  @Option(names = "--batch", paramLabel = "N", defaultValue = "5000",
      description = "Ledger max.poll.records and raw COPY chunk size (default: ${DEFAULT-VALUE}).")
  int batch;

  private static final int CLUSTERS = 5;
  private static final int NODES_PER_CLUSTER = 40;
  private static final int NAMESPACES = 50;

  @Override
  public Integer call() throws Exception {
    int n = events != null ? events : quick ? 200_000 : 1_000_000;
    if (n < 1_000 || n > 20_000_000) {
      throw new BadInputException("--events " + n + ": must be from 1000 to 20000000");
    }
    if (batch < 100 || batch > 100_000) {
      throw new BadInputException("--batch " + batch + ": must be from 100 to 100000");
    }
    int grants = Math.max(1, n / 10);
    Path dir = Files.createTempDirectory("pullproof-bench-ledger-");
    System.out.println("bench ledger: starting Kafka, schema registry and PostgreSQL under " + dir);
    CompletableFuture<SchemaRegistryServer> registryStart = CompletableFuture.supplyAsync(() -> SchemaRegistryServer.start(dir.resolve("registry")));
    CompletableFuture<PostgresServer> postgresStart = CompletableFuture.supplyAsync(() -> PostgresServer.start(dir.resolve("postgres")));
    try (KafkaBroker kafka = KafkaBroker.start(dir.resolve("kafka"));
        SchemaRegistryServer registry = registryStart.join();
        PostgresServer postgres = postgresStart.join()) {
      TopicNames topics = new TopicNames("bench.");
      KafkaClientConfig client = new KafkaClientConfig(kafka.bootstrapServers(), registry.url(), "bench");
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
        new TopicProvisioner(admin).ensure(TopicLayout.singleBroker().specs(topics).values());
      }

      long produceStart = System.nanoTime();
      produce(client, topics.pulls(), n, grants);
      double produceSeconds = seconds(produceStart);
      System.out.printf("produced %,d events in %.1f s%n", n, produceSeconds);

      String url = postgres.jdbcUrl("postgres");
      Ingest ingest = runLedger(kafka, registry, url, topics, n);
      System.out.printf("ledger stored %,d events; measured %,d events in %.2f s%n", n, ingest.measuredEvents, ingest.seconds);

      double copySeconds = rawCopy(url, batch);
      double ledgerRate = ingest.measuredEvents / ingest.seconds;
      double copyRate = n / copySeconds;

      Map<String, Object> result = new LinkedHashMap<>();
      result.put("events", n);
      result.put("ledgerEventsPerSecond", Math.round(ledgerRate));
      result.put("rawCopyRowsPerSecond", Math.round(copyRate));
      result.put("ratio", Math.round(ledgerRate / copyRate * 1000) / 1000.0);
      result.put("goalRatio", 0.5);
      result.put("quick", quick);
      result.put("batchSize", batch);
      result.put("partitions", TopicLayout.singleBroker().eventPartitions());
      result.put("distinctGrants", grants);
      result.put("clusters", CLUSTERS);
      result.put("nodes", CLUSTERS * NODES_PER_CLUSTER);
      result.put("rowsPerEvent", "1 pull_events row (COPY) + grant upsert + node_pulls upsert + offsets, one transaction per batch");
      result.put("rawBaseline", "COPY of the same pull_events rows into an empty pull_events table (same schema, same indexes) in chunks of batchSize, one transaction each");
      result.put("ledgerMeasuredFrom", "first committed batch to the last (group join and start-up excluded)");
      result.put("ledgerMeasuredEvents", ingest.measuredEvents);
      result.put("ledgerSeconds", round(ingest.seconds));
      result.put("rawCopySeconds", round(copySeconds));
      result.put("produceSeconds", round(produceSeconds));
      result.put("consumerLagAfter", ingest.lagAfter);
      result.put("availableProcessors", Runtime.getRuntime().availableProcessors());
      result.put("measuredAt", Instant.now().toString());
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), result);

      System.out.println();
      System.out.printf("%-34s %14s%n", "measure", "value");
      System.out.printf("%-34s %,14d%n", "events", n);
      System.out.printf("%-34s %,14.0f%n", "ledger ingest (events/s)", ledgerRate);
      System.out.printf("%-34s %,14.0f%n", "raw COPY pull_events (rows/s)", copyRate);
      System.out.printf("%-34s %14.3f   (goal >= 0.5)%n", "ratio", ledgerRate / copyRate);
      System.out.printf("%-34s %,14d%n", "consumer lag after the burst", ingest.lagAfter);
      System.out.println("result written to " + json);
      return PullproofCommand.EXIT_OK;
    } finally {
      deleteQuietly(dir);
    }
  }

  private static void produce(KafkaClientConfig client, String topic, int n, int grants) {
    Map<String, Object> props = new HashMap<>(client.producerProperties());
    props.put("linger.ms", "20");
    props.put("batch.size", Integer.toString(256 * 1024));
    props.put("compression.type", "lz4");
    Instant t0 = Instant.parse("2026-11-22T00:00:00Z");
    try (KafkaProducer<String, ImagePulled> producer = new KafkaProducer<>(props)) {
      for (int i = 0; i < n; i++) {
        int g = i % grants;
        int namespace = g % NAMESPACES;
        int cluster = i % CLUSTERS;
        String name = "registry.example/team-" + namespace + "/app-" + g;
        String digest = "sha256:" + String.format("%064x", g);
        ImagePulled event = ImagePulled.newBuilder()
            .setEventId("e-" + i)
            .setOccurredAt(t0.plusMillis(i))
            .setNode(new NodeRef("cluster-" + cluster, "node-" + cluster + "-" + (i % NODES_PER_CLUSTER)))
            .setPod(new PodRef("team-" + namespace, "pod-" + i, "pod-uid-" + i))
            .setImage(name + ":1")
            .setName(name)
            .setImageRef(digest)
            .setCredential(CredentialIdentity.newBuilder().setKind(CredentialKind.SECRET)
                .setHash("hmac-sha256:k1:" + String.format("%064x", namespace))
                .setSecret(new SecretRef("team-" + namespace, "pull", "secret-uid-" + namespace)).build())
            .build();
        producer.send(new ProducerRecord<>(topic, digest, event));
      }
      producer.flush();
    }
  }

  private record Ingest(long measuredEvents, double seconds, long lagAfter) {}

  /** Runs the real ledger and watches consumed_offsets, the ledger's own commit record. */
  private Ingest runLedger(KafkaBroker kafka, SchemaRegistryServer registry, String url, TopicNames topics, int n) throws Exception {
    Map<String, String> settings = new HashMap<>();
    settings.put(LedgerConfig.KAFKA_BOOTSTRAP.name(), kafka.bootstrapServers());
    settings.put(LedgerConfig.SCHEMA_REGISTRY_URL.name(), registry.url());
    settings.put(LedgerConfig.TOPIC_PREFIX.name(), topics.prefix());
    settings.put(LedgerConfig.DB_URL.name(), url);
    settings.put(LedgerConfig.DB_SCHEMA.name(), "bench_ledger");
    settings.put(LedgerConfig.HTTP_HOST.name(), "127.0.0.1");
    settings.put(LedgerConfig.HTTP_PORT.name(), "0");
    settings.put(LedgerConfig.HEALTH_PORT.name(), "0");
    settings.put(LedgerConfig.MAX_POLL_RECORDS.name(), Integer.toString(batch));
    settings.put(LedgerConfig.TOKENS.name(), "bench reader " + "0".repeat(64));
    settings.put(LedgerConfig.KAFKA_PROPERTIES.name(), "max.partition.fetch.bytes=4194304;fetch.max.bytes=16777216");
    try (LedgerMain.Running ledger = LedgerMain.start(LedgerConfig.from(ConfigSource.of(settings)));
        Connection connection = java.sql.DriverManager.getConnection(url)) {
      connection.setSchema("bench_ledger");
      long firstSum = 0;
      long firstAt = 0;
      long deadline = System.nanoTime() + 600_000_000_000L;
      while (System.nanoTime() < deadline) {
        long sum = offsetsSum(connection);
        long now = System.nanoTime();
        if (firstAt == 0 && sum > 0) {
          firstAt = now;
          firstSum = sum;
        }
        if (sum >= n) {
          return new Ingest(n - firstSum, (now - firstAt) / 1e9, n - sum);
        }
        Thread.sleep(20);
      }
      throw new IllegalStateException("the ledger did not store " + n + " events within 10 minutes");
    }
  }

  private static long offsetsSum(Connection connection) throws Exception {
    try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT coalesce(sum(next_offset), 0) FROM consumed_offsets")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /**
   * The ledger's own pull_events rows, COPYed into a fresh schema made by the same migrations. The
   * rows go through a temporary file and are cut into chunks before the clock starts, so only the
   * COPYs are timed and the heap holds the rows once.
   */
  private static double rawCopy(String url, int chunk) throws Exception {
    Path file = Files.createTempFile("pullproof-bench-rows", ".copy");
    try (Database raw = Database.open(new DatabaseConfig(url, null, null, "bench_raw", 2), "bench-raw", "classpath:db/ledger");
        Connection source = java.sql.DriverManager.getConnection(url)) {
      try (var out = new java.io.BufferedOutputStream(Files.newOutputStream(file))) {
        source.unwrap(PGConnection.class).getCopyAPI().copyOut("COPY bench_ledger.pull_events TO STDOUT", out);
      }
      List<byte[]> chunks = chunks(file, chunk);
      long start = System.nanoTime();
      for (byte[] rows : chunks) {
        raw.inTransaction(connection -> {
          try {
            return connection.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY pull_events FROM STDIN", new ByteArrayInputStream(rows));
          } catch (java.io.IOException e) {
            throw new java.sql.SQLException(e);
          }
        });
      }
      return seconds(start);
    } finally {
      Files.deleteIfExists(file);
    }
  }

  /** COPY text is one row per line (newlines inside values are escaped), so lines are rows. */
  private static List<byte[]> chunks(Path file, int linesPerChunk) throws java.io.IOException {
    List<byte[]> chunks = new ArrayList<>();
    try (var in = Files.newBufferedReader(file, java.nio.charset.StandardCharsets.UTF_8)) {
      StringBuilder chunk = new StringBuilder();
      int lines = 0;
      String line;
      while ((line = in.readLine()) != null) {
        chunk.append(line).append('\n');
        if (++lines == linesPerChunk) {
          chunks.add(chunk.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
          chunk.setLength(0);
          lines = 0;
        }
      }
      if (lines > 0) {
        chunks.add(chunk.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
      }
    }
    return chunks;
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  private static double round(double value) {
    return Math.round(value * 100) / 100.0;
  }

  static void deleteQuietly(Path dir) {
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (Exception e) {
      System.err.println("pullproof: could not delete " + dir + ": " + e.getMessage());
    }
  }
}
