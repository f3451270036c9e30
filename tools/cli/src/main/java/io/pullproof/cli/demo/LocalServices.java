package io.pullproof.cli.demo;

import io.pullproof.decisionservice.DecisionConfig;
import io.pullproof.decisionservice.DecisionMain;
import io.pullproof.kafka.TopicLayout;
import io.pullproof.kafka.TopicNames;
import io.pullproof.kafka.TopicProvisioner;
import io.pullproof.kit.config.ConfigSource;
import io.pullproof.ledger.LedgerConfig;
import io.pullproof.ledger.LedgerMain;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * The ledger and decision services in this JVM, on 127.0.0.1, against given Kafka, schema registry
 * and PostgreSQL: what {@code demo} and {@code bench e2e} run the simulated fleet against. Topics
 * get their own prefix and the ledger its own schema, so runs never see each other's data. The
 * fleet policy is {@code AlwaysVerify}. The ledger API gets a fresh reader token and admin token.
 */
public final class LocalServices implements AutoCloseable {
  private final LedgerMain.Running ledger;
  private final DecisionMain.Running decision;
  private final String ledgerUrl;
  private final String readerToken;
  private final String adminToken;
  private final Path policyFile;

  private LocalServices(LedgerMain.Running ledger, DecisionMain.Running decision, String ledgerUrl, String readerToken,
      String adminToken, Path policyFile) {
    this.policyFile = policyFile;
    this.ledger = ledger;
    this.decision = decision;
    this.ledgerUrl = ledgerUrl;
    this.readerToken = readerToken;
    this.adminToken = adminToken;
  }

  /** Creates the topics, then starts the ledger (which migrates its schema) and the decision service. */
  public static LocalServices start(String bootstrap, String schemaRegistryUrl, String postgresUrl, TopicNames topics,
      String ledgerSchema, Path workDir, Consumer<String> progress) throws IOException, InterruptedException {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      new TopicProvisioner(admin).ensure(TopicLayout.singleBroker().specs(topics).values());
    }
    Files.createDirectories(workDir);
    Path policy = writeFleetPolicy(workDir);
    String readerToken = newToken();
    String adminToken = newToken();

    Map<String, String> ledgerSettings = ledgerSettings(bootstrap, schemaRegistryUrl, postgresUrl, topics, ledgerSchema,
        tokenEntry("demo-reader", "reader", readerToken) + ";" + tokenEntry("demo-admin", "admin", adminToken));
    progress.accept("starting the ledger service (schema " + ledgerSchema + ")");
    LedgerMain.Running ledger = LedgerMain.start(LedgerConfig.from(ConfigSource.of(ledgerSettings)));
    try {
      Map<String, String> decisionSettings = decisionSettings(bootstrap, schemaRegistryUrl, postgresUrl, topics, ledgerSchema,
          policy, "demo-decision-1");
      progress.accept("starting the decision service");
      DecisionMain.Running decision = DecisionMain.start(DecisionConfig.from(ConfigSource.of(decisionSettings)));
      return new LocalServices(ledger, decision, "http://127.0.0.1:" + ledger.apiPort(), readerToken, adminToken, policy);
    } catch (RuntimeException e) {
      ledger.close();
      throw e;
    }
  }

  /** Writes {@code fleet-policy.json} (every cached image verified: {@code AlwaysVerify}) into {@code workDir}. */
  public static Path writeFleetPolicy(Path workDir) throws IOException {
    Path policy = workDir.resolve("fleet-policy.json");
    Files.writeString(policy, "{\"default\": {\"verificationPolicy\": \"AlwaysVerify\"}}\n");
    return policy;
  }

  /** The decision service's policy file: {@code audit replay --policy} must decide by the same policy. */
  public Path policyFile() {
    return policyFile;
  }

  /**
   * A decision service on loopback for {@code topics}, reading the grants of the ledger in
   * {@code ledgerSchema}, with the policy in {@code policyFile} and its health server on a free port.
   */
  public static Map<String, String> decisionSettings(String bootstrap, String schemaRegistryUrl, String postgresUrl,
      TopicNames topics, String ledgerSchema, Path policyFile, String instanceId) {
    Map<String, String> settings = new HashMap<>();
    settings.put(DecisionConfig.KAFKA_BOOTSTRAP.name(), bootstrap);
    settings.put(DecisionConfig.SCHEMA_REGISTRY_URL.name(), schemaRegistryUrl);
    settings.put(DecisionConfig.TOPIC_PREFIX.name(), topics.prefix());
    settings.put(DecisionConfig.CONSUMER_GROUP.name(), topics.prefix() + "decision");
    settings.put(DecisionConfig.LEDGER_GROUP.name(), topics.prefix() + "ledger");
    settings.put(DecisionConfig.DB_URL.name(), postgresUrl);
    settings.put(DecisionConfig.LEDGER_SCHEMA.name(), ledgerSchema);
    settings.put(DecisionConfig.POLICY_FILE.name(), policyFile.toString());
    settings.put(DecisionConfig.INSTANCE_ID.name(), instanceId);
    settings.put(DecisionConfig.HTTP_HOST.name(), "127.0.0.1");
    settings.put(DecisionConfig.HEALTH_PORT.name(), "0");
    return settings;
  }

  /**
   * A ledger on loopback for {@code topics}, in its own schema, with its API and health server on
   * free ports; {@code tokens} as PULLPROOF_LEDGER_TOKENS takes them.
   */
  public static Map<String, String> ledgerSettings(String bootstrap, String schemaRegistryUrl, String postgresUrl,
      TopicNames topics, String ledgerSchema, String tokens) {
    Map<String, String> settings = new HashMap<>();
    settings.put(LedgerConfig.KAFKA_BOOTSTRAP.name(), bootstrap);
    settings.put(LedgerConfig.SCHEMA_REGISTRY_URL.name(), schemaRegistryUrl);
    settings.put(LedgerConfig.TOPIC_PREFIX.name(), topics.prefix());
    settings.put(LedgerConfig.CONSUMER_GROUP.name(), topics.prefix() + "ledger");
    settings.put(LedgerConfig.DB_URL.name(), postgresUrl);
    settings.put(LedgerConfig.DB_SCHEMA.name(), ledgerSchema);
    settings.put(LedgerConfig.HTTP_HOST.name(), "127.0.0.1");
    settings.put(LedgerConfig.HTTP_PORT.name(), "0");
    settings.put(LedgerConfig.HEALTH_PORT.name(), "0");
    settings.put(LedgerConfig.TOKENS.name(), tokens);
    return settings;
  }

  public String ledgerUrl() {
    return ledgerUrl;
  }

  /** Bearer token with the reader role (grants, stats). */
  public String readerToken() {
    return readerToken;
  }

  /** Bearer token with the admin role (start history, revocations). */
  public String adminToken() {
    return adminToken;
  }

  @Override
  public void close() {
    try {
      decision.close();
    } finally {
      ledger.close();
    }
  }

  /** One PULLPROOF_LEDGER_TOKENS entry: the ledger keeps the token's SHA-256, never the token. */
  public static String tokenEntry(String subject, String role, String token) {
    return subject + " " + role + " " + sha256(token);
  }

  /** A fresh random bearer token. */
  public static String newToken() {
    byte[] bytes = new byte[24];
    new SecureRandom().nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
