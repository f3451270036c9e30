package io.pullproof.testkit;

import io.pullproof.jdbc.DatabaseConfig;
import io.pullproof.stack.KafkaBroker;
import io.pullproof.stack.PostgresServer;
import io.pullproof.stack.SchemaRegistryServer;
import io.pullproof.stack.containerd.ContainerdRuntime;
import io.pullproof.stack.oci.OciRegistry;
import io.pullproof.stack.oci.TlsMaterial;
import io.pullproof.stack.oci.TokenIssuer;
import io.pullproof.stack.oci.TokenIssuerConfig;
import io.pullproof.stack.process.DebianPackages;
import io.pullproof.stack.process.ScratchDirectory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * REAL servers for integration tests, started once per test JVM and only when a test asks for
 * one, on free loopback ports, stopped by PID when the JVM exits. Tests share the servers and
 * isolate themselves by topic prefix ({@link #newTopicPrefix}) and database schema
 * ({@link #newDatabase}), never by restarting servers.
 *
 * <p>{@code PULLPROOF_TEST_POSTGRES_URL} (a {@code jdbc:postgresql://} URL with credentials)
 * points the tests at an external PostgreSQL instead of the embedded one.
 */
public final class TestInfrastructure {
  private static final Logger LOG = LoggerFactory.getLogger(TestInfrastructure.class);
  public static final String EXTERNAL_POSTGRES_ENV = "PULLPROOF_TEST_POSTGRES_URL";

  private static final Map<String, CompletableFuture<?>> SERVERS = new ConcurrentHashMap<>();
  private static final Deque<AutoCloseable> TO_STOP = new ArrayDeque<>();
  private static final Path ROOT = createRoot();

  private TestInfrastructure() {}

  public static KafkaBroker kafka() {
    return server("kafka", () -> KafkaBroker.start(ROOT.resolve("kafka")));
  }

  public static SchemaRegistryServer schemaRegistry() {
    return server("schema-registry", () -> SchemaRegistryServer.start(ROOT.resolve("schema-registry")));
  }

  /** Starts Kafka and the schema registry side by side: the registry's 7-10 s overlaps the broker's 3 s. */
  public static void startKafkaAndRegistry() {
    CompletableFuture<?> registry = CompletableFuture.runAsync(TestInfrastructure::schemaRegistry);
    kafka();
    registry.join();
  }

  /**
   * The token issuer of {@link #tokenRegistry()}: tests add users, grants and public repositories
   * through it. Use names unique to the test (e.g. with {@link #newTopicPrefix}'s id) to stay isolated.
   */
  public static TokenIssuer tokenIssuer() {
    return server("token-issuer", () -> new TokenIssuer(
        TlsMaterial.loadOrCreate(ROOT.resolve("oci").resolve("tls")), TokenIssuerConfig.defaults()).start());
  }

  /** The registry with TLS and bearer tokens (per-repository grants); installs docker-registry if missing. */
  public static OciRegistry tokenRegistry() {
    TokenIssuer issuer = tokenIssuer();
    return server("oci-token-registry", () -> {
      DebianPackages.ensureInstalled(List.of(DebianPackages.DOCKER_REGISTRY), LOG::info);
      return OciRegistry.startWithTokenAuth(ROOT.resolve("oci").resolve("token-registry"), issuer);
    });
  }

  /**
   * A new registry with TLS and htpasswd (every valid user may pull everything) for these users;
   * it starts in well under a second, so each caller gets its own. Stopped when the JVM exits.
   */
  public static OciRegistry newHtpasswdRegistry(Map<String, String> users) {
    String name = "oci-htpasswd-registry-" + shortId();
    return server(name, () -> {
      DebianPackages.ensureInstalled(List.of(DebianPackages.DOCKER_REGISTRY), LOG::info);
      return OciRegistry.startWithHtpasswd(ROOT.resolve("oci").resolve(name), users);
    });
  }

  /**
   * A real containerd (CRI v1 on a Unix socket, native snapshotter) that trusts the
   * {@link #tokenRegistry()}'s certificate; installs Debian's containerd if missing. Needs root.
   * Its pause image is {@value #SANDBOX_IMAGE}: a loopback port nothing listens on, so a
   * RunPodSandbox fails at once without any lookup leaving the machine.
   */
  public static ContainerdRuntime containerd() {
    OciRegistry registry = tokenRegistry();
    return server("containerd", () -> {
      DebianPackages.ensureInstalled(List.of(DebianPackages.CONTAINERD), LOG::info);
      ContainerdRuntime runtime = ContainerdRuntime.start(ROOT.resolve("containerd"), SANDBOX_IMAGE);
      runtime.trustRegistry(registry.hostPort(), registry.caCertificatePem());
      return runtime;
    });
  }

  /** The pause image name the test containerd is configured with. */
  public static final String SANDBOX_IMAGE = "127.0.0.1:9/pullproof/pause:3.6";

  /** The JDBC URL of the server's main database (embedded unless {@value #EXTERNAL_POSTGRES_ENV} is set). */
  public static String postgresUrl() {
    String external = System.getenv(EXTERNAL_POSTGRES_ENV);
    if (external != null && !external.isBlank()) {
      return external;
    }
    return server("postgres", () -> PostgresServer.start(ROOT.resolve("postgres"))).jdbcUrl("postgres");
  }

  /** A fresh, empty schema for one test class: isolation without a server restart. */
  public static DatabaseConfig newDatabase(String purpose) {
    String schema = (purpose.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_") + "_" + shortId()).toLowerCase(Locale.ROOT);
    String url = postgresUrl();
    try (Connection connection = DriverManager.getConnection(url)) {
      connection.createStatement().execute("CREATE SCHEMA " + schema);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create schema " + schema + " on " + url + ": " + e.getMessage(), e);
    }
    return new DatabaseConfig(url, null, null, schema, 8);
  }

  /** A topic prefix no other test uses, e.g. {@code it-3f9a1c2b.}: every topic of a test starts with it. */
  public static String newTopicPrefix() {
    return "it-" + shortId() + ".";
  }

  /**
   * Where a test may write files that outlive it until the JVM exits (logs of the servers live here
   * too). At exit the servers are stopped and the directory is deleted, unless the environment sets
   * {@code PULLPROOF_IT_KEEP} (to read the servers' logs after a failure).
   */
  public static Path root() {
    return ROOT;
  }

  @SuppressWarnings("unchecked")
  static <T extends AutoCloseable> T server(String name, Supplier<T> starter) {
    CompletableFuture<?> future = SERVERS.computeIfAbsent(name, n -> CompletableFuture.supplyAsync(() -> {
      long start = System.nanoTime();
      T server = starter.get();
      synchronized (TO_STOP) {
        TO_STOP.push(server);
      }
      LOG.info("test {} ready in {} ms", n, (System.nanoTime() - start) / 1_000_000);
      return server;
    }));
    return (T) future.join();
  }

  private static String shortId() {
    return UUID.randomUUID().toString().replace("-", "").substring(0, 8);
  }

  private static Path createRoot() {
    try {
      Path root = Files.createTempDirectory("pullproof-it-");
      // Each test JVM's servers leave 100-200 MB of Kafka logs and PostgreSQL data here; kept, a
      // build's worth of them filled /tmp by gigabytes per run.
      boolean keep = System.getenv("PULLPROOF_IT_KEEP") != null;
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        stopAll();
        if (!keep) {
          ScratchDirectory.deleteQuietly(root);
        }
      }, "pullproof-testkit-stop"));
      return root;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a directory for test servers", e);
    }
  }

  private static void stopAll() {
    synchronized (TO_STOP) {
      while (!TO_STOP.isEmpty()) {
        AutoCloseable server = TO_STOP.pop();
        try {
          server.close();
        } catch (Exception e) {
          LOG.warn("stopping a test server failed", e);
        }
      }
    }
  }
}
