package io.pullproof.audit.read;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.Schema;
import io.pullproof.kafka.AvroLimits;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;

/**
 * Decodes Confluent-framed Avro (0x00, 4-byte schema id, Avro binary; INFRA.md Set A) into the
 * generated event classes. The writer schema of an id is fetched once from the registry's ccompat
 * API and a writer→reader {@link SpecificDatumReader} is kept per id, so a record costs one Avro
 * decode: the Apicurio deserializer resolves the schemas again for every record, which a replay
 * of millions of events cannot afford. The benchmark's raw baseline uses this decoder too, so the
 * ratio measures the replay alone.
 *
 * <p>Not thread-safe: one reader thread owns a decoder.
 */
public final class EventDecoder {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String registryBaseUrl;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final Map<Integer, SpecificDatumReader<SpecificRecord>> readers = new HashMap<>();
  private BinaryDecoder decoder;

  /** @param registryBaseUrl the registry base URL without API path, e.g. {@code http://127.0.0.1:8080} */
  public EventDecoder(String registryBaseUrl) {
    AvroLimits.install(); // foreign bytes: bounded lengths before the first decode
    this.registryBaseUrl = registryBaseUrl.replaceAll("/+$", "");
  }

  /**
   * The event in {@code bytes}.
   *
   * @throws IllegalArgumentException when the bytes are not Confluent-framed Avro of a known event
   */
  public SpecificRecord decode(byte[] bytes) {
    if (bytes == null || bytes.length < 5 || bytes[0] != 0) {
      throw new IllegalArgumentException("not Confluent-framed Avro (magic byte 0 and a 4-byte schema id)");
    }
    int id = (bytes[1] & 0xFF) << 24 | (bytes[2] & 0xFF) << 16 | (bytes[3] & 0xFF) << 8 | (bytes[4] & 0xFF);
    SpecificDatumReader<SpecificRecord> reader = readers.get(id);
    if (reader == null) {
      reader = readerFor(id);
      readers.put(id, reader);
    }
    decoder = DecoderFactory.get().binaryDecoder(bytes, 5, bytes.length - 5, decoder);
    try {
      return reader.read(null, decoder);
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("schema id " + id + ": cannot decode: " + e.getMessage(), e);
    }
  }

  private SpecificDatumReader<SpecificRecord> readerFor(int id) {
    Schema writer = new Schema.Parser().parse(fetchSchema(id));
    Class<?> generated = SpecificData.get().getClass(writer);
    if (generated == null || !SpecificRecord.class.isAssignableFrom(generated)) {
      throw new IllegalArgumentException("schema id " + id + " is " + writer.getFullName() + ", not a Pullproof event");
    }
    Schema reader = SpecificData.get().getSchema(generated);
    return new SpecificDatumReader<>(writer, reader);
  }

  private String fetchSchema(int id) {
    URI uri = URI.create(registryBaseUrl + "/apis/ccompat/v7/schemas/ids/" + id);
    try {
      HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).GET().build(),
          HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IllegalArgumentException("schema id " + id + ": registry answered " + response.statusCode() + " for " + uri);
      }
      JsonNode schema = JSON.readTree(response.body()).get("schema");
      if (schema == null || !schema.isTextual()) {
        throw new IllegalArgumentException("schema id " + id + ": no \"schema\" in the registry's answer from " + uri);
      }
      return schema.asText();
    } catch (IOException e) {
      throw new IllegalStateException("cannot reach the schema registry at " + uri + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while fetching schema " + id, e);
    }
  }
}
