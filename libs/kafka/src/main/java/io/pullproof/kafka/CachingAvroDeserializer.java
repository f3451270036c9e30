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
import java.util.IdentityHashMap;
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

  /** Bounds {@link #readersByInstance}: each writer schema has one live instance at a time. */
  private static final int MAX_SCHEMA_INSTANCES = 64;

  private final Map<Schema, DatumReader<U>> readers = new ConcurrentHashMap<>();
  /**
   * The same readers by schema instance. Apicurio re-fetches and re-parses a schema when its cache
   * entry expires, and from then on every record's schema is a new instance equal to the key of
   * {@link #readers}: the lookup fell through to {@code Schema.equals}, a deep comparison that
   * allocated ~100 KB per decoded record in the decision benchmark's profile. Guarded by this.
   */
  private final Map<Schema, DatumReader<U>> readersByInstance = new IdentityHashMap<>();
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
    synchronized (this) {
      readersByInstance.clear();
    }
  }

  @Override
  protected U readData(Headers headers, ParsedSchema<Schema> schema, ByteBuffer buffer, int start, int length) {
    String encoding = headers == null ? null : encodingHeaders.getEncoding(headers);
    if (datumProvider == null || encoding != null && !AvroEncoding.BINARY.name().equals(encoding)) {
      return super.readData(headers, schema, buffer, start, length);
    }
    Schema writer = schema.getParsedSchema();
    try {
      synchronized (this) {
        DatumReader<U> reader = readersByInstance.get(writer);
        if (reader == null) {
          if (readersByInstance.size() >= MAX_SCHEMA_INSTANCES) {
            readersByInstance.clear();
          }
          reader = readers.computeIfAbsent(writer, datumProvider::createDatumReader);
          readersByInstance.put(writer, reader);
        }
        decoder = DecoderFactory.get().binaryDecoder(buffer.array(), start, length, decoder);
        return reader.read(null, decoder);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
