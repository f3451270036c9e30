package io.pullproof.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KafkaClientConfigTest {

  private final KafkaClientConfig config =
      new KafkaClientConfig("127.0.0.1:9092,broker-2:9093", "http://127.0.0.1:8081/", "ledger");

  @Test
  void serdeConfigIsInfraSetAWithTheV2ApiAppendedToTheBaseUrl() {
    assertThat(config.serializerConfig())
        .containsOnly(
            entry("apicurio.registry.url", "http://127.0.0.1:8081/apis/registry/v2"),
            entry("apicurio.registry.auto-register", "true"),
            entry("apicurio.registry.use-id", "contentId"),
            entry("apicurio.registry.headers.enabled", "false"),
            entry(
                "apicurio.registry.id-handler", "io.apicurio.registry.serde.Legacy4ByteIdHandler"));
  }

  @Test
  void deserializerConfigAddsSpecificRecordReading() {
    assertThat(config.deserializerConfig())
        .containsAllEntriesOf(config.serializerConfig())
        .contains(entry("apicurio.registry.use-specific-avro-reader", "true"))
        .hasSize(config.serializerConfig().size() + 1);
  }

  @Test
  void producerWaitsForAllReplicasIsIdempotentAndLingersBriefly() {
    Map<String, Object> props = config.producerProperties();

    assertThat(props)
        .contains(
            entry("bootstrap.servers", "127.0.0.1:9092,broker-2:9093"),
            entry("client.id", "ledger"),
            entry("acks", "all"),
            entry("enable.idempotence", "true"),
            entry("linger.ms", "5"),
            entry("key.serializer", "org.apache.kafka.common.serialization.StringSerializer"),
            entry("value.serializer", "io.apicurio.registry.serde.avro.AvroKafkaSerializer"),
            entry("apicurio.registry.use-id", "contentId"));
  }

  @Test
  void consumerReadsRawBytesWithAutoCommitOff() {
    Map<String, Object> props = config.consumerProperties("ledger-pulls");

    assertThat(props)
        .contains(
            entry("group.id", "ledger-pulls"),
            entry("client.id", "ledger-ledger-pulls"),
            entry("enable.auto.commit", "false"),
            entry("auto.offset.reset", "earliest"),
            entry(
                "key.deserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer"),
            entry(
                "value.deserializer",
                "org.apache.kafka.common.serialization.ByteArrayDeserializer"))
        .doesNotContainKey("apicurio.registry.url");
  }

  @Test
  void deadLetterProducerCopiesBytesAndNeedsNoRegistry() {
    assertThat(config.deadLetterProducerProperties())
        .contains(
            entry("client.id", "ledger-dead-letters"),
            entry("acks", "all"),
            entry("value.serializer", "org.apache.kafka.common.serialization.ByteArraySerializer"))
        .doesNotContainKey("apicurio.registry.url");
  }

  @Test
  void clientTelemetryIsOffUnlessAnExtraPropertyTurnsItOn() {
    KafkaClientConfig plain = new KafkaClientConfig("b:9092", "http://r:1", "c");
    assertThat(plain.consumerProperties("g")).contains(entry("enable.metrics.push", "false"));
    assertThat(plain.producerProperties()).contains(entry("enable.metrics.push", "false"));
    KafkaClientConfig pushing = new KafkaClientConfig("b:9092", "http://r:1", "c", Map.of("enable.metrics.push", "true"));
    assertThat(pushing.consumerProperties("g")).contains(entry("enable.metrics.push", "true"));
  }

  @Test
  void extraPropertiesReachClientsAndApicurioExtrasReachOnlyTheSerdes() {
    KafkaClientConfig secured =
        new KafkaClientConfig(
            "b:9093",
            "https://registry:8443",
            "agent",
            Map.of(
                "security.protocol", "SASL_SSL",
                "linger.ms", "20",
                "apicurio.registry.request.ssl.truststore.location", "/etc/ts.p12"));

    assertThat(secured.consumerProperties("g"))
        .contains(entry("security.protocol", "SASL_SSL"))
        .doesNotContainKey("apicurio.registry.request.ssl.truststore.location");
    assertThat(secured.producerProperties())
        .contains(entry("linger.ms", "20"), entry("security.protocol", "SASL_SSL"));
    assertThat(secured.deserializerConfig())
        .contains(entry("apicurio.registry.request.ssl.truststore.location", "/etc/ts.p12"))
        .doesNotContainKey("security.protocol");
  }

  @Test
  void badBootstrapServersAreRejectedNamingTheFieldAndValue() {
    assertThatThrownBy(() -> new KafkaClientConfig("localhost", "http://r:1", "c"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bootstrapServers='localhost'");
    assertThatThrownBy(() -> new KafkaClientConfig("a:9092,b:99999", "http://r:1", "c"))
        .hasMessageContaining("bootstrapServers='a:9092,b:99999'")
        .hasMessageContaining("'b:99999'");
    assertThatThrownBy(() -> new KafkaClientConfig("PLAINTEXT://a:9092", "http://r:1", "c"))
        .hasMessageContaining("bootstrapServers");
  }

  @Test
  void registryUrlMustBeAnHttpBaseUrl() {
    assertThatThrownBy(() -> new KafkaClientConfig("a:1", "r:8081", "c"))
        .hasMessageContaining("schemaRegistryUrl='r:8081'");
    assertThatThrownBy(() -> new KafkaClientConfig("a:1", "http://r:8081/apis/registry/v2", "c"))
        .hasMessageContaining("schemaRegistryUrl='http://r:8081/apis/registry/v2'")
        .hasMessageContaining("base URL");
    assertThatThrownBy(() -> new KafkaClientConfig("a:1", "http://u:secret@r:8081", "c"))
        .hasMessageContaining("schemaRegistryUrl='http://****@r:8081'")
        .hasMessageNotContaining("secret");
  }

  @Test
  void clientIdAndGroupIdMustBeSimpleNames() {
    assertThatThrownBy(() -> new KafkaClientConfig("a:1", "http://r:1", "my client"))
        .hasMessageContaining("clientId='my client'");
    assertThatThrownBy(() -> config.consumerProperties("")).hasMessageContaining("groupId=''");
  }

  @Test
  void extraPropertyMayNotOverrideAManagedKey() {
    assertThatThrownBy(
            () ->
                new KafkaClientConfig(
                    "a:1", "http://r:1", "c", Map.of("enable.auto.commit", "true")))
        .hasMessageContaining("extraProperties.enable.auto.commit='true'")
        .hasMessageContaining("managed");
    assertThatThrownBy(
            () ->
                new KafkaClientConfig(
                    "a:1", "http://r:1", "c", Map.of("apicurio.registry.use-id", "globalId")))
        .hasMessageContaining("apicurio.registry.use-id");
  }

  @Test
  void toStringMasksSecrets() {
    KafkaClientConfig secured =
        new KafkaClientConfig(
            "b:9093",
            "http://r:1",
            "agent",
            Map.of(
                "sasl.jaas.config", "ScramLoginModule required password=\"hunter2\";",
                "ssl.truststore.password", "changeit",
                "security.protocol", "SASL_SSL"));

    assertThat(secured.toString())
        .doesNotContain("hunter2", "changeit")
        .contains("sasl.jaas.config=****", "security.protocol=SASL_SSL");
  }

  @Test
  void avroValueDeserializerIsConfiguredWithoutContactingTheRegistry() {
    try (var deserializer = config.<Object>avroValueDeserializer()) {
      assertThat(deserializer).isInstanceOf(AvroKafkaDeserializer.class);
    }
  }
}
