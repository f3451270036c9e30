package io.pullproof.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.pullproof.events.CredentialIdentity;
import io.pullproof.events.CredentialKind;
import io.pullproof.events.ImagePulled;
import io.pullproof.events.NodeRef;
import io.pullproof.kafka.KafkaClientConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Kafka and the schema registry are real, and our serde config writes the Confluent wire format:
 * byte 0 is 0x00, bytes 1-4 a schema id that the registry's Confluent API resolves to the
 * writer's schema, the rest plain Avro binary.
 *
 * <p>INFRA.md's trap: on a fresh registry global and content ids are often equal, so a wrong
 * id setting passes by accident. The same schema is registered under other subjects first, so
 * the ids differ before our producer writes.
 */
class AvroWireFormatSmokeIT {
  private static KafkaClientConfig config;

  @BeforeAll
  static void servers() {
    TestInfrastructure.startKafkaAndRegistry();
    config = new KafkaClientConfig(TestInfrastructure.kafka().bootstrapServers(), TestInfrastructure.schemaRegistry().url(), "smoke");
  }

  @Test
  void anImagePulledEventRoundTripsInTheConfluentWireFormat() throws Exception {
    String topic = TestInfrastructure.newTopicPrefix() + "pulls";
    HttpClient http = HttpClient.newHttpClient();
    String ccompat = TestInfrastructure.schemaRegistry().ccompatUrl();
    // Skew global ids away from content ids: unrelated schemas, and ours under other subjects.
    for (String subject : List.of("decoy-a", "decoy-b")) {
      register(http, ccompat, subject, "{\"type\":\"record\",\"name\":\"" + subject.replace('-', '_') + "\",\"fields\":[]}");
      register(http, ccompat, subject + "-pulled", ImagePulled.getClassSchema().toString());
    }

    ImagePulled event = ImagePulled.newBuilder()
        .setEventId("e-1").setOccurredAt(Instant.parse("2026-11-22T00:00:00Z"))
        .setNode(new NodeRef("cluster-1", "node-1")).setPod(null)
        .setImage("registry.io/team/app:1").setName("registry.io/team/app").setImageRef("sha256:" + "b".repeat(64))
        .setCredential(CredentialIdentity.newBuilder().setKind(CredentialKind.ANONYMOUS).build())
        .build();
    try (KafkaProducer<String, ImagePulled> producer = new KafkaProducer<>(config.producerProperties())) {
      producer.send(new ProducerRecord<>(topic, event.getImageRef(), event)).get();
    }

    byte[] bytes = readOne(topic);
    assertThat(bytes[0]).as("magic byte").isEqualTo((byte) 0);
    int id = ByteBuffer.wrap(bytes, 1, 4).getInt();
    HttpResponse<String> byId = http.send(HttpRequest.newBuilder(URI.create(ccompat + "/schemas/ids/" + id)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(byId.statusCode()).as("schema id %s through the Confluent API", id).isEqualTo(200);
    String schemaJson = new com.fasterxml.jackson.databind.ObjectMapper().readTree(byId.body()).get("schema").asText();
    Schema writer = new Schema.Parser().parse(schemaJson);
    assertThat(writer).isEqualTo(ImagePulled.getClassSchema());

    GenericRecord decoded = new GenericDatumReader<GenericRecord>(writer)
        .read(null, DecoderFactory.get().binaryDecoder(Arrays.copyOfRange(bytes, 5, bytes.length), null));
    assertThat(decoded.get("eventId").toString()).isEqualTo("e-1");
    assertThat(decoded.get("imageRef").toString()).isEqualTo(event.getImageRef());

    try (Deserializer<ImagePulled> deserializer = config.avroValueDeserializer()) {
      assertThat(deserializer.deserialize(topic, bytes)).isEqualTo(event);
    }
  }

  private static void register(HttpClient http, String ccompat, String subject, String schema) throws Exception {
    String body = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(Map.of("schema", schema));
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(ccompat + "/subjects/" + subject + "/versions"))
        .header("Content-Type", "application/vnd.schemaregistry.v1+json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as("register %s: %s", subject, response.body()).isEqualTo(200);
  }

  private static byte[] readOne(String topic) {
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config.consumerProperties("smoke-reader"))) {
      TopicPartition partition = new TopicPartition(topic, 0);
      consumer.assign(List.of(partition));
      consumer.seekToBeginning(List.of(partition));
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          return record.value();
        }
      }
      throw new AssertionError("no record on " + topic + " within 30 s");
    }
  }
}
