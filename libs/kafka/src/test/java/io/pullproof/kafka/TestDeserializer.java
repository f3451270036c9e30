package io.pullproof.kafka;

import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Decodes UTF-8 strings. A value starting with {@code !} is not an event (poison); while {@link
 * #registryDownFor} is positive, every call fails as a registry outage would (transient).
 */
final class TestDeserializer implements Deserializer<String> {

  final AtomicInteger registryDownFor = new AtomicInteger();
  volatile boolean closed;

  @Override
  public String deserialize(String topic, byte[] data) {
    if (data == null) {
      return null;
    }
    if (registryDownFor.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      throw new SerializationException(
          "schema lookup failed", new ConnectException("Connection refused"));
    }
    String value = new String(data, StandardCharsets.UTF_8);
    if (value.startsWith("!")) {
      throw new SerializationException("Unknown magic byte!");
    }
    return value;
  }

  @Override
  public void close() {
    closed = true;
  }
}
