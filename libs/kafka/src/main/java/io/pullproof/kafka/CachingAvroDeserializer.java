package io.pullproof.kafka;

import io.apicurio.registry.resolver.ParsedSchema;
import io.apicurio.registry.serde.avro.AvroEncoding;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.apicurio.registry.serde.avro.AvroKafkaSerdeConfig;
import io.apicurio.registry.serde.avro.AvroSerdeHeaders;
import io.apicurio.registry.serde.avro.DefaultAvroDatumProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.common.header.Headers;

/**
 * Apicurio 2.6's Avro deserializer with one {@link DatumReader} per writer schema instead of one
 * per record (ADR 0005). Apicurio still does everything that is protocol: the Confluent framing,
 * the 4-byte content id, the registry lookup and its cache, and which reader schema a writer
 * schema resolves to ({@link DefaultAvroDatumProvider}, specific classes). Only the last step —
 * {@code createDatumReader(writer).read(binaryDecoder(bytes))} — is done here with a cached reader
 * and a reused decoder, which is exactly what Apicurio does with fresh ones.
 *
 * <p>JSON-encoded Avro (by {@code apicurio.registry.avro.encoding} or the record's encoding header)
 * and a custom {@code apicurio.registry.avro-datum-provider} are left to Apicurio entirely.
 *
 * <p>Like every Kafka deserializer it is called by the one thread that polls its consumer; the
 * decoder it reuses is guarded anyway, so a shared instance stays correct.
 */
public final class CachingAvroDeserializer<U> extends AvroKafkaDeserializer<U> {
  static {
    AvroLimits.install(); // before the first decode reads Avro's limits
  }

  private final Map<Schema, DatumReader<U>> readers = new ConcurrentHashMap<>();
  private DefaultAvroDatumProvider<U> datumProvider;
  private AvroSerdeHeaders encodingHeaders;
  private BinaryDecoder decoder;

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    super.configure(configs, isKey);
    AvroKafkaSerdeConfig config = new AvroKafkaSerdeConfig(configs);
    boolean ours = config.getAvroEncoding() == AvroEncoding.BINARY
        && config.getAvroDatumProvider() == DefaultAvroDatumProvider.class;
    if (ours) {
      DefaultAvroDatumProvider<U> provider = new DefaultAvroDatumProvider<>();
      provider.configure(config);
      datumProvider = provider;
    } else {
      datumProvider = null;
    }
    encodingHeaders = new AvroSerdeHeaders(isKey);
    readers.clear();
  }

  @Override
  protected U readData(Headers headers, ParsedSchema<Schema> schema, ByteBuffer buffer, int start, int length) {
    String encoding = headers == null ? null : encodingHeaders.getEncoding(headers);
    if (datumProvider == null || encoding != null && !AvroEncoding.BINARY.name().equals(encoding)) {
      return super.readData(headers, schema, buffer, start, length);
    }
    DatumReader<U> reader = readers.computeIfAbsent(schema.getParsedSchema(), datumProvider::createDatumReader);
    try {
      synchronized (this) {
        decoder = DecoderFactory.get().binaryDecoder(buffer.array(), start, length, decoder);
        return reader.read(null, decoder);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
