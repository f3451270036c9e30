package io.pullproof.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.pullproof.events.ImagePulled;
import io.pullproof.kafka.KafkaClientConfig;
import io.pullproof.stack.KafkaBroker;
import io.pullproof.stack.oci.TlsMaterial;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Our Kafka clients over TLS against a real broker, configured only through {@link
 * KafkaClientConfig}'s extra properties (the keys an operator writes in a service's config):
 * <ul>
 *   <li>SSL with client certificates (mTLS, {@code ssl.client.auth=required});</li>
 *   <li>SASL_SSL: TLS that authenticates the server, and a PLAIN user and password.</li>
 * </ul>
 * Avro events go out through the producer properties and come back through the consumer
 * properties and the Avro deserializer the consumer loop uses; clients missing the CA, the client
 * certificate or the right password are refused.
 */
class KafkaTlsIT {
  private static final String USER = "pullproof-agent";
  private static final String PASSWORD = "kafka-" + UUID.randomUUID();
  private static TlsMaterial serverTls;
  private static TlsMaterial clientTls;
  private static KafkaBroker broker;
  private static String registryUrl;

  @BeforeAll
  static void start() {
    Path dir = TestInfrastructure.root().resolve("kafka-tls");
    serverTls = TlsMaterial.loadOrCreate(dir.resolve("server-tls"));
    clientTls = TlsMaterial.loadOrCreate(dir.resolve("client-tls"));
    registryUrl = TestInfrastructure.schemaRegistry().url();
    // The client's certificate is self-signed: it is its own CA, the one the broker trusts.
    broker = TestInfrastructure.server("kafka-tls", () -> KafkaBroker.startWithTls(dir.resolve("broker"),
        new KafkaBroker.Tls(serverTls, clientTls.certificatePem(), Map.of(USER, PASSWORD))));
  }

  @Test
  void avroEventsRoundTripOverMutualTls() throws Exception {
    KafkaClientConfig config = config(broker.sslBootstrapServers(), mutualTls());
    assertRoundTrip(config);
  }

  @Test
  void avroEventsRoundTripOverSaslSsl() throws Exception {
    KafkaClientConfig config = config(broker.saslSslBootstrapServers(), saslSsl(PASSWORD));
    assertRoundTrip(config);
  }

  @Test
  void aClientWithoutTheCaIsRefused() {
    Map<String, String> noCa = without(mutualTls(), "ssl.truststore.type", "ssl.truststore.location");
    assertThat(sendFailure(config(broker.sslBootstrapServers(), noCa)))
        .isInstanceOf(SslAuthenticationException.class)
        .cause().isInstanceOf(javax.net.ssl.SSLHandshakeException.class).hasMessageContaining("PKIX path building failed");

    Map<String, String> saslNoCa = without(saslSsl(PASSWORD), "ssl.truststore.type", "ssl.truststore.location");
    assertThat(sendFailure(config(broker.saslSslBootstrapServers(), saslNoCa)))
        .isInstanceOf(SslAuthenticationException.class);
  }

  @Test
  void aClientWithoutACertificateIsRefusedByTheMutualTlsListener() {
    Map<String, String> noCertificate = without(mutualTls(), "ssl.keystore.type", "ssl.keystore.location");
    assertThat(sendFailure(config(broker.sslBootstrapServers(), noCertificate)))
        .isInstanceOf(SslAuthenticationException.class);
  }

  @Test
  void aWrongPasswordIsRefused() {
    assertThat(sendFailure(config(broker.saslSslBootstrapServers(), saslSsl("not-" + PASSWORD))))
        .isInstanceOf(SaslAuthenticationException.class);
  }

  /** What an operator writes for mTLS: trust the broker's CA, present our key and certificate (PEM files). */
  private static Map<String, String> mutualTls() {
    return Map.of(
        "security.protocol", "SSL",
        "ssl.truststore.type", "PEM",
        "ssl.truststore.location", serverTls.certificatePem().toString(),
        "ssl.keystore.type", "PEM",
        "ssl.keystore.location", clientTls.keyAndCertificatePem().toString());
  }

  /** SASL_SSL with PLAIN: TLS authenticates the broker, the JAAS line the client. */
  private static Map<String, String> saslSsl(String password) {
    return Map.of(
        "security.protocol", "SASL_SSL",
        "ssl.truststore.type", "PEM",
        "ssl.truststore.location", serverTls.certificatePem().toString(),
        "sasl.mechanism", "PLAIN",
        "sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required username=\""
            + USER + "\" password=\"" + password + "\";");
  }

  private static Map<String, String> without(Map<String, String> settings, String... keys) {
    Map<String, String> fewer = new HashMap<>(settings);
    List.of(keys).forEach(fewer::remove);
    return fewer;
  }

  private static KafkaClientConfig config(String bootstrap, Map<String, String> security) {
    Map<String, String> extras = new HashMap<>(security);
    // A refused client fails fast instead of retrying for the default 60 s.
    extras.put("max.block.ms", "15000");
    return new KafkaClientConfig(bootstrap, registryUrl, "tls-it", extras);
  }

  private static void assertRoundTrip(KafkaClientConfig config) throws Exception {
    String topic = TestInfrastructure.newTopicPrefix() + "pulls";
    List<ImagePulled> sent = List.of(Events.imagePulled().build(), Events.imagePulled().build());
    try (KafkaProducer<String, ImagePulled> producer = new KafkaProducer<>(config.producerProperties())) {
      for (ImagePulled event : sent) {
        producer.send(new ProducerRecord<>(topic, event.getImageRef(), event)).get(30, TimeUnit.SECONDS);
      }
    }
    List<Object> received = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config.consumerProperties("tls-it"));
        Deserializer<Object> avro = config.avroValueDeserializer()) {
      TopicPartition partition = new TopicPartition(topic, 0);
      consumer.assign(List.of(partition));
      consumer.seekToBeginning(List.of(partition));
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (received.size() < sent.size() && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          received.add(avro.deserialize(topic, record.value()));
        }
      }
    }
    assertThat(received).containsExactlyElementsOf(sent);
  }

  /** The failure of one send with this config; the chain is unwrapped to Kafka's own exception. */
  private static Throwable sendFailure(KafkaClientConfig config) {
    try (KafkaProducer<String, ImagePulled> producer = new KafkaProducer<>(config.producerProperties())) {
      producer.send(new ProducerRecord<>("refused", Events.imagePulled().build())).get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      Throwable t = e;
      while (t.getCause() != null && !(t instanceof org.apache.kafka.common.KafkaException)) {
        t = t.getCause();
      }
      return t;
    }
    throw new AssertionError("the broker accepted a send it should have refused");
  }
}
