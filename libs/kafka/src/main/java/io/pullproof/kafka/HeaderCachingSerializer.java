package io.pullproof.kafka;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Map;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serializer;

/**
 * An Avro value serializer for one generated record class (ADR 0005). The Apicurio 2.6 serializer
 * (configured by {@link KafkaClientConfig#serializerConfig()}) looks the schema up by its full JSON
 * text for every record — in the decision benchmark's profile the largest cost of the decision
 * thread. This wrapper lets Apicurio register and frame the first record (Confluent wire format:
 * 0x00, 4-byte content id) and then reuses that 5-byte header with plain Avro binary, which is
 * byte for byte what the delegate writes: one schema (the class's), one content id for the life of
 * the process. A record of another schema, or a delegate that did not write the Confluent framing,
 * goes to the delegate every time.
 */
public final class HeaderCachingSerializer<T extends SpecificRecord> implements Serializer<T> {
  private static final int HEADER_BYTES = 5;

  private final Serializer<T> delegate;
  private final org.apache.avro.Schema schema;
  private final SpecificDatumWriter<T> writer;
  private byte[] header;
  private BinaryEncoder encoder;

  /**
   * @param delegate Apicurio's serializer; configured through {@link #configure}
   * @param schema the generated class's schema ({@code X.getClassSchema()})
   */
  public HeaderCachingSerializer(Serializer<T> delegate, org.apache.avro.Schema schema) {
    this.delegate = delegate;
    this.schema = schema;
    this.writer = new SpecificDatumWriter<>(schema);
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    delegate.configure(configs, isKey);
  }

  @Override
  public synchronized byte[] serialize(String topic, T data) {
    if (data == null) {
      return null;
    }
    if (header == null || data.getSchema() != schema) {
      byte[] framed = delegate.serialize(topic, data);
      if (header == null && data.getSchema() == schema && framed.length >= HEADER_BYTES && framed[0] == 0) {
        header = Arrays.copyOf(framed, HEADER_BYTES);
      }
      return framed;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(512);
    out.write(header, 0, HEADER_BYTES);
    try {
      encoder = EncoderFactory.get().directBinaryEncoder(out, encoder);
      writer.write(data, encoder);
      encoder.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode " + data.getSchema().getFullName(), e);
    }
    return out.toByteArray();
  }

  @Override
  public void close() {
    delegate.close();
  }
}
