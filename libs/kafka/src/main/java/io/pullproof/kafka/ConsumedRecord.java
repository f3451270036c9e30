package io.pullproof.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.slf4j.MDC;

/**
 * One decoded record as a handler sees it.
 *
 * @param topic topic it was read from
 * @param partition partition it was read from
 * @param offset its offset in that partition
 * @param key the raw key bytes (our keys are UTF-8 strings: see {@link #keyAsString()}), or null;
 *     not copied, so do not modify it
 * @param value the decoded value, never null (null values are dead-lettered as {@link
 *     DeadLetterReason#EMPTY_VALUE} before a handler sees them)
 * @param timestamp the record timestamp
 * @param headers the record headers, unmodifiable
 * @param <V> the value type
 */
public record ConsumedRecord<V>(
    String topic,
    int partition,
    long offset,
    byte[] key,
    V value,
    Instant timestamp,
    List<Header> headers) {

  /** MDC key carrying {@link #coordinates()} while a record or batch is being worked on. */
  public static final String MDC_KEY = "topic_partition_offset";

  /** Checks the components that must be present. */
  public ConsumedRecord {
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(timestamp, "timestamp");
    headers = List.copyOf(headers);
  }

  /** The partition as Kafka names it. */
  public TopicPartition topicPartition() {
    return new TopicPartition(topic, partition);
  }

  /** The key decoded as UTF-8, or null when there is none. */
  public String keyAsString() {
    return key == null ? null : new String(key, StandardCharsets.UTF_8);
  }

  /** The value of the last header with this name, decoded as UTF-8. */
  public Optional<String> header(String name) {
    for (int i = headers.size() - 1; i >= 0; i--) {
      Header header = headers.get(i);
      if (header.key().equals(name)) {
        return Optional.ofNullable(header.value()).map(v -> new String(v, StandardCharsets.UTF_8));
      }
    }
    return Optional.empty();
  }

  /** {@code topic-partition@offset}, as logs and the MDC show it. */
  public String coordinates() {
    return coordinates(topic, partition, offset);
  }

  /**
   * Puts {@link #coordinates()} into the MDC of the calling thread until the returned handle is
   * closed; for handlers that hop threads: {@code try (var mdc = record.putMdc()) { ... }}.
   */
  public MDC.MDCCloseable putMdc() {
    return MDC.putCloseable(MDC_KEY, coordinates());
  }

  static String coordinates(String topic, int partition, long offset) {
    return topic + "-" + partition + "@" + offset;
  }
}
