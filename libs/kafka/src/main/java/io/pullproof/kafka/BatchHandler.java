package io.pullproof.kafka;

import java.util.concurrent.CompletionStage;

/**
 * Handles the records of one poll for a {@link ConsumerLoop}.
 *
 * @param <V> the value type
 */
@FunctionalInterface
public interface BatchHandler<V> {

  /**
   * Starts handling a batch; called on the loop's poll thread, so return quickly and do blocking
   * work (JDBC) elsewhere, e.g. on a worker executor or a Vert.x context. The loop pauses its
   * partitions until the stage completes.
   *
   * <p>Complete normally with the records you rejected as invalid (they are dead-lettered);
   * complete exceptionally to have the failure classified by {@link FailureClassifier}: a transient
   * failure retries this very batch after a backoff, so handling must be idempotent; an
   * unrecognised failure makes the loop retry the records one by one and dead-letter those that
   * still fail.
   */
  CompletionStage<BatchResult> handle(ConsumedBatch<V> batch);
}
