package io.pullproof.cli.chaos;

import io.pullproof.oci.RegistryClient;
import io.pullproof.oci.RegistryCredentials;
import io.pullproof.stack.KafkaBroker;
import io.pullproof.stack.PostgresServer;
import io.pullproof.stack.SchemaRegistryServer;
import io.pullproof.stack.oci.ImagePusher;
import io.pullproof.stack.oci.OciRegistry;
import io.pullproof.stack.oci.TlsMaterial;
import io.pullproof.stack.oci.TokenIssuer;
import io.pullproof.stack.oci.TokenIssuerConfig;
import io.pullproof.stack.process.DebianPackages;
import io.pullproof.stack.process.FreePort;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;

/**
 * The servers every chaos scenario shares, each restartable on its own directory and port so a
 * restart is the same server coming back: Kafka, PostgreSQL and the token-auth OCI registry (with
 * its token issuer), plus the schema registry, which is never restarted (its storage is in memory).
 * The registry gets one user and one private repository per tenant: tenant {@code i} may pull
 * {@code chaos/t<i>/app} and nothing else, which is the ground truth a start is judged by.
 */
final class ChaosServers implements AutoCloseable {
  /** One tenant: its registry user, the password in its pull secret, the one repository it may pull. */
  record Tenant(int index, String user, String password, String repository, String digest) {
    String namespace() {
      return "tenant-" + index;
    }

    String secretUid() {
      return "secret-" + user;
    }
  }

  private final Path dir;
  private final int kafkaPort;
  private final int controllerPort;
  private final int postgresPort;
  private final int registryPort;
  private final SchemaRegistryServer schemaRegistry;
  private final TokenIssuer issuer;
  private final List<Tenant> tenants = new ArrayList<>();
  private KafkaBroker kafka;
  private PostgresServer postgres;
  private OciRegistry registry;

  private ChaosServers(Path dir, SchemaRegistryServer schemaRegistry, TokenIssuer issuer) {
    this.dir = dir;
    this.schemaRegistry = schemaRegistry;
    this.issuer = issuer;
    this.kafkaPort = FreePort.pick();
    this.controllerPort = FreePort.pick();
    this.postgresPort = FreePort.pick();
    this.registryPort = FreePort.pick();
  }

  /** Starts every server under {@code dir} and seeds {@code tenantCount} tenants with one image each. */
  static ChaosServers start(Path dir, int tenantCount, Consumer<String> progress) {
    DebianPackages.ensureInstalled(List.of(DebianPackages.DOCKER_REGISTRY), progress);
    progress.accept("starting Kafka, the schema registry, PostgreSQL and a token-auth OCI registry under " + dir);
    CompletableFuture<SchemaRegistryServer> registryStart =
        CompletableFuture.supplyAsync(() -> SchemaRegistryServer.start(dir.resolve("schema-registry")));
    TokenIssuer issuer = null;
    ChaosServers servers = null;
    try {
      issuer = new TokenIssuer(TlsMaterial.loadOrCreate(dir.resolve("tls")), TokenIssuerConfig.defaults()).start();
      servers = new ChaosServers(dir, registryStart.join(), issuer);
      servers.startPostgres();
      servers.startKafka();
      servers.startRegistry();
      servers.seedTenants(tenantCount);
      return servers;
    } catch (RuntimeException e) {
      if (servers != null) {
        servers.close();
      } else {
        registryStart.thenAccept(SchemaRegistryServer::close);
        if (issuer != null) {
          issuer.close();
        }
      }
      throw e;
    }
  }

  private void seedTenants(int count) {
    SecureRandom random = new SecureRandom();
    String admin = "chaos-admin";
    String adminPassword = password(random);
    issuer.addUser(admin, adminPassword);
    issuer.grant(admin, "*", "pull", "push");
    ImagePusher pusher = new ImagePusher(new RegistryClient(registry.baseUri(), registry.sslContext(),
        new RegistryCredentials(admin, adminPassword)));
    for (int i = 0; i < count; i++) {
      String user = "chaos-tenant-" + i;
      String repository = "chaos/t" + i + "/app";
      String password = password(random);
      issuer.addUser(user, password);
      issuer.grant(user, repository, "pull");
      tenants.add(new Tenant(i, user, password, repository, pusher.push(repository, "1")));
    }
  }

  private static String password(SecureRandom random) {
    byte[] bytes = new byte[16];
    random.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  // ---- the faults

  void startKafka() {
    kafka = KafkaBroker.start(dir.resolve("kafka"), kafkaPort, controllerPort);
  }

  /** SIGTERM (the broker flushes and leaves cleanly), as a rolling restart does. */
  void stopKafka() {
    kafka.close();
  }

  void startPostgres() {
    postgres = PostgresServer.start(dir.resolve("postgres"), postgresPort);
  }

  /** A fast shutdown: open connections are cut, as on a database failover or restart. */
  void stopPostgres() {
    postgres.close();
  }

  void startRegistry() {
    registry = OciRegistry.startWithTokenAuth(dir.resolve("registry"), issuer, registryPort);
  }

  void stopRegistry() {
    registry.close();
  }

  // ---- where things are

  String bootstrap() {
    return "127.0.0.1:" + kafkaPort;
  }

  String schemaRegistryUrl() {
    return schemaRegistry.url();
  }

  String jdbcUrl() {
    return "jdbc:postgresql://127.0.0.1:" + postgresPort + "/postgres?user=postgres";
  }

  String registryHostPort() {
    return "127.0.0.1:" + registryPort;
  }

  /** The registry's self-signed certificate (what a node trusts); the same across restarts. */
  Path registryCa() {
    return issuer.tls().certificatePem();
  }

  SSLContext registryTrust() {
    return issuer.tls().sslContext();
  }

  List<Tenant> tenants() {
    return List.copyOf(tenants);
  }

  @Override
  public void close() {
    for (AutoCloseable server : new AutoCloseable[] {registry, kafka, postgres, schemaRegistry, issuer}) {
      if (server == null) {
        continue;
      }
      try {
        server.close();
      } catch (Exception e) {
        System.err.println("pullproof: stopping " + server.getClass().getSimpleName() + " failed: " + e.getMessage());
      }
    }
  }
}
