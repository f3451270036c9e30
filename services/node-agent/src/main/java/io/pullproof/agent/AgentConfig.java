package io.pullproof.agent;

import io.pullproof.agent.api.ApiTls;
import io.pullproof.credentials.FleetKey;
import io.pullproof.kafka.KafkaClientConfig;
import io.pullproof.kafka.TopicNames;
import io.pullproof.kit.config.ConfigKey;
import io.pullproof.kit.config.ConfigSource;
import io.pullproof.kit.config.InvalidConfigException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;

/**
 * The node agent's settings, each key declared once below (name, default, one-line doc) and
 * validated when read: a bad value fails start-up naming the key and the value (masked when
 * secret). The fleet key is read here and never printed.
 *
 * @param cluster cluster name, unique in the fleet
 * @param node this node's Kubernetes name
 * @param kafka Kafka and schema registry connection
 * @param topics topic names under the configured prefix
 * @param fleetKey HMAC key for credential identities
 * @param stateDir directory of the durable node state (journal)
 * @param apiHost loopback address of the local API for the runtime hook
 * @param apiPort its port (0: any free port)
 * @param healthHost address of /health and /metrics
 * @param healthPort its port (0: any free port)
 * @param verdictTimeout how long a start waits for a verdict before verifying with the registry
 * @param allowCacheTtl how long an ALLOW verdict is reused for the same pod credentials (0: off)
 * @param allowCacheMaxEntries bound of that cache
 * @param registryCaFile PEM certificates trusted for registries besides the JDK's, or null
 * @param registryConnectTimeout TCP/TLS connect timeout of a registry verification
 * @param registryRequestTimeout per-request timeout of a registry verification
 * @param nodeDockerConfig the node-wide docker config.json, or null when the node has none
 * @param enforceThreads worker threads serving start requests (each may wait for a verdict)
 * @param apiTls certificate and key of the local API, or null for plain HTTP on loopback
 */
public record AgentConfig(
    String cluster,
    String node,
    KafkaClientConfig kafka,
    TopicNames topics,
    FleetKey fleetKey,
    Path stateDir,
    String apiHost,
    int apiPort,
    String healthHost,
    int healthPort,
    Duration verdictTimeout,
    Duration allowCacheTtl,
    int allowCacheMaxEntries,
    Path registryCaFile,
    Duration registryConnectTimeout,
    Duration registryRequestTimeout,
    Path nodeDockerConfig,
    int enforceThreads,
    ApiTls apiTls) {

  private static final Function<String, String> LOOPBACK = s -> {
    try {
      if (!InetAddress.getByName(s.trim()).isLoopbackAddress()) {
        throw new IllegalArgumentException("must be a loopback address (the API has no authentication)");
      }
      return s.trim();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("must be a loopback address such as 127.0.0.1");
    }
  };
  private static final Function<String, Duration> NON_NEGATIVE_DURATION = s -> {
    Duration d = ConfigKey.DURATION.apply(s);
    if (d.isNegative()) {
      throw new IllegalArgumentException("must not be negative");
    }
    return d;
  };
  private static final Function<String, Duration> POSITIVE_DURATION = s -> {
    Duration d = ConfigKey.DURATION.apply(s);
    if (d.isZero() || d.isNegative()) {
      throw new IllegalArgumentException("must be positive");
    }
    return d;
  };
  private static final Function<String, Path> OPTIONAL_FILE = s -> {
    if (s.isBlank()) {
      return null;
    }
    Path path = Path.of(s.trim());
    if (!Files.isReadable(path)) {
      throw new IllegalArgumentException("must be a readable file");
    }
    return path;
  };

  // Essentials
  public static final ConfigKey<String> CLUSTER = ConfigKey.required("PULLPROOF_CLUSTER", ConfigKey.NON_EMPTY,
      "Cluster name, unique in the fleet");
  public static final ConfigKey<String> NODE = ConfigKey.required("PULLPROOF_NODE_NAME", ConfigKey.NON_EMPTY,
      "This node's Kubernetes name (spec.nodeName via the downward API)");
  public static final ConfigKey<String> KAFKA_BOOTSTRAP = ConfigKey.required("PULLPROOF_KAFKA_BOOTSTRAP",
      ConfigKey.HOST_PORT_LIST, "Kafka bootstrap servers, host:port[,host:port...]");
  public static final ConfigKey<URI> SCHEMA_REGISTRY_URL = ConfigKey.required("PULLPROOF_SCHEMA_REGISTRY_URL",
      ConfigKey.HTTP_URL, "Schema registry base URL (Apicurio), e.g. http://registry:8080");
  public static final ConfigKey<java.util.Map<String, String>> KAFKA_PROPERTIES = ConfigKey.secret(
      "PULLPROOF_KAFKA_PROPERTIES", "", ConfigKey.PROPERTIES,
      "Extra Kafka client properties, key=value;key=value (security.protocol, sasl.*, ssl.*)");
  public static final ConfigKey<String> FLEET_KEY_ID = ConfigKey.required("PULLPROOF_FLEET_KEY_ID", ConfigKey.NON_EMPTY,
      "Id of the fleet HMAC key; every credential hash carries it");
  public static final ConfigKey<Path> FLEET_KEY_FILE = ConfigKey.optional("PULLPROOF_FLEET_KEY_FILE", "", OPTIONAL_FILE,
      "File holding the fleet key secret as base64 (>= 32 bytes); or set PULLPROOF_FLEET_KEY");
  public static final ConfigKey<String> FLEET_KEY = ConfigKey.secret("PULLPROOF_FLEET_KEY", "", ConfigKey.STRING,
      "The fleet key secret as base64, when PULLPROOF_FLEET_KEY_FILE is not set");
  public static final ConfigKey<Path> STATE_DIR = ConfigKey.optional("PULLPROOF_AGENT_STATE_DIR",
      "/var/lib/pullproof-agent", s -> Path.of(ConfigKey.NON_EMPTY.apply(s)),
      "Directory of the durable node state (pull intents, this node's pulls); a hostPath in a DaemonSet");

  // Frequently used
  public static final ConfigKey<String> API_HOST = ConfigKey.optional("PULLPROOF_AGENT_API_HOST", "127.0.0.1", LOOPBACK,
      "Loopback address of the local API for the runtime hook");
  public static final ConfigKey<Integer> API_PORT = ConfigKey.optional("PULLPROOF_AGENT_API_PORT", "7480", ConfigKey.port(),
      "Port of the local API (0: any free port)");
  public static final ConfigKey<String> HEALTH_HOST = ConfigKey.optional("PULLPROOF_HEALTH_HOST", "127.0.0.1", ConfigKey.NON_EMPTY,
      "Address of /health/live, /health/ready and /metrics");
  public static final ConfigKey<Integer> HEALTH_PORT = ConfigKey.optional("PULLPROOF_HEALTH_PORT", "7481", ConfigKey.port(),
      "Port of /health/live, /health/ready and /metrics (0: any free port)");
  public static final ConfigKey<Duration> VERDICT_TIMEOUT = ConfigKey.optional("PULLPROOF_AGENT_VERDICT_TIMEOUT", "2s",
      POSITIVE_DURATION, "Wait for a verdict this long, then verify with the registry (never ALLOW)");
  public static final ConfigKey<Duration> ALLOW_CACHE_TTL = ConfigKey.optional("PULLPROOF_AGENT_ALLOW_CACHE_TTL", "30s",
      NON_NEGATIVE_DURATION, "Reuse an ALLOW for the same image and pod credentials this long; 0 turns the cache off");
  public static final ConfigKey<Path> REGISTRY_CA_FILE = ConfigKey.optional("PULLPROOF_REGISTRY_CA_FILE", "", OPTIONAL_FILE,
      "PEM file of CA certificates trusted for registries in addition to the JDK's");
  public static final ConfigKey<Path> NODE_DOCKER_CONFIG = ConfigKey.optional("PULLPROOF_AGENT_NODE_DOCKER_CONFIG", "",
      OPTIONAL_FILE, "Node-wide docker config.json (e.g. /var/lib/kubelet/config.json), consulted after pod secrets");
  public static final ConfigKey<String> TOPIC_PREFIX = ConfigKey.optional("PULLPROOF_TOPIC_PREFIX", TopicNames.DEFAULT_PREFIX,
      ConfigKey.STRING, "Prefix of every topic name");

  // Rare
  public static final ConfigKey<Duration> REGISTRY_CONNECT_TIMEOUT = ConfigKey.optional("PULLPROOF_REGISTRY_CONNECT_TIMEOUT",
      "2s", POSITIVE_DURATION, "Connect timeout of a registry verification (after it: registry unreachable)");
  public static final ConfigKey<Duration> REGISTRY_REQUEST_TIMEOUT = ConfigKey.optional("PULLPROOF_REGISTRY_REQUEST_TIMEOUT",
      "5s", POSITIVE_DURATION, "Timeout of each registry or token request of a verification");
  public static final ConfigKey<Integer> ALLOW_CACHE_MAX_ENTRIES = ConfigKey.optional("PULLPROOF_AGENT_ALLOW_CACHE_MAX_ENTRIES",
      "10000", ConfigKey.intRange(1, 10_000_000), "Bound of the ALLOW cache");
  public static final ConfigKey<String> KAFKA_CLIENT_ID = ConfigKey.optional("PULLPROOF_KAFKA_CLIENT_ID", "pullproof-agent",
      ConfigKey.NON_EMPTY, "Kafka client.id prefix");
  public static final ConfigKey<Path> API_TLS_CERT_FILE = ConfigKey.optional("PULLPROOF_AGENT_API_TLS_CERT_FILE", "",
      OPTIONAL_FILE, "PEM certificate chain of the local API; with the key file the API speaks only HTTPS");
  public static final ConfigKey<Path> API_TLS_KEY_FILE = ConfigKey.optional("PULLPROOF_AGENT_API_TLS_KEY_FILE", "",
      OPTIONAL_FILE, "PKCS#8 PEM private key of PULLPROOF_AGENT_API_TLS_CERT_FILE");
  public static final ConfigKey<Integer> ENFORCE_THREADS = ConfigKey.optional("PULLPROOF_AGENT_ENFORCE_THREADS", "16",
      ConfigKey.intRange(1, 512), "Worker threads for start requests (each may wait up to the verdict timeout)");

  /** Every key, in README order. */
  public static final List<ConfigKey<?>> KEYS = List.of(
      CLUSTER, NODE, KAFKA_BOOTSTRAP, SCHEMA_REGISTRY_URL, KAFKA_PROPERTIES, FLEET_KEY_ID, FLEET_KEY_FILE, FLEET_KEY, STATE_DIR,
      API_HOST, API_PORT, HEALTH_HOST, HEALTH_PORT, VERDICT_TIMEOUT, ALLOW_CACHE_TTL, REGISTRY_CA_FILE,
      NODE_DOCKER_CONFIG, TOPIC_PREFIX,
      REGISTRY_CONNECT_TIMEOUT, REGISTRY_REQUEST_TIMEOUT, ALLOW_CACHE_MAX_ENTRIES, KAFKA_CLIENT_ID, ENFORCE_THREADS,
      API_TLS_CERT_FILE, API_TLS_KEY_FILE);

  /** Reads and validates every key; {@link InvalidConfigException} names the first bad one. */
  public static AgentConfig from(ConfigSource source) {
    String clientId = source.get(KAFKA_CLIENT_ID);
    // Built twice so that a bad address names the bootstrap key and a bad property names its own key.
    KafkaClientConfig plain = wrap(KAFKA_BOOTSTRAP, () -> new KafkaClientConfig(
        source.get(KAFKA_BOOTSTRAP), source.get(SCHEMA_REGISTRY_URL).toString(), clientId));
    java.util.Map<String, String> kafkaProperties = source.get(KAFKA_PROPERTIES);
    KafkaClientConfig kafka = wrap(KAFKA_PROPERTIES, () -> new KafkaClientConfig(
        plain.bootstrapServers(), plain.schemaRegistryUrl(), clientId, kafkaProperties));
    TopicNames topics = wrap(TOPIC_PREFIX, () -> new TopicNames(source.get(TOPIC_PREFIX)));
    return new AgentConfig(
        source.get(CLUSTER), source.get(NODE), kafka, topics, fleetKey(source), source.get(STATE_DIR),
        source.get(API_HOST), source.get(API_PORT), source.get(HEALTH_HOST), source.get(HEALTH_PORT),
        source.get(VERDICT_TIMEOUT), source.get(ALLOW_CACHE_TTL), source.get(ALLOW_CACHE_MAX_ENTRIES),
        source.get(REGISTRY_CA_FILE), source.get(REGISTRY_CONNECT_TIMEOUT), source.get(REGISTRY_REQUEST_TIMEOUT),
        source.get(NODE_DOCKER_CONFIG), source.get(ENFORCE_THREADS), apiTls(source));
  }

  /** Both files or neither; both must parse and belong together. */
  private static ApiTls apiTls(ConfigSource source) {
    Path certificate = source.get(API_TLS_CERT_FILE);
    Path key = source.get(API_TLS_KEY_FILE);
    if (certificate == null && key == null) {
      return null;
    }
    if (certificate == null || key == null) {
      throw new InvalidConfigException("set both " + API_TLS_CERT_FILE.name() + " and " + API_TLS_KEY_FILE.name()
          + " or neither (only " + (certificate == null ? API_TLS_KEY_FILE : API_TLS_CERT_FILE).name() + " is set)");
    }
    try {
      return ApiTls.load(certificate, API_TLS_CERT_FILE.name(), key, API_TLS_KEY_FILE.name());
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigException(e.getMessage());
    }
  }

  /** Exactly one of the file and the variable; the message never contains the secret. */
  private static FleetKey fleetKey(ConfigSource source) {
    String keyId = source.get(FLEET_KEY_ID);
    Path file = source.get(FLEET_KEY_FILE);
    String inline = source.get(FLEET_KEY);
    if ((file == null) == inline.isBlank()) {
      throw new InvalidConfigException("set exactly one of " + FLEET_KEY_FILE.name() + " and " + FLEET_KEY.name()
          + " (" + (file == null ? "neither" : "both") + " is set)");
    }
    String base64;
    ConfigKey<?> from = file == null ? FLEET_KEY : FLEET_KEY_FILE;
    try {
      base64 = file == null ? inline : Files.readString(file, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new InvalidConfigException(FLEET_KEY_FILE.name() + "='" + file + "': cannot be read: " + e.getMessage());
    }
    try {
      return FleetKey.fromBase64(keyId, base64);
    } catch (IllegalArgumentException e) {
      // FleetKey's messages name the key id and the problem, never the secret.
      throw new InvalidConfigException(from.name() + (file == null ? "" : "='" + file + "'") + ": " + e.getMessage());
    }
  }

  private static <T> T wrap(ConfigKey<?> key, java.util.function.Supplier<T> build) {
    try {
      return build.get();
    } catch (InvalidConfigException e) {
      throw e;
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigException(key.name() + ": " + e.getMessage());
    }
  }
}
