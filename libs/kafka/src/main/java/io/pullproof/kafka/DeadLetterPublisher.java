package io.pullproof.kafka;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Writes a record nobody could use to the dead-letter topic: the original key and value bytes, the
 * original headers, and {@code pullproof.dlq.*} headers saying why and where it came from, so a
 * replay tool can put it back after a fix.
 */
public final class DeadLetterPublisher {

  /** Header: {@link DeadLetterReason} name. */
  public static final String HEADER_REASON = "pullproof.dlq.reason";

  /** Header: human-readable detail (exception chain or the handler's message). */
  public static final String HEADER_DETAIL = "pullproof.dlq.detail";

  /** Header: the source topic. */
  public static final String HEADER_TOPIC = "pullproof.dlq.topic";

  /** Header: the source partition, decimal. */
  public static final String HEADER_PARTITION = "pullproof.dlq.partition";

  /** Header: the source offset, decimal. */
  public static final String HEADER_OFFSET = "pullproof.dlq.offset";

  /** Header: the source record's timestamp in epoch milliseconds, decimal. */
  public static final String HEADER_TIMESTAMP = "pullproof.dlq.timestamp";

  /** Header: name of the consumer loop that gave up on the record. */
  public static final String HEADER_CONSUMER = "pullproof.dlq.consumer";

  private static final String HEADER_PREFIX = "pullproof.dlq.";

  /** Headers are not meant for stack traces; a detail this long is cut. */
  static final int MAX_DETAIL_LENGTH = 2000;

  private final Producer<byte[], byte[]> producer;
  private final String topic;
  private final String consumer;

  /**
   * A publisher writing to {@code topic}; it does not own {@code producer}.
   *
   * @param consumer name of the consumer loop, written to {@value #HEADER_CONSUMER}
   */
  public DeadLetterPublisher(Producer<byte[], byte[]> producer, String topic, String consumer) {
    this.producer = Objects.requireNonNull(producer, "producer");
    this.topic = Objects.requireNonNull(topic, "topic");
    this.consumer = Objects.requireNonNull(consumer, "consumer");
  }

  /** The dead-letter topic. */
  public String topic() {
    return topic;
  }

  /**
   * Sends {@code source} to the dead-letter topic. A synchronous send failure (metadata timeout,
   * closed producer) completes the returned future exceptionally instead of throwing.
   */
  public CompletableFuture<RecordMetadata> send(
      ConsumerRecord<byte[], byte[]> source, DeadLetterReason reason, String detail) {
    Headers headers = new RecordHeaders();
    for (Header header : source.headers()) {
      if (!header.key().startsWith(HEADER_PREFIX)) {
        headers.add(header);
      }
    }
    add(headers, HEADER_REASON, reason.name());
    add(headers, HEADER_DETAIL, truncate(detail));
    add(headers, HEADER_TOPIC, source.topic());
    add(headers, HEADER_PARTITION, Integer.toString(source.partition()));
    add(headers, HEADER_OFFSET, Long.toString(source.offset()));
    add(headers, HEADER_TIMESTAMP, Long.toString(source.timestamp()));
    add(headers, HEADER_CONSUMER, consumer);
    ProducerRecord<byte[], byte[]> record =
        new ProducerRecord<>(topic, null, null, source.key(), source.value(), headers);
    return ProducerFutures.send(producer, record);
  }

  private static void add(Headers headers, String key, String value) {
    headers.add(key, value.getBytes(StandardCharsets.UTF_8));
  }

  private static String truncate(String detail) {
    String text = detail == null ? "" : detail;
    return text.length() <= MAX_DETAIL_LENGTH ? text : text.substring(0, MAX_DETAIL_LENGTH) + "...";
  }
}
