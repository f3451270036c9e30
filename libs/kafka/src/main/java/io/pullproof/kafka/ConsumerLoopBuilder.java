package io.pullproof.kafka;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Builds a {@link ConsumerLoop}; start with {@link ConsumerLoop#builder(String)}. Required:
 * consumer, topics, deserializer, handler, dead letters.
 *
 * @param <V> the decoded value type
 */
public final class ConsumerLoopBuilder<V> {

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]+");

  // Read by the ConsumerLoop constructor once build() validated them.
  final String name;
  Consumer<byte[], byte[]> consumer;
  List<String> topics;
  Deserializer<V> deserializer;
  BatchHandler<V> handler;
  Producer<byte[], byte[]> deadLetterProducer;
  String deadLetterTopic;
  BackoffPolicy backoff = BackoffPolicy.defaults();
  MeterRegistry meterRegistry = new CompositeMeterRegistry();
  OffsetStorage offsetStorage = OffsetStorage.KAFKA;
  AssignmentHook assignmentHook;
  Duration pollTimeout = Duration.ofSeconds(1);
  Duration pausedPollTimeout = Duration.ofMillis(100);
  Duration closeTimeout = Duration.ofSeconds(30);
  Duration rebalanceBudget = Duration.ofSeconds(30);
  int maxUnacknowledgedBatches = 8;

  ConsumerLoopBuilder(String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "Invalid consumer loop name '" + name + "': expected letters, digits, '.', '_' or '-'");
    }
    this.name = name;
  }

  /** The consumer, with auto-commit off; the loop subscribes, polls and closes it. */
  public ConsumerLoopBuilder<V> consumer(Consumer<byte[], byte[]> consumer) {
    this.consumer = consumer;
    return this;
  }

  /** Topics to subscribe to. */
  public ConsumerLoopBuilder<V> topics(Collection<String> topics) {
    this.topics = List.copyOf(topics);
    return this;
  }

  /** Topics to subscribe to. */
  public ConsumerLoopBuilder<V> topics(String... topics) {
    return topics(List.of(topics));
  }

  /** Decodes values, e.g. {@link KafkaClientConfig#avroValueDeserializer()}; closed by the loop. */
  public ConsumerLoopBuilder<V> deserializer(Deserializer<V> deserializer) {
    this.deserializer = deserializer;
    return this;
  }

  /** Handles the decoded records of each poll. */
  public ConsumerLoopBuilder<V> handler(BatchHandler<V> handler) {
    this.handler = handler;
    return this;
  }

  /** Where poison records go; the producer is not closed by the loop. */
  public ConsumerLoopBuilder<V> deadLetters(Producer<byte[], byte[]> producer, String topic) {
    this.deadLetterProducer = producer;
    this.deadLetterTopic = topic;
    return this;
  }

  /** Backoff for transient failures; default {@link BackoffPolicy#defaults()}. */
  public ConsumerLoopBuilder<V> backoff(BackoffPolicy backoff) {
    this.backoff = backoff;
    return this;
  }

  /** Registry for {@link KafkaMetrics}; default a registry that records nothing. */
  public ConsumerLoopBuilder<V> meterRegistry(MeterRegistry meterRegistry) {
    this.meterRegistry = meterRegistry;
    return this;
  }

  /**
   * {@link OffsetStorage#EXTERNAL} stops all commits to Kafka; the hook then supplies start
   * positions. {@link OffsetStorage#KAFKA_ASYNC} commits without waiting, for idempotent handlers.
   * Default {@link OffsetStorage#KAFKA}.
   */
  public ConsumerLoopBuilder<V> offsetStorage(OffsetStorage offsetStorage) {
    this.offsetStorage = offsetStorage;
    return this;
  }

  /** Told about assignments; required with {@link OffsetStorage#EXTERNAL}. */
  public ConsumerLoopBuilder<V> assignmentHook(AssignmentHook assignmentHook) {
    this.assignmentHook = assignmentHook;
    return this;
  }

  /** Poll timeout while idle; default 1 s. */
  public ConsumerLoopBuilder<V> pollTimeout(Duration pollTimeout) {
    this.pollTimeout = pollTimeout;
    return this;
  }

  /**
   * Poll timeout while a batch is in flight (partitions paused, polling only to stay in the group);
   * default 100 ms. A completing batch wakes the poll up early.
   */
  public ConsumerLoopBuilder<V> pausedPollTimeout(Duration pausedPollTimeout) {
    this.pausedPollTimeout = pausedPollTimeout;
    return this;
  }

  /** How long {@link ConsumerLoop#close()} lets the in-flight batch finish; default 30 s. */
  public ConsumerLoopBuilder<V> closeTimeout(Duration closeTimeout) {
    this.closeTimeout = closeTimeout;
    return this;
  }

  /**
   * Longest time spent inside a rebalance callback, finishing the batch of revoked partitions or
   * retrying the assignment hook; keep it well under {@code max.poll.interval.ms}. Default 30 s.
   */
  public ConsumerLoopBuilder<V> rebalanceBudget(Duration rebalanceBudget) {
    this.rebalanceBudget = rebalanceBudget;
    return this;
  }

  /**
   * With {@link OffsetStorage#KAFKA_ASYNC}: how many finished batches may wait for their output's
   * acknowledgements ({@link BatchResult#acknowledged()}) while the loop goes on fetching; at the
   * limit it pauses until the oldest is acknowledged. Default 8; 1 still lets the next batch be
   * handled while the previous one's acknowledgements are on their way.
   */
  public ConsumerLoopBuilder<V> maxUnacknowledgedBatches(int maxUnacknowledgedBatches) {
    this.maxUnacknowledgedBatches = maxUnacknowledgedBatches;
    return this;
  }

  /**
   * Builds the loop; it does not poll before {@link ConsumerLoop#start()}.
   *
   * @throws IllegalArgumentException naming the missing or invalid setting
   */
  public ConsumerLoop<V> build() {
    require(consumer, "consumer");
    require(topics, "topics");
    require(deserializer, "deserializer");
    require(handler, "handler");
    require(deadLetterProducer, "deadLetters producer");
    require(deadLetterTopic, "deadLetters topic");
    require(backoff, "backoff");
    require(meterRegistry, "meterRegistry");
    require(offsetStorage, "offsetStorage");
    if (topics.isEmpty() || topics.stream().anyMatch(t -> t == null || t.isBlank())) {
      throw invalid("topics", topics, "at least one topic, none blank");
    }
    if (topics.contains(deadLetterTopic)) {
      throw invalid("deadLetters topic", deadLetterTopic, "must not be a consumed topic");
    }
    if (offsetStorage == OffsetStorage.EXTERNAL && assignmentHook == null) {
      throw invalid("assignmentHook", null, "required when offsetStorage is EXTERNAL");
    }
    positive(pollTimeout, "pollTimeout");
    positive(pausedPollTimeout, "pausedPollTimeout");
    positive(closeTimeout, "closeTimeout");
    positive(rebalanceBudget, "rebalanceBudget");
    if (maxUnacknowledgedBatches < 1) {
      throw invalid("maxUnacknowledgedBatches", maxUnacknowledgedBatches, "must be at least 1");
    }
    return new ConsumerLoop<>(this);
  }

  private void require(Object value, String setting) {
    if (value == null) {
      throw invalid(setting, null, "required");
    }
  }

  private void positive(Duration value, String setting) {
    if (value == null || value.isNegative() || value.isZero()) {
      throw invalid(setting, value, "must be positive");
    }
  }

  private IllegalArgumentException invalid(String setting, Object value, String why) {
    return new IllegalArgumentException(
        "Invalid consumer loop " + name + " setting " + setting + "=" + value + ": " + why);
  }
}
