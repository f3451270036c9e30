package io.pullproof.kafka;

import io.pullproof.kafka.FailureClassifier.Stage;
import io.pullproof.kafka.InFlightBatch.DeadLetter;
import io.pullproof.kafka.InFlightBatch.Phase;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Moves an {@link InFlightBatch} through its phases: decode, handle, dead-letter, commit. Never
 * blocks except in the commit; waits are the caller's (the poll loop keeps polling meanwhile).
 * Every failure goes through {@link FailureClassifier}: transient ones schedule a retry of the same
 * step after a backoff, fatal ones throw {@link LoopFailure}.
 */
final class BatchProcessor<V> {

  private static final Logger LOG = LoggerFactory.getLogger(BatchProcessor.class);

  private final String name;
  private final Deserializer<V> deserializer;
  private final BatchHandler<V> handler;
  private final DeadLetterPublisher deadLetters;
  private final BackoffPolicy backoff;
  private final KafkaMetrics metrics;

  /**
   * Commits a batch's offsets (or, for a pipelined batch, hands them over to be committed once its
   * output is acknowledged); null when offsets are stored externally.
   */
  private final Consumer<InFlightBatch<V>> committer;

  /** Cuts the poll thread's current poll short; called when an asynchronous step completes. */
  private final Runnable wakeup;

  BatchProcessor(
      String name,
      Deserializer<V> deserializer,
      BatchHandler<V> handler,
      DeadLetterPublisher deadLetters,
      BackoffPolicy backoff,
      KafkaMetrics metrics,
      Consumer<InFlightBatch<V>> committer,
      Runnable wakeup) {
    this.name = name;
    this.deserializer = deserializer;
    this.handler = handler;
    this.deadLetters = deadLetters;
    this.backoff = backoff;
    this.metrics = metrics;
    this.committer = committer;
    this.wakeup = wakeup;
  }

  /**
   * Makes as much progress as it can without waiting.
   *
   * @return false when the batch waits for a backoff, the handler or the dead-letter topic
   * @throws LoopFailure on a fatal failure
   */
  boolean advance(InFlightBatch<V> batch) {
    if (batch.backingOff(System.nanoTime())) {
      return false;
    }
    switch (batch.phase) {
      case DECODING -> decode(batch);
      case HANDLING -> {
        return asyncStep(batch, this::submit, this::handled);
      }
      case DEAD_LETTERING -> {
        return asyncStep(batch, this::sendDeadLetters, this::deadLettersSettled);
      }
      case COMMITTING -> commit(batch);
      case DONE -> {
        return false;
      }
    }
    return true;
  }

  /** Starts an asynchronous step, or settles it once it completed; false while it runs. */
  private boolean asyncStep(
      InFlightBatch<V> batch, Consumer<InFlightBatch<V>> start, Consumer<InFlightBatch<V>> settle) {
    if (batch.pending == null) {
      start.accept(batch);
    } else if (batch.pending.isDone()) {
      settle.accept(batch);
    } else {
      return false;
    }
    return true;
  }

  private void decode(InFlightBatch<V> batch) {
    List<ConsumedRecord<V>> decoded = new ArrayList<>();
    List<DeadLetter> undecodable = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> record : batch.liveRecords()) {
      String coordinates =
          ConsumedRecord.coordinates(record.topic(), record.partition(), record.offset());
      try (MDC.MDCCloseable mdc = MDC.putCloseable(ConsumedRecord.MDC_KEY, coordinates)) {
        V value = deserializer.deserialize(record.topic(), record.headers(), record.value());
        if (value == null) {
          undecodable.add(poison(record, DeadLetterReason.EMPTY_VALUE, "the value is null"));
        } else {
          decoded.add(toConsumed(record, value));
        }
      } catch (RuntimeException e) {
        switch (FailureClassifier.classify(e, Stage.DECODE)) {
          case FATAL -> throw new LoopFailure(name, Stage.DECODE, e);
          case TRANSIENT -> {
            retryLater(batch, Stage.DECODE, e);
            return;
          }
          case POISON ->
              undecodable.add(
                  poison(record, FailureClassifier.decodeReason(e), FailureClassifier.describe(e)));
        }
      }
    }
    batch.decoded(decoded, undecodable);
  }

  private void submit(InFlightBatch<V> batch) {
    List<ConsumedRecord<V>> chunk = batch.currentChunk();
    if (chunk == null) {
      batch.advanceTo(Phase.DEAD_LETTERING);
      return;
    }
    ConsumedBatch<V> consumed = new ConsumedBatch<>(chunk, batch.nextOffsetsFor(chunk));
    CompletableFuture<BatchResult> result = new CompletableFuture<>();
    try (MDC.MDCCloseable mdc = MDC.putCloseable(ConsumedRecord.MDC_KEY, consumed.coordinates())) {
      CompletionStage<BatchResult> stage = handler.handle(consumed);
      if (stage == null) {
        throw new ClassifiedException(FailureClass.FATAL, "batch handler returned null");
      }
      stage.whenComplete(
          (value, error) -> {
            if (error != null) {
              result.completeExceptionally(error);
            } else if (value == null) {
              result.completeExceptionally(
                  new ClassifiedException(FailureClass.FATAL, "batch handler completed with null"));
            } else if (batch.pipelined) {
              result.complete(value);
            } else {
              // Not pipelined: the handler call is done only once its output is durable.
              value
                  .acknowledged()
                  .whenComplete(
                      (ignored, ackError) -> {
                        if (ackError != null) {
                          result.completeExceptionally(ackError);
                        } else {
                          result.complete(value);
                        }
                      });
            }
          });
    } catch (RuntimeException e) {
      result.completeExceptionally(e);
    }
    batch.submitted = chunk;
    batch.pending = result;
    result.whenComplete((value, error) -> wakeup.run());
  }

  private void handled(InFlightBatch<V> batch) {
    List<ConsumedRecord<V>> chunk = batch.submitted;
    @SuppressWarnings("unchecked")
    CompletableFuture<BatchResult> result = (CompletableFuture<BatchResult>) batch.pending;
    batch.pending = null;
    Throwable error = failureOf(result);
    if (error == null) {
      BatchResult value = result.join();
      rejected(batch, chunk, value);
      if (batch.pipelined) {
        batch.awaitAcknowledgement(value.acknowledged().toCompletableFuture());
      }
      batch.chunkDone();
      return;
    }
    switch (FailureClassifier.classify(error, Stage.HANDLE)) {
      case FATAL -> throw new LoopFailure(name, Stage.HANDLE, error);
      case TRANSIENT -> retryLater(batch, Stage.HANDLE, error);
      case POISON -> {
        if (chunk.size() > 1) {
          LOG.warn(
              "Consumer {}: handler failed on {} records, retrying them one by one: {}",
              name,
              chunk.size(),
              FailureClassifier.describe(error));
          batch.isolateCurrentChunk();
        } else {
          ConsumedRecord<V> only = chunk.get(0);
          if (!batch.isDropped(only.topic(), only.partition())) {
            batch.deadLetter(
                poison(
                    batch.rawOf(only),
                    DeadLetterReason.HANDLER_FAILED,
                    FailureClassifier.describe(error)));
          }
          batch.chunkDone();
        }
      }
    }
  }

  private void rejected(InFlightBatch<V> batch, List<ConsumedRecord<V>> chunk, BatchResult result) {
    Set<String> given = new HashSet<>();
    chunk.forEach(record -> given.add(record.coordinates()));
    for (BatchResult.Rejection rejection : result.rejected()) {
      ConsumedRecord<?> record = rejection.record();
      ConsumerRecord<byte[], byte[]> source = batch.rawOf(record);
      if (source == null || !given.contains(record.coordinates())) {
        throw new LoopFailure(
            name,
            Stage.HANDLE,
            new IllegalStateException(
                "handler rejected " + record.coordinates() + ", not part of its batch"));
      }
      if (batch.isDropped(record.topic(), record.partition())) {
        continue; // the next owner reads it again and decides again
      }
      batch.deadLetter(poison(source, rejection.reason(), rejection.detail()));
    }
  }

  private void sendDeadLetters(InFlightBatch<V> batch) {
    List<DeadLetter> unsent = batch.unacknowledgedDeadLetters();
    if (unsent.isEmpty()) {
      batch.advanceTo(Phase.COMMITTING);
      return;
    }
    CompletableFuture<?>[] sends = new CompletableFuture<?>[unsent.size()];
    for (int i = 0; i < sends.length; i++) {
      DeadLetter letter = unsent.get(i);
      sends[i] =
          deadLetters
              .send(letter.source, letter.reason, letter.detail)
              .thenRun(
                  () -> {
                    letter.acknowledged = true;
                    metrics.deadLettered(letter.reason);
                  });
    }
    CompletableFuture<Void> all = CompletableFuture.allOf(sends);
    batch.pending = all;
    all.whenComplete((value, error) -> wakeup.run());
  }

  private void deadLettersSettled(InFlightBatch<V> batch) {
    Throwable error = failureOf(batch.pending);
    batch.pending = null;
    if (error == null) {
      batch.advanceTo(Phase.COMMITTING);
      return;
    }
    // Only the unacknowledged letters are sent again.
    if (FailureClassifier.classify(error, Stage.DEAD_LETTER) != FailureClass.TRANSIENT) {
      throw new LoopFailure(name, Stage.DEAD_LETTER, error);
    }
    retryLater(batch, Stage.DEAD_LETTER, error);
  }

  private void commit(InFlightBatch<V> batch) {
    if (committer != null) {
      try {
        committer.accept(batch);
      } catch (RuntimeException e) {
        if (FailureClassifier.classify(e, Stage.COMMIT) != FailureClass.TRANSIENT) {
          throw new LoopFailure(name, Stage.COMMIT, e);
        }
        retryLater(batch, Stage.COMMIT, e);
        return;
      }
    }
    batch.advanceTo(Phase.DONE);
  }

  private void retryLater(InFlightBatch<V> batch, Stage stage, Throwable error) {
    batch.attempt++;
    Duration delay = backoff.delay(batch.attempt, ThreadLocalRandom.current().nextDouble());
    batch.retryAt(System.nanoTime() + delay.toNanos());
    metrics.retried(stage);
    LOG.warn(
        "Consumer {}: transient failure at {}, retry {} in {} ms: {}",
        name,
        stage,
        batch.attempt,
        delay.toMillis(),
        FailureClassifier.describe(error));
  }

  private DeadLetter poison(
      ConsumerRecord<byte[], byte[]> record, DeadLetterReason reason, String detail) {
    LOG.warn(
        "Consumer {}: dead-lettering {} as {}: {}",
        name,
        ConsumedRecord.coordinates(record.topic(), record.partition(), record.offset()),
        reason,
        detail);
    return new DeadLetter(record, reason, detail);
  }

  private static <V> ConsumedRecord<V> toConsumed(ConsumerRecord<byte[], byte[]> record, V value) {
    return new ConsumedRecord<>(
        record.topic(),
        record.partition(),
        record.offset(),
        record.key(),
        value,
        Instant.ofEpochMilli(record.timestamp()),
        List.of(record.headers().toArray()));
  }

  /** The cause a completed future failed with, or null when it succeeded. */
  static Throwable failureOf(CompletableFuture<?> future) {
    try {
      future.join();
      return null;
    } catch (CompletionException e) {
      return e.getCause() == null ? e : e.getCause();
    } catch (RuntimeException e) {
      return e;
    }
  }
}
