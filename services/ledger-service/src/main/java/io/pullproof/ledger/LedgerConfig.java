package io.pullproof.ledger;

import io.pullproof.jdbc.DatabaseConfig;
import io.pullproof.kafka.KafkaClientConfig;
import io.pullproof.kafka.TopicNames;
import io.pullproof.kit.config.ConfigKey;
import io.pullproof.kit.config.ConfigSource;
import io.pullproof.kit.config.InvalidConfigException;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every setting of the ledger service, each key declared once with its default and doc
 * (services/ledger-service/README.md lists them). Invalid values fail start-up naming key and value.
 */
public record LedgerConfig(
    String kafkaBootstrap,
    URI schemaRegistryUrl,
    String topicPrefix,
    Map<String, String> kafkaProperties,
    String consumerGroup,
    int maxPollRecords,
    int ingestConsumers,
    boolean provisionTopics,
    String dbUrl,
    String dbUser,
    String dbPassword,
    String dbSchema,
    int dbPoolSize,
    String httpHost,
    int httpPort,
    int healthPort,
    Optional<Path> tokensFile,
    String tokens,
    Optional<Path> tlsCert,
    Optional<Path> tlsKey,
    int maxPageSize) {

  public static final ConfigKey<String> KAFKA_BOOTSTRAP = ConfigKey.required("PULLPROOF_KAFKA_BOOTSTRAP",
      ConfigKey.HOST_PORT_LIST, "Kafka bootstrap servers, host:port[,host:port...]");
  public static final ConfigKey<URI> SCHEMA_REGISTRY_URL = ConfigKey.required("PULLPROOF_SCHEMA_REGISTRY_URL",
      ConfigKey.HTTP_URL, "schema registry base URL (Apicurio), e.g. http://registry:8080");
  public static final ConfigKey<String> TOPIC_PREFIX = ConfigKey.optional("PULLPROOF_TOPIC_PREFIX",
      TopicNames.DEFAULT_PREFIX, LedgerConfig::topicPrefix, "prefix of every Pullproof topic");
  public static final ConfigKey<Map<String, String>> KAFKA_PROPERTIES = ConfigKey.secret("PULLPROOF_KAFKA_PROPERTIES",
      "", ConfigKey.PROPERTIES, "extra Kafka client properties, key=value;key=value (security.protocol, sasl.*, ssl.*)");
  public static final ConfigKey<String> CONSUMER_GROUP = ConfigKey.optional("PULLPROOF_LEDGER_CONSUMER_GROUP",
      "pullproof-ledger", ConfigKey.NON_EMPTY, "consumer group; offsets are stored in PostgreSQL under this name");
  public static final ConfigKey<Integer> MAX_POLL_RECORDS = ConfigKey.optional("PULLPROOF_LEDGER_MAX_POLL_RECORDS",
      "5000", ConfigKey.intRange(1, 100_000), "most events written per transaction (Kafka max.poll.records)");
  public static final ConfigKey<Integer> INGEST_CONSUMERS = ConfigKey.optional("PULLPROOF_LEDGER_INGEST_CONSUMERS",
      "2", ConfigKey.intRange(1, 64), "consumer loops in the group, each with its own writer connection; partitions are "
          + "split between them, so their transactions never touch the same grant (grants are keyed by digest)");
  public static final ConfigKey<Boolean> PROVISION_TOPICS = ConfigKey.optional("PULLPROOF_LEDGER_PROVISION_TOPICS",
      "true", ConfigKey.BOOLEAN, "create missing topics at start-up (single-broker layout)");
  public static final ConfigKey<String> DB_URL = ConfigKey.required("PULLPROOF_LEDGER_DB_URL",
      ConfigKey.NON_EMPTY, "PostgreSQL JDBC URL, jdbc:postgresql://host:port/db");
  public static final ConfigKey<String> DB_USER = ConfigKey.optional("PULLPROOF_LEDGER_DB_USER", "",
      ConfigKey.STRING, "PostgreSQL role; empty when the URL carries it");
  public static final ConfigKey<String> DB_PASSWORD = ConfigKey.secret("PULLPROOF_LEDGER_DB_PASSWORD", "",
      ConfigKey.STRING, "PostgreSQL password; empty when not needed");
  public static final ConfigKey<String> DB_SCHEMA = ConfigKey.optional("PULLPROOF_LEDGER_DB_SCHEMA", "ledger",
      ConfigKey.NON_EMPTY, "schema the ledger owns; created and migrated at start-up");
  public static final ConfigKey<Integer> DB_POOL_SIZE = ConfigKey.optional("PULLPROOF_LEDGER_DB_POOL_SIZE", "8",
      ConfigKey.intRange(2, 500), "PostgreSQL connections (one per ingest consumer writes, the rest serve the API)");
  public static final ConfigKey<String> HTTP_HOST = ConfigKey.optional("PULLPROOF_LEDGER_HTTP_HOST", "0.0.0.0",
      ConfigKey.NON_EMPTY, "address the API and the health server bind to");
  public static final ConfigKey<Integer> HTTP_PORT = ConfigKey.optional("PULLPROOF_LEDGER_HTTP_PORT", "8080",
      ConfigKey.port(), "REST API port (0 = any free port)");
  public static final ConfigKey<Integer> HEALTH_PORT = ConfigKey.optional("PULLPROOF_LEDGER_HEALTH_PORT", "8081",
      ConfigKey.port(), "/health/live, /health/ready and /metrics port (0 = any free port)");
  public static final ConfigKey<Optional<Path>> TOKENS_FILE = ConfigKey.optional("PULLPROOF_LEDGER_TOKENS_FILE", "",
      LedgerConfig::optionalPath, "file of API tokens, one 'subject role sha256-hex' per line");
  public static final ConfigKey<String> TOKENS = ConfigKey.secret("PULLPROOF_LEDGER_TOKENS", "",
      ConfigKey.STRING, "API tokens inline, 'subject role sha256-hex' entries separated by ';'");
  public static final ConfigKey<Optional<Path>> TLS_CERT = ConfigKey.optional("PULLPROOF_LEDGER_TLS_CERT", "",
      LedgerConfig::optionalPath, "PEM certificate chain; with PULLPROOF_LEDGER_TLS_KEY the API serves HTTPS only");
  public static final ConfigKey<Optional<Path>> TLS_KEY = ConfigKey.optional("PULLPROOF_LEDGER_TLS_KEY", "",
      LedgerConfig::optionalPath, "PEM private key of PULLPROOF_LEDGER_TLS_CERT");
  public static final ConfigKey<Integer> MAX_PAGE_SIZE = ConfigKey.optional("PULLPROOF_LEDGER_MAX_PAGE_SIZE", "500",
      ConfigKey.intRange(1, 10_000), "largest 'limit' a listing accepts");

  public static final List<ConfigKey<?>> KEYS = List.of(KAFKA_BOOTSTRAP, SCHEMA_REGISTRY_URL, TOPIC_PREFIX,
      KAFKA_PROPERTIES, CONSUMER_GROUP, MAX_POLL_RECORDS, INGEST_CONSUMERS, PROVISION_TOPICS, DB_URL, DB_USER, DB_PASSWORD, DB_SCHEMA,
      DB_POOL_SIZE, HTTP_HOST, HTTP_PORT, HEALTH_PORT, TOKENS_FILE, TOKENS, TLS_CERT, TLS_KEY, MAX_PAGE_SIZE);

  public LedgerConfig {
    kafkaProperties = Map.copyOf(kafkaProperties);
    if (tlsCert.isPresent() != tlsKey.isPresent()) {
      throw new InvalidConfigException(TLS_CERT.name() + " and " + TLS_KEY.name() + " must be set together");
    }
    if (dbPoolSize <= ingestConsumers) {
      throw new InvalidConfigException(DB_POOL_SIZE.name() + "=" + dbPoolSize + " must exceed " + INGEST_CONSUMERS.name()
          + "=" + ingestConsumers + ": each consumer holds a connection while it writes, the API needs the rest");
    }
    if (tokensFile.isEmpty() && tokens.isBlank()) {
      throw new InvalidConfigException("no API tokens: set " + TOKENS_FILE.name() + " or " + TOKENS.name());
    }
  }

  /** Reads and validates every key. */
  public static LedgerConfig from(ConfigSource source) {
    return new LedgerConfig(source.get(KAFKA_BOOTSTRAP), source.get(SCHEMA_REGISTRY_URL), source.get(TOPIC_PREFIX),
        source.get(KAFKA_PROPERTIES), source.get(CONSUMER_GROUP), source.get(MAX_POLL_RECORDS),
        source.get(INGEST_CONSUMERS), source.get(PROVISION_TOPICS), source.get(DB_URL), source.get(DB_USER), source.get(DB_PASSWORD),
        source.get(DB_SCHEMA), source.get(DB_POOL_SIZE), source.get(HTTP_HOST), source.get(HTTP_PORT),
        source.get(HEALTH_PORT), source.get(TOKENS_FILE), source.get(TOKENS), source.get(TLS_CERT),
        source.get(TLS_KEY), source.get(MAX_PAGE_SIZE));
  }

  /** Secrets masked: the password, the inline tokens and the extra Kafka properties' values. */
  @Override
  public String toString() {
    return "LedgerConfig[kafkaBootstrap=" + kafkaBootstrap + ", schemaRegistryUrl=" + schemaRegistryUrl
        + ", topicPrefix=" + topicPrefix + ", kafkaProperties=" + kafkaProperties.keySet() + ", consumerGroup="
        + consumerGroup + ", maxPollRecords=" + maxPollRecords + ", ingestConsumers=" + ingestConsumers + ", provisionTopics=" + provisionTopics + ", dbUrl="
        + dbUrl.replaceAll("password=[^&]*", "password=****") + ", dbUser=" + dbUser + ", dbPassword="
        + (dbPassword.isEmpty() ? "" : "****") + ", dbSchema=" + dbSchema + ", dbPoolSize=" + dbPoolSize
        + ", httpHost=" + httpHost + ", httpPort=" + httpPort + ", healthPort=" + healthPort + ", tokensFile="
        + tokensFile.map(Path::toString).orElse("") + ", tokens=" + (tokens.isBlank() ? "" : "****") + ", tlsCert="
        + tlsCert.map(Path::toString).orElse("") + ", maxPageSize=" + maxPageSize + "]";
  }

  public TopicNames topics() {
    return new TopicNames(topicPrefix);
  }

  public KafkaClientConfig kafka() {
    try {
      return new KafkaClientConfig(kafkaBootstrap, schemaRegistryUrl.toString().replaceAll("/+$", ""), "ledger",
          kafkaProperties);
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigException(KAFKA_PROPERTIES.name() + ": " + e.getMessage());
    }
  }

  public DatabaseConfig database() {
    try {
      return new DatabaseConfig(dbUrl, dbUser.isEmpty() ? null : dbUser, dbPassword.isEmpty() ? null : dbPassword,
          dbSchema, dbPoolSize);
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigException(DB_URL.name() + "/" + DB_SCHEMA.name() + "/" + DB_POOL_SIZE.name() + ": " + e.getMessage());
    }
  }

  private static String topicPrefix(String text) {
    return new TopicNames(text.trim()).prefix();
  }

  private static Optional<Path> optionalPath(String text) {
    return text.isBlank() ? Optional.empty() : Optional.of(Path.of(text.trim()));
  }

  /** {@code key=value;key=value}; the values may contain '=' (JAAS configs do). */
}
