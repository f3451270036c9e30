package io.pullproof.stack;

import io.pullproof.stack.oci.OciRegistry;
import io.pullproof.stack.oci.TlsMaterial;
import io.pullproof.stack.oci.TokenIssuer;
import io.pullproof.stack.oci.TokenIssuerConfig;
import io.pullproof.stack.process.DebianPackages;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The embedded default stack: Kafka, the schema registry, PostgreSQL and the token-auth OCI
 * registry, all real, on loopback, with their data under one directory that survives restarts.
 * {@code ./pullproof stack up} runs one of these in a detached supervisor JVM; the demo reuses it.
 */
public final class Stack implements AutoCloseable {
  /** The registry user the stack creates with push and pull on every repository (for seeding images). */
  public static final String REGISTRY_ADMIN = "pullproof-admin";

  private final Path dataDir;
  private final Deque<AutoCloseable> started = new ArrayDeque<>();
  private KafkaBroker kafka;
  private SchemaRegistryServer schemaRegistry;
  private PostgresServer postgres;
  private TokenIssuer tokenIssuer;
  private OciRegistry ociRegistry;
  private Path accessFile;

  private Stack(Path dataDir) {
    this.dataDir = dataDir;
  }

  /** Starts every server; on a failure, stops what already started and rethrows. */
  public static Stack start(Path dataDir, StackPorts wanted, Consumer<String> progress) {
    DebianPackages.ensureInstalled(List.of(DebianPackages.DOCKER_REGISTRY), progress);
    Stack stack = new Stack(dataDir.toAbsolutePath());
    try {
      stack.startAll(wanted, progress);
      return stack;
    } catch (RuntimeException e) {
      stack.close();
      throw e;
    }
  }

  private void startAll(StackPorts wanted, Consumer<String> progress) {
    // The registry takes the longest (about 10 s): start it first, in parallel with the rest.
    int registryPort = StackPorts.freeOr(wanted.schemaRegistry());
    CompletableFuture<SchemaRegistryServer> registryStart =
        CompletableFuture.supplyAsync(() -> SchemaRegistryServer.start(dataDir.resolve("schema-registry"), registryPort));
    try {
      progress.accept("starting PostgreSQL");
      postgres = register(PostgresServer.start(dataDir.resolve("postgres"), StackPorts.freeOr(wanted.postgres())));
      progress.accept("starting Kafka (KRaft)");
      kafka = register(KafkaBroker.start(dataDir.resolve("kafka"),
          StackPorts.freeOr(wanted.kafka()), StackPorts.freeOr(wanted.kafkaController())));
      progress.accept("starting the token issuer and the OCI registry");
      Path oci = dataDir.resolve("oci");
      TlsMaterial tls = TlsMaterial.loadOrCreate(oci.resolve("tls"));
      tokenIssuer = register(new TokenIssuer(tls, TokenIssuerConfig.defaults().withPort(StackPorts.freeOr(wanted.tokenIssuer()))).start());
      accessFile = seedAccessFile(oci.resolve("access.json"));
      tokenIssuer.loadAccess(accessFile);
      ociRegistry = register(OciRegistry.startWithTokenAuth(oci.resolve("registry"), tokenIssuer, StackPorts.freeOr(wanted.ociRegistry())));
    } catch (RuntimeException e) {
      // The registry must not be left running unowned: wait for it, so close() stops it too.
      try {
        register(registryStart.join());
      } catch (RuntimeException registryFailure) {
        e.addSuppressed(registryFailure);
      }
      throw e;
    }
    progress.accept("waiting for the schema registry");
    schemaRegistry = register(registryStart.join());
  }

  /**
   * On first start writes an access file with one admin user (random password, file mode 600);
   * later starts reuse it, so images pushed earlier stay reachable with the same credentials.
   */
  private static Path seedAccessFile(Path file) {
    try {
      if (!Files.exists(file)) {
        Files.createDirectories(file.getParent());
        byte[] secret = new byte[18];
        new SecureRandom().nextBytes(secret);
        String password = HexFormat.of().formatHex(secret);
        Files.writeString(file, "{\"users\": {\"" + REGISTRY_ADMIN + "\": \"" + password + "\"},\n"
            + " \"grants\": {\"" + REGISTRY_ADMIN + "\": {\"*\": [\"pull\", \"push\"]}},\n"
            + " \"public\": [\"library/*\", \"public/*\"]}\n");
        Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
      }
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the registry access file " + file, e);
    }
  }

  private <T extends AutoCloseable> T register(T server) {
    started.push(server);
    return server;
  }

  public KafkaBroker kafka() {
    return kafka;
  }

  public SchemaRegistryServer schemaRegistry() {
    return schemaRegistry;
  }

  public PostgresServer postgres() {
    return postgres;
  }

  public TokenIssuer tokenIssuer() {
    return tokenIssuer;
  }

  public OciRegistry ociRegistry() {
    return ociRegistry;
  }

  /** The state other commands read; {@code supervisorPid} is this JVM. */
  public StackState state(String status) {
    Map<String, Long> pids = new LinkedHashMap<>();
    pids.put("postgres", postgres.pid());
    pids.put("kafka", kafka.pid());
    pids.put("schema-registry", schemaRegistry.pid());
    pids.put("oci-registry", ociRegistry.pid());
    return new StackState(dataDir.toString(), ProcessHandle.current().pid(), status,
        kafka.bootstrapServers(), schemaRegistry.url(), postgres.jdbcUrl("postgres"),
        ociRegistry.hostPort(), tokenIssuer.tokenUri().toString(),
        ociRegistry.truststore().toString(), ociRegistry.truststorePassword(), ociRegistry.caCertificatePem().toString(),
        accessFile.toString(),
        new StackPorts(kafka.port(), kafka.controllerPort(), schemaRegistry.port(), postgres.port(), ociRegistry.port(), tokenIssuer.port()),
        pids);
  }

  /** Stops in reverse start order; each server stops by its own PID. */
  @Override
  public void close() {
    while (!started.isEmpty()) {
      AutoCloseable server = started.pop();
      try {
        server.close();
      } catch (Exception e) {
        System.err.println("stopping " + server.getClass().getSimpleName() + " failed: " + e.getMessage());
      }
    }
  }
}
