package io.pullproof.decisionservice.messaging;

import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import io.pullproof.events.StartVerdictIssued;
import io.pullproof.kafka.HeaderCachingSerializer;
import io.pullproof.kafka.KafkaClientConfig;
import org.apache.kafka.common.serialization.Serializer;

/** The value serializer of the verdict producer; see {@link HeaderCachingSerializer}. */
public final class VerdictSerializers {
  private VerdictSerializers() {}

  /** A configured serializer for {@code StartVerdictIssued} values. */
  public static Serializer<StartVerdictIssued> forVerdicts(KafkaClientConfig kafka) {
    AvroKafkaSerializer<StartVerdictIssued> apicurio = new AvroKafkaSerializer<>();
    Serializer<StartVerdictIssued> serializer = new HeaderCachingSerializer<>(apicurio, StartVerdictIssued.getClassSchema());
    serializer.configure(kafka.serializerConfig(), false);
    return serializer;
  }
}
