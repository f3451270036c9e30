package io.pullproof.cli.bench;

import io.pullproof.kafka.TopicNames;
import io.pullproof.ledger.LedgerConfig;
import io.pullproof.stack.KafkaBroker;
import io.pullproof.stack.PostgresServer;
import io.pullproof.stack.SchemaRegistryServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Kafka, the schema registry and PostgreSQL of one ledger benchmark, started in parallel in a
 * temporary directory on 127.0.0.1 and stopped (and deleted) by {@link #close()}.
 */
final class BenchServers implements AutoCloseable {
  final Path dir;
  final KafkaBroker kafka;
  final SchemaRegistryServer registry;
  final PostgresServer postgres;

  private BenchServers(Path dir, KafkaBroker kafka, SchemaRegistryServer registry, PostgresServer postgres) {
    this.dir = dir;
    this.kafka = kafka;
    this.registry = registry;
    this.postgres = postgres;
  }

  static BenchServers start(String benchName) throws java.io.IOException {
    Path dir = Files.createTempDirectory("pullproof-bench-" + benchName + "-");
    System.out.println("bench " + benchName + ": starting Kafka, schema registry and PostgreSQL under " + dir);
    CompletableFuture<SchemaRegistryServer> registry = CompletableFuture.supplyAsync(() -> SchemaRegistryServer.start(dir.resolve("registry")));
    CompletableFuture<PostgresServer> postgres = CompletableFuture.supplyAsync(() -> PostgresServer.start(dir.resolve("postgres")));
    KafkaBroker kafka = null;
    try {
      kafka = KafkaBroker.start(dir.resolve("kafka"));
      return new BenchServers(dir, kafka, registry.join(), postgres.join());
    } catch (RuntimeException | Error e) {
      closeQuietly(kafka);
      registry.thenAccept(BenchServers::closeQuietly);
      postgres.thenAccept(BenchServers::closeQuietly);
      deleteQuietly(dir);
      throw e;
    }
  }

  String jdbcUrl() {
    return postgres.jdbcUrl("postgres");
  }

  /** Settings of a ledger on these servers, API and health on free ports; the caller adds the rest. */
  Map<String, String> ledgerSettings(TopicNames topics, String schema, String tokens) {
    Map<String, String> settings = new HashMap<>();
    settings.put(LedgerConfig.KAFKA_BOOTSTRAP.name(), kafka.bootstrapServers());
    settings.put(LedgerConfig.SCHEMA_REGISTRY_URL.name(), registry.url());
    settings.put(LedgerConfig.TOPIC_PREFIX.name(), topics.prefix());
    settings.put(LedgerConfig.DB_URL.name(), jdbcUrl());
    settings.put(LedgerConfig.DB_SCHEMA.name(), schema);
    settings.put(LedgerConfig.HTTP_HOST.name(), "127.0.0.1");
    settings.put(LedgerConfig.HTTP_PORT.name(), "0");
    settings.put(LedgerConfig.HEALTH_PORT.name(), "0");
    settings.put(LedgerConfig.TOKENS.name(), tokens);
    return settings;
  }

  @Override
  public void close() {
    closeQuietly(kafka);
    closeQuietly(registry);
    closeQuietly(postgres);
    deleteQuietly(dir);
  }

  private static void closeQuietly(AutoCloseable server) {
    if (server == null) {
      return;
    }
    try {
      server.close();
    } catch (Exception e) {
      System.err.println("pullproof: stopping " + server.getClass().getSimpleName() + " failed: " + e.getMessage());
    }
  }

  /** Removes a benchmark's scratch directory; a leftover file is reported, never fatal. */
  static void deleteQuietly(Path dir) {
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (Exception e) {
      System.err.println("pullproof: could not delete " + dir + ": " + e.getMessage());
    }
  }
}
