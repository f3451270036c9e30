package io.pullproof.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import io.pullproof.kafka.FailureClass;
import io.pullproof.kafka.FailureClassifier;
import io.pullproof.kafka.KafkaClientConfig;
import io.pullproof.stack.SchemaRegistryServer;
import io.pullproof.testkit.Events;
import io.pullproof.testkit.TestInfrastructure;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Foreign bytes on our topics: anything a producer we do not control may write. They go through
 * the real decode path, {@link KafkaClientConfig#avroValueDeserializer()}, against the real schema
 * registry (the deserializer resolves the writer schema by the id in the Confluent frame, so the
 * registry is part of the path; after the first lookup the schemas are cached and every input
 * decodes in-process). Each value decodes to an event or fails with an exception that {@link
 * FailureClassifier} calls {@link FailureClass#POISON} at the decode stage: a dead letter, never a
 * retry that would stall the partition, never a fatal stop. The small heap of this module turns an
 * unbounded allocation into an {@link OutOfMemoryError}, which fails the target.
 *
 * <p>The registry lookup of a frame's schema id is the decode path itself (fixed host, the id only
 * picks the path), so the module turns off Jazzer's SSRF detector (see its pom): it cannot be told
 * to allow the registry for the HTTP client's own threads.
 *
 * <p>Input: first byte 0 means the rest is the whole record value (any framing); any other first
 * byte picks one of the registered event schemas, and the rest is the Avro body after a valid
 * Confluent header (magic 0x00 and that schema's content id).
 */
class AvroDecodeFuzzIT {
  private static final String TOPIC = "fuzz.events";
  private static final List<byte[]> HEADERS = new ArrayList<>();
  private static final List<byte[]> SAMPLES = new ArrayList<>();
  private static Deserializer<Object> deserializer;

  @BeforeAll
  static void registerSchemas() {
    SchemaRegistryServer registry = TestInfrastructure.schemaRegistry();
    KafkaClientConfig config = new KafkaClientConfig("127.0.0.1:9", registry.url(), "fuzz");
    List<SpecificRecord> events = List.of(Events.imagePulled().build(), Events.startRequested().build(),
        Events.verdictIssued().build(), Events.startObserved().build(), Events.credentialRevoked().build());
    try (AvroKafkaSerializer<SpecificRecord> serializer = new AvroKafkaSerializer<>()) {
      serializer.configure(config.serializerConfig(), false);
      for (SpecificRecord event : events) {
        byte[] value = serializer.serialize(TOPIC, event);
        HEADERS.add(Arrays.copyOf(value, 5));
        SAMPLES.add(value);
      }
    }
    deserializer = config.avroValueDeserializer();
  }

  @AfterAll
  static void close() {
    if (deserializer != null) {
      deserializer.close();
    }
  }

  @Test
  void realEventsDecode() {
    for (byte[] sample : SAMPLES) {
      assertThat(deserializer.deserialize(TOPIC, sample)).isInstanceOf(SpecificRecord.class);
    }
  }

  @FuzzTest
  void decodesOrIsPoison(byte[] input) {
    if (input.length == 0) {
      return;
    }
    byte[] value;
    if (input[0] == 0) {
      value = Arrays.copyOfRange(input, 1, input.length);
    } else {
      byte[] header = HEADERS.get(Math.floorMod(input[0], HEADERS.size()));
      value = ByteBuffer.allocate(header.length + input.length - 1).put(header).put(input, 1, input.length - 1).array();
    }
    Object decoded;
    try {
      decoded = deserializer.deserialize(TOPIC, value);
    } catch (RuntimeException e) {
      assertThat(FailureClassifier.classify(e, FailureClassifier.Stage.DECODE))
          .as("classification of %s", FailureClassifier.describe(e)).isEqualTo(FailureClass.POISON);
      return;
    }
    if (value.length > 0 && decoded != null) {
      assertThat(decoded).isInstanceOf(SpecificRecord.class);
    }
  }
}
