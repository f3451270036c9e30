package io.pullproof.kafka;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.TimeUnit;

/**
 * Meter names of {@code libs/kafka} and typed accessors for one consumer loop. Every meter carries
 * the loop's name as tag {@value #TAG_CONSUMER}.
 */
public final class KafkaMetrics {

  /** Counter: records a loop finished with (handled or dead-lettered), tag {@value #TAG_TOPIC}. */
  public static final String RECORDS_CONSUMED = "pullproof.kafka.records.consumed";

  /** Counter: records acknowledged by the dead-letter topic, tag {@value #TAG_REASON}. */
  public static final String RECORDS_DEADLETTERED = "pullproof.kafka.records.deadlettered";

  /**
   * Timer: from poll to commit of a batch, retries included; with {@link OffsetStorage#KAFKA_ASYNC}
   * until its positions wait for the acknowledgements, which overlap the next batch.
   */
  public static final String BATCH_DURATION = "pullproof.kafka.batch.duration";

  /** Counter: transient failures that led to a retry, tag {@value #TAG_STAGE}. */
  public static final String RETRIES = "pullproof.kafka.retries";

  /** Counter: {@link OffsetStorage#KAFKA_ASYNC} commits the broker refused (the next one covers them). */
  public static final String ASYNC_COMMIT_FAILURES = "pullproof.kafka.async.commit.failures";

  /**
   * Timer: how long the loop stood still because {@code maxUnacknowledgedBatches} finished batches
   * waited for their output's acknowledgements ({@link OffsetStorage#KAFKA_ASYNC}); one sample per
   * stop.
   */
  public static final String ACKNOWLEDGEMENT_STALLS = "pullproof.kafka.acknowledgement.stalls";

  /** Gauge: records behind the log end, summed over the assigned partitions. */
  public static final String CONSUMER_LAG = "pullproof.kafka.consumer.lag";

  /** Tag: the consumer loop's name. */
  public static final String TAG_CONSUMER = "consumer";

  /** Tag: topic name. */
  public static final String TAG_TOPIC = "topic";

  /** Tag: {@link DeadLetterReason} name. */
  public static final String TAG_REASON = "reason";

  /** Tag: {@link FailureClassifier.Stage} name, lower case. */
  public static final String TAG_STAGE = "stage";

  private final MeterRegistry registry;
  private final String consumer;
  private final Timer batchDuration;
  private final Timer acknowledgementStalls;
  private final AtomicLong lag = new AtomicLong();

  KafkaMetrics(MeterRegistry registry, String consumer) {
    this.registry = registry;
    this.consumer = consumer;
    this.batchDuration =
        Timer.builder(BATCH_DURATION)
            .description("Time from poll to commit of a batch (KAFKA_ASYNC: to the acknowledgement wait), retries included")
            .tag(TAG_CONSUMER, consumer)
            .register(registry);
    this.acknowledgementStalls =
        Timer.builder(ACKNOWLEDGEMENT_STALLS)
            .description("Time the loop stood still with maxUnacknowledgedBatches batches awaiting acknowledgements")
            .tag(TAG_CONSUMER, consumer)
            .register(registry);
    Gauge.builder(CONSUMER_LAG, lag, AtomicLong::get)
        .description("Records behind the log end over the assigned partitions")
        .baseUnit("records")
        .tag(TAG_CONSUMER, consumer)
        .register(registry);
  }

  void recordsConsumed(String topic, long count) {
    Counter.builder(RECORDS_CONSUMED)
        .description("Records handled or dead-lettered")
        .baseUnit("records")
        .tags(TAG_CONSUMER, consumer, TAG_TOPIC, topic)
        .register(registry)
        .increment(count);
  }

  void deadLettered(DeadLetterReason reason) {
    Counter.builder(RECORDS_DEADLETTERED)
        .description("Records written to the dead-letter topic")
        .baseUnit("records")
        .tags(TAG_CONSUMER, consumer, TAG_REASON, reason.name())
        .register(registry)
        .increment();
  }

  void retried(FailureClassifier.Stage stage) {
    Counter.builder(RETRIES)
        .description("Transient failures followed by a retry")
        .tags(TAG_CONSUMER, consumer, TAG_STAGE, stage.name().toLowerCase(java.util.Locale.ROOT))
        .register(registry)
        .increment();
  }

  void asyncCommitFailed() {
    Counter.builder(ASYNC_COMMIT_FAILURES)
        .description("Asynchronous commits that failed; a later commit covers their offsets")
        .tags(TAG_CONSUMER, consumer)
        .register(registry)
        .increment();
  }

  void batchCompleted(Duration duration) {
    batchDuration.record(duration);
  }

  void acknowledgementStall(long nanos) {
    acknowledgementStalls.record(nanos, TimeUnit.NANOSECONDS);
  }

  void lag(long records) {
    lag.set(records);
  }
}
