package io.pullproof.decisionservice;

import io.pullproof.decision.FleetPolicy;
import io.pullproof.decisionservice.policy.FleetPolicyParser;
import io.pullproof.kafka.KafkaClientConfig;
import io.pullproof.kafka.TopicNames;
import io.pullproof.kit.config.ConfigKey;
import io.pullproof.kit.config.ConfigSource;
import io.pullproof.kit.config.InvalidConfigException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every setting of the decision service, each key declared once with its default and doc
 * (services/decision-service/README.md lists them). The policy file is parsed and validated here,
 * at start-up, so a bad allowlist entry stops the service naming the file and the entry.
 */
public record DecisionConfig(
    String kafkaBootstrap,
    URI schemaRegistryUrl,
    String topicPrefix,
    Map<String, String> kafkaProperties,
    String consumerGroup,
    int maxPollRecords,
    int lingerMs,
    int fetchMaxWaitMs,
    boolean provisionTopics,
    String dbUrl,
    String dbUser,
    String dbPassword,
    String ledgerSchema,
    String ledgerGroup,
    Mode mode,
    Optional<Path> policyFile,
    FleetPolicy policy,
    String instanceId,
    String httpHost,
    int healthPort,
    Duration loadTimeout) {

  /** enforce: agents act on the verdict; dryRun: verdicts are flagged and agents enforce ALLOW. */
  public enum Mode {
    ENFORCE("enforce"),
    DRY_RUN("dryRun");

    private final String configName;

    Mode(String configName) {
      this.configName = configName;
    }

    @Override
    public String toString() {
      return configName;
    }
  }

  // Essentials
  public static final ConfigKey<String> KAFKA_BOOTSTRAP = ConfigKey.required("PULLPROOF_KAFKA_BOOTSTRAP",
      ConfigKey.HOST_PORT_LIST, "Kafka bootstrap servers, host:port[,host:port...]");
  public static final ConfigKey<URI> SCHEMA_REGISTRY_URL = ConfigKey.required("PULLPROOF_SCHEMA_REGISTRY_URL",
      ConfigKey.HTTP_URL, "schema registry base URL (Apicurio), e.g. http://registry:8080");
  public static final ConfigKey<String> DB_URL = ConfigKey.required("PULLPROOF_DECISION_DB_URL",
      ConfigKey.NON_EMPTY, "the ledger's PostgreSQL, jdbc:postgresql://host:port/db; read only (snapshot)");
  public static final ConfigKey<Optional<Path>> POLICY_FILE = ConfigKey.optional("PULLPROOF_DECISION_POLICY_FILE", "",
      DecisionConfig::optionalPath, "JSON policy per cluster with per-namespace overrides; empty = kubelet default everywhere");
  public static final ConfigKey<Mode> MODE = ConfigKey.optional("PULLPROOF_DECISION_MODE", "enforce",
      ConfigKey.oneOf(Mode.class), "enforce, or dryRun: verdicts are flagged and agents enforce ALLOW");
  // Frequently used
  public static final ConfigKey<String> TOPIC_PREFIX = ConfigKey.optional("PULLPROOF_TOPIC_PREFIX",
      TopicNames.DEFAULT_PREFIX, DecisionConfig::topicPrefix, "prefix of every Pullproof topic");
  public static final ConfigKey<String> DB_USER = ConfigKey.optional("PULLPROOF_DECISION_DB_USER", "",
      ConfigKey.STRING, "PostgreSQL role (read access to the ledger schema is enough); empty when the URL carries it");
  public static final ConfigKey<String> DB_PASSWORD = ConfigKey.secret("PULLPROOF_DECISION_DB_PASSWORD", "",
      ConfigKey.STRING, "PostgreSQL password; empty when not needed");
  public static final ConfigKey<String> LEDGER_SCHEMA = ConfigKey.optional("PULLPROOF_DECISION_LEDGER_SCHEMA", "ledger",
      ConfigKey.NON_EMPTY, "schema the ledger service writes (PULLPROOF_LEDGER_DB_SCHEMA)");
  public static final ConfigKey<String> LEDGER_GROUP = ConfigKey.optional("PULLPROOF_DECISION_LEDGER_GROUP",
      "pullproof-ledger", ConfigKey.NON_EMPTY,
      "the ledger's consumer group (PULLPROOF_LEDGER_CONSUMER_GROUP): its consumed_offsets say where the snapshot stands");
  public static final ConfigKey<String> INSTANCE_ID = ConfigKey.optional("PULLPROOF_DECISION_INSTANCE_ID", "",
      ConfigKey.STRING, "name written into every verdict's decidedBy; empty = the host name");
  public static final ConfigKey<String> HTTP_HOST = ConfigKey.optional("PULLPROOF_DECISION_HTTP_HOST", "0.0.0.0",
      ConfigKey.NON_EMPTY, "address the health server binds to");
  public static final ConfigKey<Integer> HEALTH_PORT = ConfigKey.optional("PULLPROOF_DECISION_HEALTH_PORT", "8082",
      ConfigKey.port(), "/health/live, /health/ready and /metrics port (0 = any free port)");
  // Rare
  public static final ConfigKey<Map<String, String>> KAFKA_PROPERTIES = ConfigKey.secret("PULLPROOF_KAFKA_PROPERTIES",
      "", ConfigKey.PROPERTIES, "extra Kafka client properties, key=value;key=value (security.protocol, sasl.*, ssl.*)");
  public static final ConfigKey<String> CONSUMER_GROUP = ConfigKey.optional("PULLPROOF_DECISION_CONSUMER_GROUP",
      "pullproof-decision", ConfigKey.NON_EMPTY, "consumer group of the start-request consumers (all instances share it)");
  public static final ConfigKey<Integer> MAX_POLL_RECORDS = ConfigKey.optional("PULLPROOF_DECISION_MAX_POLL_RECORDS",
      "500", ConfigKey.intRange(1, 100_000), "most start requests decided per batch (Kafka max.poll.records)");
  public static final ConfigKey<Integer> LINGER_MS = ConfigKey.optional("PULLPROOF_DECISION_LINGER_MS", "0",
      ConfigKey.intRange(0, 1000), "linger.ms of the verdict producer; 0 = send at once (latency over batching)");
  public static final ConfigKey<Integer> FETCH_MAX_WAIT_MS = ConfigKey.optional("PULLPROOF_DECISION_FETCH_MAX_WAIT_MS", "10",
      ConfigKey.intRange(0, 500), "fetch.max.wait.ms of the start-request consumer: bounds the stall after each batch"
          + " (the loop pauses its partitions while a batch is in flight; a fetch sent before is answered only after this wait)");
  public static final ConfigKey<Boolean> PROVISION_TOPICS = ConfigKey.optional("PULLPROOF_DECISION_PROVISION_TOPICS",
      "true", ConfigKey.BOOLEAN, "create missing topics at start-up (single-broker layout)");
  public static final ConfigKey<Duration> LOAD_TIMEOUT = ConfigKey.optional("PULLPROOF_DECISION_LOAD_TIMEOUT", "60s",
      ConfigKey.DURATION, "longest wait for a partition's snapshot + log catch-up (and for the start-up catch-up)");

  public static final List<ConfigKey<?>> KEYS = List.of(KAFKA_BOOTSTRAP, SCHEMA_REGISTRY_URL, DB_URL, POLICY_FILE, MODE,
      TOPIC_PREFIX, DB_USER, DB_PASSWORD, LEDGER_SCHEMA, LEDGER_GROUP, INSTANCE_ID, HTTP_HOST, HEALTH_PORT,
      KAFKA_PROPERTIES, CONSUMER_GROUP, MAX_POLL_RECORDS, LINGER_MS, FETCH_MAX_WAIT_MS, PROVISION_TOPICS, LOAD_TIMEOUT);

  public DecisionConfig {
    kafkaProperties = Map.copyOf(kafkaProperties);
    if (loadTimeout.isZero() || loadTimeout.isNegative()) {
      throw new InvalidConfigException(LOAD_TIMEOUT.name() + "='" + loadTimeout + "': must be positive");
    }
    if (!ledgerSchema.matches("[a-z_][a-z0-9_]{0,62}")) {
      throw new InvalidConfigException(LEDGER_SCHEMA.name() + "='" + ledgerSchema + "': must match [a-z_][a-z0-9_]{0,62}");
    }
  }

  /** Reads and validates every key, then the policy file. */
  public static DecisionConfig from(ConfigSource source) {
    Optional<Path> policyFile = source.get(POLICY_FILE);
    FleetPolicy policy = policyFile.map(file -> FleetPolicyParser.parse(file, POLICY_FILE.name()))
        .orElse(FleetPolicy.kubeletDefault());
    String instance = source.get(INSTANCE_ID);
    return new DecisionConfig(source.get(KAFKA_BOOTSTRAP), source.get(SCHEMA_REGISTRY_URL), source.get(TOPIC_PREFIX),
        source.get(KAFKA_PROPERTIES), source.get(CONSUMER_GROUP), source.get(MAX_POLL_RECORDS), source.get(LINGER_MS),
        source.get(FETCH_MAX_WAIT_MS),
        source.get(PROVISION_TOPICS), source.get(DB_URL), source.get(DB_USER), source.get(DB_PASSWORD),
        source.get(LEDGER_SCHEMA), source.get(LEDGER_GROUP), source.get(MODE), policyFile, policy,
        instance.isBlank() ? hostName() : instance.strip(), source.get(HTTP_HOST), source.get(HEALTH_PORT),
        source.get(LOAD_TIMEOUT));
  }

  /** Secrets masked: the password and the extra Kafka properties' values. */
  @Override
  public String toString() {
    return "DecisionConfig[kafkaBootstrap=" + kafkaBootstrap + ", schemaRegistryUrl=" + schemaRegistryUrl
        + ", topicPrefix=" + topicPrefix + ", kafkaProperties=" + kafkaProperties.keySet() + ", consumerGroup="
        + consumerGroup + ", maxPollRecords=" + maxPollRecords + ", lingerMs=" + lingerMs + ", fetchMaxWaitMs=" + fetchMaxWaitMs + ", provisionTopics="
        + provisionTopics + ", dbUrl=" + dbUrl.replaceAll("password=[^&]*", "password=****") + ", dbUser=" + dbUser
        + ", dbPassword=" + (dbPassword.isEmpty() ? "" : "****") + ", ledgerSchema=" + ledgerSchema
        + ", ledgerGroup=" + ledgerGroup + ", mode=" + mode + ", policyFile=" + policyFile.map(Path::toString).orElse("")
        + ", policy=" + policy + ", instanceId=" + instanceId + ", httpHost=" + httpHost + ", healthPort=" + healthPort
        + ", loadTimeout=" + loadTimeout + "]";
  }

  public boolean dryRun() {
    return mode == Mode.DRY_RUN;
  }

  public TopicNames topics() {
    return new TopicNames(topicPrefix);
  }

  public KafkaClientConfig kafka() {
    try {
      return new KafkaClientConfig(kafkaBootstrap, schemaRegistryUrl.toString().replaceAll("/+$", ""), "decision",
          kafkaProperties);
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigException(KAFKA_PROPERTIES.name() + ": " + e.getMessage());
    }
  }

  static String topicPrefix(String value) {
    new TopicNames(value);
    return value;
  }


  static Optional<Path> optionalPath(String value) {
    return value.isBlank() ? Optional.empty() : Optional.of(Path.of(value.strip()));
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "decision-" + ProcessHandle.current().pid();
    }
  }
}
