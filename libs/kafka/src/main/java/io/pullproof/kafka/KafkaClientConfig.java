package io.pullproof.kafka;

import io.apicurio.registry.serde.Legacy4ByteIdHandler;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Connection settings every Pullproof Kafka client shares, and the property maps built from them.
 *
 * <p>The Avro serde settings are INFRA.md "Set A": they make the Apicurio 2.6 serde write and read
 * the Confluent wire format (0x00, 4-byte content id, Avro binary) whose id a Confluent client
 * resolves through the registry's ccompat API. Each of them looks optional and each of them is
 * needed; see INFRA.md for the wrong settings that look right.
 *
 * @param bootstrapServers Kafka bootstrap list, {@code host:port[,host:port...]}
 * @param schemaRegistryUrl registry base URL without API path, e.g. {@code http://127.0.0.1:8080}
 * @param clientId {@code client.id} prefix; letters, digits, {@code . _ -}
 * @param extraProperties passed to every client unchanged ({@code security.protocol}, {@code
 *     sasl.*}, {@code ssl.*}, tuning such as {@code max.poll.records}); keys starting with {@code
 *     apicurio.} go to the serdes (registry TLS or auth). Keys this class manages are rejected.
 */
public record KafkaClientConfig(
    String bootstrapServers,
    String schemaRegistryUrl,
    String clientId,
    Map<String, String> extraProperties) {

  /** Path of the Apicurio v2 API under the registry base URL; the 2.6 serde speaks only v2. */
  public static final String REGISTRY_API_PATH = "/apis/registry/v2";

  /*
   * enable.metrics.push defaults to false for consumers and producers (an extra property can turn
   * it on): client telemetry (KIP-714) needs a broker-side plugin we do not run, and its reporter
   * renamed every metric the client registered (String.replaceAll per tag) on the polling thread —
   * a visible allocation site in the decision service's profile.
   */

  /** {@code linger.ms} default: a few ms of batching costs less than one extra round trip. */
  public static final String DEFAULT_LINGER_MS = "5";

  private static final String APICURIO_PREFIX = "apicurio.";
  private static final Pattern CLIENT_ID = Pattern.compile("[A-Za-z0-9._-]+");
  private static final Pattern SECRET_KEY =
      Pattern.compile(".*(password|secret|jaas|token|credential|keystore\\.key).*");

  /**
   * Keys whose value decides delivery guarantees or the wire format; letting an extra property
   * override them would silently break at-least-once or the Confluent framing.
   */
  private static final Set<String> MANAGED_KEYS =
      Set.of(
          CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG,
          CommonClientConfigs.CLIENT_ID_CONFIG,
          CommonClientConfigs.GROUP_ID_CONFIG,
          ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
          ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
          ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
          ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
          ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
          ProducerConfig.ACKS_CONFIG,
          ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
          SerdeKeys.REGISTRY_URL,
          SerdeKeys.AUTO_REGISTER,
          SerdeKeys.USE_ID,
          SerdeKeys.HEADERS_ENABLED,
          SerdeKeys.ID_HANDLER,
          SerdeKeys.AS_CONFLUENT,
          SerdeKeys.USE_SPECIFIC_AVRO_READER);

  /** The Apicurio 2.6 serde keys we set, spelled as INFRA.md spells them. */
  static final class SerdeKeys {
    static final String REGISTRY_URL = "apicurio.registry.url";
    static final String AUTO_REGISTER = "apicurio.registry.auto-register";
    static final String USE_ID = "apicurio.registry.use-id";
    static final String HEADERS_ENABLED = "apicurio.registry.headers.enabled";
    static final String ID_HANDLER = "apicurio.registry.id-handler";
    static final String AS_CONFLUENT = "apicurio.registry.as-confluent";
    static final String USE_SPECIFIC_AVRO_READER = "apicurio.registry.use-specific-avro-reader";

    private SerdeKeys() {}
  }

  /**
   * Validates every component.
   *
   * @throws IllegalArgumentException naming the component and the rejected value
   */
  public KafkaClientConfig {
    bootstrapServers = checkBootstrapServers(bootstrapServers);
    schemaRegistryUrl = checkRegistryUrl(schemaRegistryUrl);
    if (clientId == null || !CLIENT_ID.matcher(clientId).matches()) {
      throw invalid("clientId", clientId, "expected letters, digits, '.', '_' or '-'");
    }
    extraProperties = checkExtras(extraProperties);
  }

  /** A config without extra properties (plaintext, no authentication). */
  public KafkaClientConfig(String bootstrapServers, String schemaRegistryUrl, String clientId) {
    this(bootstrapServers, schemaRegistryUrl, clientId, Map.of());
  }

  /**
   * Properties for a {@code KafkaProducer<String, V>} publishing Avro events: String keys (image
   * digests and the like), Avro values in the Confluent wire format, {@code acks=all} with
   * idempotence so a retried send neither loses nor duplicates an event.
   */
  public Map<String, Object> producerProperties() {
    Map<String, Object> props = producerBase(clientId);
    props.putAll(serializerConfig());
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, AvroKafkaSerializer.class.getName());
    return props;
  }

  /**
   * Properties for the {@code KafkaProducer<byte[], byte[]>} that writes dead letters: it copies
   * the original bytes, so it needs no registry.
   */
  public Map<String, Object> deadLetterProducerProperties() {
    Map<String, Object> props = producerBase(clientId + "-dead-letters");
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    return props;
  }

  /**
   * Properties for the {@code KafkaConsumer<byte[], byte[]>} of a {@link ConsumerLoop}: raw bytes,
   * because the loop decodes each record itself and dead-letters the undecodable ones with their
   * original bytes; auto-commit off, because the loop commits only what was handled.
   *
   * @param groupId consumer group; also suffixes the client id so JMX names stay unique
   */
  public Map<String, Object> consumerProperties(String groupId) {
    if (groupId == null || !CLIENT_ID.matcher(groupId).matches()) {
      throw invalid("groupId", groupId, "expected letters, digits, '.', '_' or '-'");
    }
    Map<String, Object> props = new LinkedHashMap<>();
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(CommonClientConfigs.ENABLE_METRICS_PUSH_CONFIG, "false");
    putExtras(props, false);
    props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(CommonClientConfigs.CLIENT_ID_CONFIG, clientId + "-" + groupId);
    props.put(CommonClientConfigs.GROUP_ID_CONFIG, groupId);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    return props;
  }

  /** Serde settings for an Avro serializer (INFRA.md Set A), plus {@code apicurio.*} extras. */
  public Map<String, Object> serializerConfig() {
    Map<String, Object> props = new LinkedHashMap<>();
    putExtras(props, true);
    props.put(SerdeKeys.REGISTRY_URL, schemaRegistryUrl + REGISTRY_API_PATH);
    props.put(SerdeKeys.AUTO_REGISTER, "true");
    props.put(SerdeKeys.USE_ID, "contentId");
    props.put(SerdeKeys.HEADERS_ENABLED, "false");
    props.put(SerdeKeys.ID_HANDLER, Legacy4ByteIdHandler.class.getName());
    return props;
  }

  /** Serde settings for an Avro deserializer: Set A plus specific-record reading. */
  public Map<String, Object> deserializerConfig() {
    Map<String, Object> props = serializerConfig();
    props.put(SerdeKeys.USE_SPECIFIC_AVRO_READER, "true");
    return props;
  }

  /**
   * A configured Avro value deserializer for {@link ConsumerLoop}; the caller (the loop) closes it.
   * Creating it contacts no server; the first record with an unknown id does. It is Apicurio's,
   * reusing one Avro reader per writer schema ({@link CachingAvroDeserializer}, ADR 0005).
   */
  public <V> Deserializer<V> avroValueDeserializer() {
    AvroKafkaDeserializer<V> deserializer = new CachingAvroDeserializer<>();
    deserializer.configure(deserializerConfig(), false);
    return deserializer;
  }

  /** Secrets in extra properties are masked, so the effective config can be logged. */
  @Override
  public String toString() {
    Map<String, String> masked = new TreeMap<>();
    extraProperties.forEach((key, value) -> masked.put(key, displayValue(key, value)));
    return "KafkaClientConfig[bootstrapServers="
        + bootstrapServers
        + ", schemaRegistryUrl="
        + schemaRegistryUrl
        + ", clientId="
        + clientId
        + ", extraProperties="
        + masked
        + "]";
  }

  private Map<String, Object> producerBase(String producerClientId) {
    Map<String, Object> props = new LinkedHashMap<>();
    props.put(ProducerConfig.LINGER_MS_CONFIG, DEFAULT_LINGER_MS);
    props.put(CommonClientConfigs.ENABLE_METRICS_PUSH_CONFIG, "false");
    putExtras(props, false);
    props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(CommonClientConfigs.CLIENT_ID_CONFIG, producerClientId);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    return props;
  }

  private void putExtras(Map<String, Object> props, boolean serde) {
    extraProperties.forEach(
        (key, value) -> {
          if (key.startsWith(APICURIO_PREFIX) == serde) {
            props.put(key, value);
          }
        });
  }

  private static String checkBootstrapServers(String value) {
    if (value == null || value.isBlank()) {
      throw invalid("bootstrapServers", value, "expected host:port[,host:port...]");
    }
    StringBuilder normalised = new StringBuilder();
    for (String entry : value.split(",", -1)) {
      String server = entry.strip();
      int colon = server.lastIndexOf(':');
      boolean validPort = colon > 0 && isPort(server.substring(colon + 1));
      if (!validPort
          || server.contains("://")
          || server.chars().anyMatch(Character::isWhitespace)) {
        throw invalid(
            "bootstrapServers", value, "entry '" + server + "' is not host:port (port 1-65535)");
      }
      normalised.append(normalised.length() == 0 ? "" : ",").append(server);
    }
    return normalised.toString();
  }

  private static boolean isPort(String digits) {
    if (digits.isEmpty() || digits.length() > 5 || !digits.chars().allMatch(Character::isDigit)) {
      return false;
    }
    int port = Integer.parseInt(digits);
    return port >= 1 && port <= 65535;
  }

  private static String checkRegistryUrl(String value) {
    if (value == null || value.isBlank()) {
      throw invalid("schemaRegistryUrl", value, "expected a base URL like http://host:port");
    }
    URI uri;
    try {
      uri = new URI(value.strip());
    } catch (URISyntaxException e) {
      throw invalid("schemaRegistryUrl", value, "not a URI: " + e.getReason());
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
      throw invalid("schemaRegistryUrl", value, "expected an http or https URL with a host");
    }
    if (uri.getUserInfo() != null) {
      String redacted = value.replace(uri.getRawUserInfo() + "@", "****@");
      throw invalid(
          "schemaRegistryUrl",
          redacted,
          "credentials do not belong in the URL; set extraProperties apicurio.auth.username and"
              + " apicurio.auth.password");
    }
    if (uri.getQuery() != null || uri.getFragment() != null) {
      throw invalid("schemaRegistryUrl", value, "a base URL has no query or fragment");
    }
    String base = uri.toString().replaceAll("/+$", "");
    if (base.contains("/apis/")) {
      throw invalid(
          "schemaRegistryUrl",
          value,
          "give the base URL only; " + REGISTRY_API_PATH + " is appended for the serde");
    }
    return base;
  }

  private static Map<String, String> checkExtras(Map<String, String> extras) {
    if (extras == null) {
      return Map.of();
    }
    Map<String, String> copy = new TreeMap<>();
    extras.forEach(
        (key, value) -> {
          if (key == null || key.isBlank()) {
            throw invalid("extraProperties", String.valueOf(key), "property key must not be blank");
          }
          if (value == null) {
            throw invalid("extraProperties." + key, null, "property value must not be null");
          }
          if (MANAGED_KEYS.contains(key)) {
            throw invalid(
                "extraProperties." + key,
                displayValue(key, value),
                "this key is managed by KafkaClientConfig and must not be overridden");
          }
          copy.put(key, value);
        });
    return Map.copyOf(copy);
  }

  private static String displayValue(String key, String value) {
    return SECRET_KEY.matcher(key.toLowerCase(Locale.ROOT)).matches() ? "****" : value;
  }

  private static IllegalArgumentException invalid(String key, String value, String why) {
    String shown = value == null ? "null" : "'" + value + "'";
    return new IllegalArgumentException("Invalid Kafka setting " + key + "=" + shown + ": " + why);
  }
}
