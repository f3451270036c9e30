package io.pullproof.decisionservice.messaging;

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
 * The verdict producer's value serializer. The Apicurio 2.6 serializer (configured by
 * {@code KafkaClientConfig}) looks the schema up by its full JSON text for every record — in the
 * benchmark's profile that was the largest cost of the decision thread. This wrapper lets it
 * register and frame the first record (Confluent wire format: 0x00, 4-byte content id) and then
 * reuses that 5-byte header with plain Avro binary for the same schema, which is what the delegate
 * would write: one schema (the generated class's), one content id for the life of the process.
 */
final class HeaderCachingSerializer<T extends SpecificRecord> implements Serializer<T> {
  private static final int HEADER_BYTES = 5;

  private final Serializer<T> delegate;
  private final SpecificDatumWriter<T> writer;
  private byte[] header;
  private BinaryEncoder encoder;

  HeaderCachingSerializer(Serializer<T> delegate, org.apache.avro.Schema schema) {
    this.delegate = delegate;
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
    if (header == null) {
      byte[] framed = delegate.serialize(topic, data);
      if (framed.length >= HEADER_BYTES && framed[0] == 0) {
        header = Arrays.copyOf(framed, HEADER_BYTES);
      }
      return framed;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
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
