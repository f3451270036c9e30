package io.pullproof.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes events through a Kafka {@link Producer} (built from {@link
 * KafkaClientConfig#producerProperties()} in production, a {@code MockProducer} in unit tests) and
 * reports each outcome as a {@link CompletionStage}, so callers compose instead of blocking.
 *
 * @param <K> key type
 * @param <V> value type
 */
public final class EventPublisher<K, V> implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EventPublisher.class);

  /** How long {@link #close()} waits for the producer after flushing. */
  public static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

  private final Producer<K, V> producer;
  /** Null: {@code send} runs on the caller's thread. */
  private final ExecutorService sender;
  private final AtomicBoolean closed = new AtomicBoolean();

  /** A publisher that owns {@code producer} and closes it in {@link #close()}. */
  public EventPublisher(Producer<K, V> producer) {
    this(producer, null);
  }

  private EventPublisher(Producer<K, V> producer, ExecutorService sender) {
    this.producer = Objects.requireNonNull(producer, "producer");
    this.sender = sender;
  }

  /**
   * A publisher whose callers never wait for Kafka: {@code send} runs on one thread of its own, in
   * the order of the calls. {@code KafkaProducer.send} blocks (up to {@code max.block.ms}, 60 s)
   * when it has no leader for the partition, which is the case while a broker restarts; a node
   * agent must not hold a container start that long. At most {@code maxQueued} events wait for
   * that thread; more fail at once, like a full producer buffer.
   */
  public static <K, V> EventPublisher<K, V> handingOff(Producer<K, V> producer, int maxQueued) {
    ThreadPoolExecutor sender = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
        new LinkedBlockingQueue<>(maxQueued), runnable -> {
          Thread thread = new Thread(runnable, "pullproof-event-sender");
          thread.setDaemon(true);
          return thread;
        });
    return new EventPublisher<>(producer, sender);
  }

  /**
   * Sends one event. The stage completes when the broker acknowledged it (with {@code acks=all}:
   * all in-sync replicas) and fails with the producer's exception otherwise, also when {@code send}
   * itself throws (serialization, metadata timeout) or the publisher is closed.
   *
   * @param headers UTF-8 string headers in iteration order; may be empty
   */
  public CompletionStage<RecordMetadata> publish(
      String topic, K key, V value, Map<String, String> headers) {
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(headers, "headers");
    if (closed.get()) {
      return CompletableFuture.failedFuture(
          new IllegalStateException("publisher is closed; cannot publish to " + topic));
    }
    Headers recordHeaders = new RecordHeaders();
    headers.forEach((name, text) -> recordHeaders.add(name, text.getBytes(StandardCharsets.UTF_8)));
    ProducerRecord<K, V> record = new ProducerRecord<>(topic, null, null, key, value, recordHeaders);
    if (sender == null) {
      return ProducerFutures.send(producer, record);
    }
    try {
      return CompletableFuture.supplyAsync(() -> ProducerFutures.send(producer, record), sender)
          .thenCompose(sent -> sent);
    } catch (RejectedExecutionException e) {
      return CompletableFuture.failedFuture(new IllegalStateException(
          "too many events waiting for Kafka; not publishing to " + topic, e));
    }
  }

  /** Sends one event without headers; see {@link #publish(String, Object, Object, Map)}. */
  public CompletionStage<RecordMetadata> publish(String topic, K key, V value) {
    return publish(topic, key, value, Map.of());
  }

  /** Flushes what was sent and closes the producer; later calls do nothing. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      if (sender != null) {
        // Whatever is queued is handed to the producer first, then flushed with the rest.
        sender.shutdown();
        awaitTermination(sender);
      }
      producer.flush();
    } finally {
      producer.close(CLOSE_TIMEOUT);
      LOG.info("Event publisher closed");
    }
  }

  private static void awaitTermination(ExecutorService sender) {
    try {
      if (!sender.awaitTermination(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.warn("events still waiting for Kafka after {}: not published", CLOSE_TIMEOUT);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
