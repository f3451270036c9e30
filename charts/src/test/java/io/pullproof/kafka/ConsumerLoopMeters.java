package io.pullproof.kafka;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;

/**
 * Registers the consumer loop's meters (KafkaMetrics is package-private) the way a running loop
 * does, so the deployment tests can check alert rules against the names a real scrape shows.
 */
public final class ConsumerLoopMeters {
  private ConsumerLoopMeters() {}

  public static void record(MeterRegistry registry, String consumer) {
    KafkaMetrics metrics = new KafkaMetrics(registry, consumer);
    metrics.lag(1);
    metrics.recordsConsumed("pullproof.pulls", 1);
    metrics.deadLettered(DeadLetterReason.UNDECODABLE);
    metrics.retried(FailureClassifier.Stage.values()[0]);
    metrics.batchCompleted(Duration.ofMillis(1));
  }
}
