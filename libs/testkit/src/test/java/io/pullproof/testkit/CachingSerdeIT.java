package io.pullproof.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import io.pullproof.events.ImagePulled;
import io.pullproof.events.StartVerdictIssued;
import io.pullproof.events.Verdict;
import io.pullproof.events.VerdictReason;
import io.pullproof.kafka.CachingAvroDeserializer;
import io.pullproof.kafka.HeaderCachingSerializer;
import io.pullproof.kafka.KafkaClientConfig;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Our two Avro serde shortcuts (ADR 0005) against Apicurio's own serde on the real registry: the
 * header-caching serializer writes exactly Apicurio's bytes, and the caching deserializer decodes
 * exactly what Apicurio decodes — also when records of two writer schemas interleave.
 */
class CachingSerdeIT {
  private static KafkaClientConfig config;

  @BeforeAll
  static void servers() {
    TestInfrastructure.startKafkaAndRegistry();
    config = new KafkaClientConfig(TestInfrastructure.kafka().bootstrapServers(),
        TestInfrastructure.schemaRegistry().url(), "caching-serde");
  }

  @Test
  void headerCachingSerializerWritesApicuriosBytesForEveryRecord() {
    String topic = TestInfrastructure.newTopicPrefix() + "verdicts";
    List<StartVerdictIssued> verdicts = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      verdicts.add(Events.verdictIssued().eventId("v-" + i).requestId("r-" + i).grantId(i % 2 == 0 ? null : "g-" + i)
          .verdict(i % 2 == 0 ? Verdict.REPULL : Verdict.ALLOW, i % 2 == 0 ? VerdictReason.NO_RECORD : VerdictReason.SECRET_HASH_MATCH)
          .build());
    }
    try (Serializer<StartVerdictIssued> apicurio = apicurioSerializer();
        Serializer<StartVerdictIssued> caching = new HeaderCachingSerializer<>(new AvroKafkaSerializer<>(),
            StartVerdictIssued.getClassSchema())) {
      caching.configure(config.serializerConfig(), false);
      for (StartVerdictIssued verdict : verdicts) {
        byte[] expected = apicurio.serialize(topic, verdict);
        assertThat(caching.serialize(topic, verdict)).as(verdict.getRequestId()).isEqualTo(expected);
      }
      assertThat(caching.serialize(topic, null)).isNull();
    }
  }

  @Test
  void cachingDeserializerDecodesWhatApicurioDecodesAcrossWriterSchemas() {
    String topic = TestInfrastructure.newTopicPrefix() + "pulls";
    // An evolved writer schema: ImagePulled with one more field, registered as a second version.
    Schema evolved = withExtraField(ImagePulled.getClassSchema());
    List<byte[]> frames = new ArrayList<>();
    try (Serializer<ImagePulled> specific = apicurioSerializer(); Serializer<GenericRecord> generic = apicurioSerializer()) {
      for (int i = 0; i < 40; i++) {
        ImagePulled event = Events.imagePulled().eventId("e-" + i).imageRef(Events.digest("image-" + i)).build();
        frames.add(i % 3 == 0 ? generic.serialize(topic, asEvolved(event, evolved)) : specific.serialize(topic, event));
      }
    }
    assertThat(frames.stream().map(f -> java.nio.ByteBuffer.wrap(f, 1, 4).getInt()).distinct().count())
        .as("two writer schemas, two content ids").isEqualTo(2);

    try (Deserializer<ImagePulled> apicurio = new AvroKafkaDeserializer<>();
        Deserializer<ImagePulled> ours = config.avroValueDeserializer()) {
      apicurio.configure(config.deserializerConfig(), false);
      assertThat(ours).isInstanceOf(CachingAvroDeserializer.class);
      for (int round = 0; round < 2; round++) {
        for (int i = 0; i < frames.size(); i++) {
          ImagePulled expected = apicurio.deserialize(topic, frames.get(i));
          assertThat(expected.getEventId()).isEqualTo("e-" + i);
          assertThat(ours.deserialize(topic, frames.get(i))).as("record %s, round %s", i, round).isEqualTo(expected);
        }
      }
      assertThat(ours.deserialize(topic, null)).isNull();
    }

    // Apicurio re-fetches a schema whose cache entry expired, so the same writer schema arrives as
    // new, equal instances; with a 1 ms check period nearly every record brings one (more than the
    // 64 instances the deserializer remembers by identity).
    java.util.Map<String, Object> refreshing = new java.util.HashMap<>(config.deserializerConfig());
    refreshing.put("apicurio.registry.check-period-ms", "1");
    try (Deserializer<ImagePulled> apicurio = new AvroKafkaDeserializer<>();
        Deserializer<ImagePulled> ours = new CachingAvroDeserializer<>()) {
      apicurio.configure(config.deserializerConfig(), false);
      ours.configure(refreshing, false);
      for (int round = 0; round < 3; round++) {
        for (int i = 0; i < frames.size(); i++) {
          assertThat(ours.deserialize(topic, frames.get(i))).as("refreshed schemas: record %s, round %s", i, round)
              .isEqualTo(apicurio.deserialize(topic, frames.get(i)));
        }
      }
    }
  }

  private static <T> Serializer<T> apicurioSerializer() {
    AvroKafkaSerializer<T> serializer = new AvroKafkaSerializer<>();
    serializer.configure(config.serializerConfig(), false);
    return serializer;
  }

  private static Schema withExtraField(Schema base) {
    List<Schema.Field> fields = new ArrayList<>();
    for (Schema.Field field : base.getFields()) {
      fields.add(new Schema.Field(field, field.schema()));
    }
    fields.add(new Schema.Field("addedLater", Schema.create(Schema.Type.STRING), "a field the reader does not know", "x"));
    return Schema.createRecord(base.getName(), base.getDoc(), base.getNamespace(), false, fields);
  }

  /** The event as a generic record of {@code schema}: its bytes read with the evolved schema, plus the extra field. */
  private static GenericRecord asEvolved(SpecificRecord event, Schema schema) {
    try {
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      org.apache.avro.io.BinaryEncoder encoder = org.apache.avro.io.EncoderFactory.get().binaryEncoder(out, null);
      new org.apache.avro.specific.SpecificDatumWriter<SpecificRecord>(event.getSchema()).write(event, encoder);
      encoder.flush();
      GenericRecord record = new org.apache.avro.generic.GenericDatumReader<GenericRecord>(event.getSchema(), schema)
          .read(null, org.apache.avro.io.DecoderFactory.get().binaryDecoder(out.toByteArray(), null));
      record.put("addedLater", "written by a newer producer");
      return record;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
