package io.pullproof.cli.bench;

import io.pullproof.stack.process.ScratchDirectory;
import io.pullproof.cli.demo.LocalServices;
import io.pullproof.kafka.TopicNames;
import io.pullproof.stack.KafkaBroker;
import io.pullproof.stack.PostgresServer;
import io.pullproof.stack.SchemaRegistryServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Kafka, the schema registry and PostgreSQL of one benchmark, started in parallel in a
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
      BenchServers servers = new BenchServers(dir, kafka, registry.join(), postgres.join());
      // Interrupted (Ctrl-C, SIGTERM): stop the servers, then delete their directory (a stopping
      // broker still writes there). An interrupted start is left to ChildProcess's exit hook.
      Runtime.getRuntime().addShutdownHook(new Thread(servers::close, "pullproof-bench-servers"));
      return servers;
    } catch (RuntimeException | Error e) {
      closeQuietly(kafka);
      registry.thenAccept(BenchServers::closeQuietly);
      postgres.thenAccept(BenchServers::closeQuietly);
      ScratchDirectory.deleteQuietly(dir);
      throw e;
    }
  }

  String jdbcUrl() {
    return postgres.jdbcUrl("postgres");
  }

  /** Settings of a ledger on these servers, API and health on free ports; the caller adds the rest. */
  Map<String, String> ledgerSettings(TopicNames topics, String schema, String tokens) {
    return LocalServices.ledgerSettings(kafka.bootstrapServers(), registry.url(), jdbcUrl(), topics, schema, tokens);
  }

  @Override
  public void close() {
    closeQuietly(kafka);
    closeQuietly(registry);
    closeQuietly(postgres);
    ScratchDirectory.deleteQuietly(dir);
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
}
