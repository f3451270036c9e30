package io.pullproof.kafka;

import io.pullproof.kafka.FailureClassifier.Stage;
import io.pullproof.kafka.InFlightBatch.Phase;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one consumer loop of the system: a blocking {@code poll} on its own thread, decoding in the
 * loop so bad records can be dead-lettered with their bytes, back-pressure by pausing partitions
 * while the handler works, and a commit only after the handler and the dead-letter topic are done.
 * {@code libs/kafka/DESIGN.md} explains the threads, phases and failure classes.
 *
 * <p>The loop owns the consumer and the deserializer and closes them; it does not own the
 * dead-letter producer, which several loops may share. The consumer must have auto-commit off
 * ({@link KafkaClientConfig#consumerProperties(String)} does that).
 *
 * @param <V> the decoded value type
 */
public final class ConsumerLoop<V> implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ConsumerLoop.class);

  /** How long closing the consumer (leaving the group) may take. */
  static final Duration CONSUMER_CLOSE_TIMEOUT = Duration.ofSeconds(10);

  /** Wakeups are only ever meant for {@code poll}; a commit that meets one tries again. */
  private static final int MAX_STRAY_WAKEUPS = 10;

  private enum State {
    NEW,
    RUNNING,
    CLOSED,
    FAILED
  }

  private final String name;
  private final Consumer<byte[], byte[]> consumer;
  private final List<String> topics;
  private final Deserializer<V> deserializer;
  private final BackoffPolicy backoff;
  private final KafkaMetrics metrics;
  private final AssignmentHook assignmentHook;
  private final Duration pollTimeout;
  private final Duration pausedPollTimeout;
  private final Duration closeTimeout;
  private final Duration rebalanceBudget;
  private final int maxUnacknowledgedBatches;
  private final boolean pipelining;
  private final BatchProcessor<V> processor;
  private final Thread thread;

  private final AtomicReference<State> state = new AtomicReference<>(State.NEW);
  private final CountDownLatch closeSignal = new CountDownLatch(1);
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile long closeDeadlineNanos;
  private volatile Throwable failure;

  // Poll thread only.
  private InFlightBatch<V> batch;
  /** {@link OffsetStorage#KAFKA_ASYNC}: the last positions handed to {@code commitAsync}. */
  private final Map<TopicPartition, OffsetAndMetadata> committedAsync = new LinkedHashMap<>();
  /** {@link OffsetStorage#KAFKA_ASYNC}: positions waiting for the commit in flight to finish. */
  private final Map<TopicPartition, OffsetAndMetadata> awaitingAsyncCommit = new LinkedHashMap<>();
  private boolean asyncCommitInFlight;
  /** {@link OffsetStorage#KAFKA_ASYNC}: finished batches waiting for their output's acks, oldest first. */
  private final Deque<Unacknowledged> unacknowledged = new ArrayDeque<>();
  /**
   * Partitions read again after an acknowledgement failed, and up to which offset: their batches
   * wait for their acknowledgements while handled, so a record that fails again is retried or
   * dead-lettered like any handler failure.
   */
  private final Map<TopicPartition, Long> confirmUntil = new HashMap<>();
  /** Set while the loop waits only for acknowledgements, so the last one wakes the paused poll. */
  private volatile boolean wakeOnAcknowledgement;
  /** When the loop last stopped at {@code maxUnacknowledgedBatches}; 0 while it is not stopped. */
  private long stalledSinceNanos;
  private LoopFailure rebalanceFailure;
  private int pollFailures;

  ConsumerLoop(ConsumerLoopBuilder<V> builder) {
    this.name = builder.name;
    this.consumer = builder.consumer;
    this.topics = List.copyOf(builder.topics);
    this.deserializer = builder.deserializer;
    this.backoff = builder.backoff;
    this.metrics = new KafkaMetrics(builder.meterRegistry, name);
    this.assignmentHook = builder.assignmentHook;
    this.pollTimeout = builder.pollTimeout;
    this.pausedPollTimeout = builder.pausedPollTimeout;
    this.closeTimeout = builder.closeTimeout;
    this.rebalanceBudget = builder.rebalanceBudget;
    this.maxUnacknowledgedBatches = builder.maxUnacknowledgedBatches;
    this.pipelining = builder.offsetStorage == OffsetStorage.KAFKA_ASYNC;
    this.thread = new Thread(this::run, "pullproof-consumer-" + name);
    this.processor =
        new BatchProcessor<>(
            name,
            deserializer,
            builder.handler,
            new DeadLetterPublisher(builder.deadLetterProducer, builder.deadLetterTopic, name),
            backoff,
            metrics,
            switch (builder.offsetStorage) {
              case KAFKA -> done -> commitSync(done.commitOffsets());
              case KAFKA_ASYNC -> this::commitWhenAcknowledged;
              case EXTERNAL -> null;
            },
            this::wakeupFromOtherThread);
  }

  /** A builder for a loop called {@code name} (letters, digits, {@code . _ -}). */
  public static <V> ConsumerLoopBuilder<V> builder(String name) {
    return new ConsumerLoopBuilder<>(name);
  }

  /**
   * Subscribes and starts polling on thread {@code pullproof-consumer-<name>}.
   *
   * @throws IllegalStateException if the loop was started or closed before
   */
  public synchronized void start() {
    if (!state.compareAndSet(State.NEW, State.RUNNING)) {
      throw new IllegalStateException("consumer loop " + name + " is " + state.get());
    }
    thread.start();
  }

  /**
   * Stops polling, lets the in-flight batch finish and commit (for at most the close timeout), then
   * closes the consumer. Idempotent; from another thread it waits until the loop stopped.
   */
  @Override
  public void close() {
    synchronized (this) {
      if (state.compareAndSet(State.NEW, State.CLOSED)) {
        closeResources();
        stopped.countDown();
        return;
      }
      if (closeSignal.getCount() > 0) {
        closeDeadlineNanos = System.nanoTime() + closeTimeout.toNanos();
        closeSignal.countDown();
        if (state.get() == State.RUNNING) {
          LOG.info("Consumer loop {} closing", name);
          consumer.wakeup();
        }
      }
    }
    if (Thread.currentThread() == thread) {
      return;
    }
    try {
      Duration wait = closeTimeout.plus(CONSUMER_CLOSE_TIMEOUT).plusSeconds(1);
      if (!stopped.await(wait.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.warn("Consumer loop {} did not stop within {}", name, wait);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** True from {@link #start()} until the loop stopped, by {@link #close()} or a fatal failure. */
  public boolean isRunning() {
    return state.get() == State.RUNNING;
  }

  /** The fatal failure that stopped the loop, for readiness checks; empty otherwise. */
  public Optional<Throwable> failure() {
    return Optional.ofNullable(failure);
  }

  /** The loop's name, as used in its thread name, metrics and logs. */
  public String name() {
    return name;
  }

  private void run() {
    try {
      consumer.subscribe(topics, new RebalanceListener());
      LOG.info("Consumer loop {} started on {}", name, topics);
      while (!shouldStop()) {
        pollOnce();
        drive();
        commitAcknowledged();
      }
    } catch (LoopFailure e) {
      fail(e.getCause());
    } catch (RuntimeException | Error e) {
      fail(e);
    } finally {
      settleAsyncCommits(committedAsync.keySet());
      closeResources();
      state.compareAndSet(State.RUNNING, State.CLOSED);
      stopped.countDown();
      LOG.info("Consumer loop {} stopped", name);
    }
  }

  private boolean shouldStop() {
    if (rebalanceFailure != null) {
      throw rebalanceFailure;
    }
    if (closeSignal.getCount() > 0) {
      return false;
    }
    if (batch == null && unacknowledged.isEmpty()) {
      return true;
    }
    if (System.nanoTime() - closeDeadlineNanos >= 0) {
      LOG.warn(
          "Consumer loop {}: close timeout reached {}; what was not committed will be read again",
          name,
          batch != null
              ? "in phase " + batch.phase
              : "with " + unacknowledged.size() + " batches unacknowledged");
      return true;
    }
    return false;
  }

  private void pollOnce() {
    Duration timeout = pollTimeout;
    boolean busy = batch != null || waitsForAcknowledgements();
    wakeOnAcknowledgement = busy && batch == null;
    noteAcknowledgementStall(wakeOnAcknowledgement && closeSignal.getCount() > 0);
    if (busy) {
      consumer.pause(consumer.assignment());
      long backoffNanos = batch == null ? 0 : batch.backoffRemainingNanos(System.nanoTime());
      if (backoffNanos > 0) {
        timeout = min(pausedPollTimeout, Duration.ofNanos(backoffNanos));
      } else if (batch == null && unacknowledged.peekFirst().acknowledged.isDone()) {
        timeout = Duration.ZERO; // acknowledged before the flag was up: no wakeup is coming
      } else {
        timeout = pausedPollTimeout;
      }
    } else if (!consumer.paused().isEmpty()) {
      consumer.resume(consumer.paused());
    }
    ConsumerRecords<byte[], byte[]> records;
    try {
      records = consumer.poll(timeout);
    } catch (WakeupException e) {
      return;
    } catch (InterruptException e) {
      Thread.interrupted();
      LOG.warn("Consumer loop {} interrupted; closing", name);
      requestStopFromPollThread();
      return;
    } catch (RuntimeException e) {
      pollFailed(e);
      return;
    }
    if (rebalanceFailure != null) {
      throw rebalanceFailure;
    }
    pollFailures = 0;
    metrics.lag(lag());
    if (records.isEmpty()) {
      return;
    }
    if (!busy) {
      batch = new InFlightBatch<>(records, System.nanoTime(), pipelines(records));
      consumer.pause(consumer.assignment());
    } else {
      // Partitions assigned during this poll were not paused yet: give their records back.
      for (TopicPartition tp : records.partitions()) {
        consumer.seek(tp, records.records(tp).get(0).offset());
      }
    }
  }

  private void drive() {
    while (batch != null) {
      if (batch.phase == Phase.DONE) {
        finish();
        return;
      }
      if (!processor.advance(batch)) {
        return;
      }
    }
  }

  private void finish() {
    InFlightBatch<V> done = batch;
    batch = null;
    done.countsByTopic().forEach(metrics::recordsConsumed);
    metrics.batchCompleted(Duration.ofNanos(System.nanoTime() - done.startedNanos));
    consumer.resume(consumer.paused());
  }

  private void pollFailed(RuntimeException e) {
    if (FailureClassifier.classify(e, Stage.POLL) != FailureClass.TRANSIENT) {
      throw new LoopFailure(name, Stage.POLL, e);
    }
    pollFailures++;
    metrics.retried(Stage.POLL);
    Duration delay = backoff.delay(pollFailures, ThreadLocalRandom.current().nextDouble());
    LOG.warn(
        "Consumer loop {}: poll failed, retry {} in {} ms: {}",
        name,
        pollFailures,
        delay.toMillis(),
        FailureClassifier.describe(e));
    sleepUnlessClosing(delay);
  }

  /** A batch may finish before its acknowledgements unless it reads again what failed them. */
  private boolean pipelines(ConsumerRecords<byte[], byte[]> records) {
    if (!pipelining || confirmUntil.isEmpty()) {
      return pipelining;
    }
    return records.partitions().stream().noneMatch(confirmUntil::containsKey);
  }

  /** Times each stop at {@code maxUnacknowledgedBatches}, from its first poll to the next that may fetch. */
  private void noteAcknowledgementStall(boolean stalled) {
    if (stalled && stalledSinceNanos == 0) {
      stalledSinceNanos = System.nanoTime();
    } else if (!stalled && stalledSinceNanos != 0) {
      metrics.acknowledgementStall(System.nanoTime() - stalledSinceNanos);
      stalledSinceNanos = 0;
    }
  }

  /** True while the loop must not take a new batch: too many unacknowledged, or closing. */
  private boolean waitsForAcknowledgements() {
    return !unacknowledged.isEmpty()
        && (unacknowledged.size() >= maxUnacknowledgedBatches || closeSignal.getCount() == 0);
  }

  /**
   * {@link OffsetStorage#KAFKA_ASYNC}: queues a finished batch's positions behind the earlier ones,
   * to be committed once its output and theirs are acknowledged.
   */
  private void commitWhenAcknowledged(InFlightBatch<V> done) {
    CompletableFuture<Void> acknowledged = done.acknowledged();
    unacknowledged.addLast(
        new Unacknowledged(
            new LinkedHashMap<>(done.commitOffsets()),
            new LinkedHashMap<>(done.firstOffsets()),
            acknowledged));
    acknowledged.whenComplete(
        (ignored, error) -> {
          if (wakeOnAcknowledgement) {
            wakeupFromOtherThread();
          }
        });
  }

  /**
   * Commits, oldest first, the batches whose output is acknowledged; stops at the first that is
   * not, so a position is never committed past output that could still be lost.
   */
  private void commitAcknowledged() {
    while (!unacknowledged.isEmpty() && unacknowledged.peekFirst().acknowledged.isDone()) {
      Unacknowledged oldest = unacknowledged.removeFirst();
      Throwable error = BatchProcessor.failureOf(oldest.acknowledged);
      if (error != null) {
        acknowledgementFailed(oldest, error);
        continue;
      }
      commitAsync(oldest.commit);
      oldest.commit.forEach(
          (tp, next) -> {
            Long until = confirmUntil.get(tp);
            if (until != null && next.offset() >= until) {
              confirmUntil.remove(tp);
            }
          });
    }
  }

  /**
   * The output of a finished batch was not acknowledged. Fatal failures stop the loop; otherwise
   * its partitions are read again from the batch's first records, and everything handled after it
   * on those partitions (later unacknowledged batches, the batch in flight) is given up, to be
   * handled again in order. Handlers are idempotent, so what was already written repeats harmlessly.
   */
  private void acknowledgementFailed(Unacknowledged failed, Throwable error) {
    if (FailureClassifier.classify(error, Stage.HANDLE) == FailureClass.FATAL) {
      throw new LoopFailure(name, Stage.HANDLE, error);
    }
    Set<TopicPartition> replay = new HashSet<>(failed.replayFrom.keySet());
    replay.retainAll(consumer.assignment());
    if (replay.isEmpty()) {
      return;
    }
    // Everything handed out so far on these partitions is read again: the consumer's position
    // is past the failed batch, the later unacknowledged ones and the batch in flight.
    Map<TopicPartition, Long> readUpTo = new HashMap<>();
    replay.forEach(tp -> readUpTo.put(tp, consumer.position(tp)));
    unacknowledged.forEach(later -> later.forget(replay));
    if (batch != null && batch.touches(replay)) {
      dropFromBatch(replay);
    }
    metrics.retried(Stage.HANDLE);
    LOG.warn(
        "Consumer loop {}: output of a finished batch was not acknowledged; reading {} again: {}",
        name,
        failed.replayFrom,
        FailureClassifier.describe(error));
    for (TopicPartition tp : replay) {
      consumer.seek(tp, failed.replayFrom.get(tp));
      confirmUntil.put(tp, readUpTo.get(tp));
    }
  }

  /** Forgets the unacknowledged batches' positions of partitions this member no longer owns. */
  private void forgetUnacknowledged(Collection<TopicPartition> partitions) {
    unacknowledged.forEach(waiting -> waiting.forget(partitions));
    confirmUntil.keySet().removeAll(partitions);
  }

  private void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
    Set<TopicPartition> assigned = consumer.assignment();
    Map<TopicPartition, OffsetAndMetadata> owned = new LinkedHashMap<>(offsets);
    owned.keySet().retainAll(assigned);
    if (owned.isEmpty()) {
      return;
    }
    for (int wakeups = 0; ; wakeups++) {
      try {
        consumer.commitSync(owned);
        LOG.debug("Consumer loop {} committed {}", name, owned);
        return;
      } catch (WakeupException e) {
        if (wakeups >= MAX_STRAY_WAKEUPS) {
          throw e;
        }
      }
    }
  }

  private void commitAsync(Map<TopicPartition, OffsetAndMetadata> offsets) {
    Map<TopicPartition, OffsetAndMetadata> owned = new LinkedHashMap<>(offsets);
    owned.keySet().retainAll(consumer.assignment());
    if (owned.isEmpty()) {
      return;
    }
    committedAsync.putAll(owned);
    awaitingAsyncCommit.putAll(owned);
    if (!asyncCommitInFlight) {
      sendAsyncCommit();
    }
  }

  /**
   * One commit in flight at a time, carrying the newest positions: a consumer has few requests in
   * flight to its coordinator, and one commit per batch (a thousand a second at low load) would
   * queue behind the coordinator's linger until they time out, heartbeats with them.
   */
  private void sendAsyncCommit() {
    if (awaitingAsyncCommit.isEmpty()) {
      return;
    }
    Map<TopicPartition, OffsetAndMetadata> send = new LinkedHashMap<>(awaitingAsyncCommit);
    awaitingAsyncCommit.clear();
    asyncCommitInFlight = true;
    // The callback runs inside a later poll, on this thread.
    consumer.commitAsync(
        send,
        (committed, error) -> {
          asyncCommitInFlight = false;
          if (error != null) {
            metrics.asyncCommitFailed();
            LOG.debug(
                "Consumer loop {}: asynchronous commit of {} failed: {}",
                name,
                committed,
                FailureClassifier.describe(error));
          }
          sendAsyncCommit();
        });
  }

  /**
   * Commits synchronously the last asynchronous positions of {@code partitions}, so the next owner
   * (or the next start) begins after them. Best effort: what fails is read again, harmlessly.
   */
  private void settleAsyncCommits(Collection<TopicPartition> partitions) {
    if (committedAsync.isEmpty()) {
      return;
    }
    Map<TopicPartition, OffsetAndMetadata> settle = new LinkedHashMap<>(committedAsync);
    settle.keySet().retainAll(partitions);
    settle.keySet().retainAll(consumer.assignment());
    forgetAsyncCommits(partitions);
    if (settle.isEmpty()) {
      return;
    }
    try {
      for (int wakeups = 0; ; wakeups++) {
        try {
          consumer.commitSync(settle, CONSUMER_CLOSE_TIMEOUT);
          return;
        } catch (WakeupException e) {
          if (wakeups >= MAX_STRAY_WAKEUPS) {
            throw e;
          }
        }
      }
    } catch (RuntimeException e) {
      metrics.asyncCommitFailed();
      LOG.warn(
          "Consumer loop {}: could not settle the commits of {}; they will be read again: {}",
          name,
          settle.keySet(),
          FailureClassifier.describe(e));
    }
  }

  /** Drops the asynchronous positions of partitions this consumer no longer owns. */
  private void forgetAsyncCommits(Collection<TopicPartition> partitions) {
    List<TopicPartition> gone = List.copyOf(partitions);
    committedAsync.keySet().removeAll(gone);
    awaitingAsyncCommit.keySet().removeAll(gone);
  }

  private long lag() {
    long total = 0;
    for (TopicPartition tp : consumer.assignment()) {
      total += consumer.currentLag(tp).orElse(0);
    }
    return total;
  }

  private void wakeupFromOtherThread() {
    if (Thread.currentThread() != thread) {
      consumer.wakeup();
    }
  }

  private void requestStopFromPollThread() {
    if (closeSignal.getCount() > 0) {
      closeDeadlineNanos = System.nanoTime() + closeTimeout.toNanos();
      closeSignal.countDown();
    }
  }

  private void sleepUnlessClosing(Duration delay) {
    try {
      closeSignal.await(delay.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      requestStopFromPollThread();
    }
  }

  private void fail(Throwable cause) {
    failure = cause;
    state.set(State.FAILED);
    LOG.error("Consumer loop {} stopped by a fatal failure; it is not ready", name, cause);
  }

  private void closeResources() {
    try {
      consumer.close(CloseOptions.timeout(CONSUMER_CLOSE_TIMEOUT));
    } catch (RuntimeException e) {
      LOG.warn("Consumer loop {}: closing the consumer failed", name, e);
    }
    try {
      deserializer.close();
    } catch (RuntimeException e) {
      LOG.warn("Consumer loop {}: closing the deserializer failed", name, e);
    }
  }

  /**
   * Finishes the in-flight batch of revoked partitions within the rebalance budget, so the next
   * owner starts after it; what cannot finish in time is given up and read again by the next owner
   * (handlers are idempotent).
   */
  private void settleBeforeRevocation(Collection<TopicPartition> revoked) {
    long deadline = System.nanoTime() + rebalanceBudget.toNanos();
    while (batch != null && batch.touches(revoked) && System.nanoTime() - deadline < 0) {
      if (batch.phase == Phase.DONE) {
        finish();
      } else if (!processor.advance(batch)) {
        awaitProgress(deadline);
      }
    }
    if (batch != null && batch.touches(revoked)) {
      LOG.warn(
          "Consumer loop {}: giving up the unfinished batch of revoked {} in phase {}",
          name,
          revoked,
          batch.phase);
      dropFromBatch(revoked);
    }
    while (touchesUnacknowledged(revoked) && System.nanoTime() - deadline < 0) {
      CompletableFuture<Void> oldest = unacknowledged.peekFirst().acknowledged;
      try {
        oldest.get(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      } catch (ExecutionException | TimeoutException | CancellationException e) {
        // A failure is examined by commitAcknowledged.
      } catch (InterruptedException e) {
        requestStopFromPollThread();
        break;
      }
      commitAcknowledged();
    }
    if (touchesUnacknowledged(revoked)) {
      LOG.warn(
          "Consumer loop {}: giving up unacknowledged batches of revoked {}; they will be read again",
          name,
          revoked);
    }
    forgetUnacknowledged(revoked);
  }

  private boolean touchesUnacknowledged(Collection<TopicPartition> partitions) {
    return unacknowledged.stream().anyMatch(waiting -> waiting.touches(partitions));
  }

  private void awaitProgress(long deadlineNanos) {
    long now = System.nanoTime();
    long waitNanos = deadlineNanos - now;
    if (batch.backingOff(now)) {
      waitNanos = Math.min(waitNanos, batch.backoffRemainingNanos(now));
    } else if (batch.pending != null) {
      try {
        batch.pending.get(waitNanos, TimeUnit.NANOSECONDS);
      } catch (ExecutionException | TimeoutException | CancellationException e) {
        // The outcome is examined by the next advance.
      } catch (InterruptedException e) {
        requestStopFromPollThread();
      }
      return;
    }
    sleepUnlessClosing(Duration.ofNanos(Math.max(0, waitNanos)));
  }

  private void dropFromBatch(Collection<TopicPartition> partitions) {
    if (batch == null) {
      return;
    }
    batch.drop(partitions);
    if (batch.abandoned()) {
      batch = null;
      consumer.resume(consumer.paused());
    }
  }

  private Map<TopicPartition, Long> startPositions(Collection<TopicPartition> assigned) {
    long deadline = System.nanoTime() + rebalanceBudget.toNanos();
    for (int attempt = 1; ; attempt++) {
      try {
        return assignmentHook.startPositions(assigned);
      } catch (RuntimeException e) {
        boolean transientFailure =
            FailureClassifier.classify(e, Stage.ASSIGN) == FailureClass.TRANSIENT;
        Duration delay = backoff.delay(attempt, ThreadLocalRandom.current().nextDouble());
        if (!transientFailure || System.nanoTime() + delay.toNanos() - deadline > 0) {
          throw new LoopFailure(name, Stage.ASSIGN, e);
        }
        metrics.retried(Stage.ASSIGN);
        LOG.warn(
            "Consumer loop {}: start positions failed, retry {} in {} ms: {}",
            name,
            attempt,
            delay.toMillis(),
            FailureClassifier.describe(e));
        sleepUnlessClosing(delay);
      }
    }
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  /**
   * A finished batch waiting for its output's acknowledgements: the positions to commit after them
   * and, should they fail, the positions to read the batch again from. Poll thread only.
   */
  private record Unacknowledged(
      Map<TopicPartition, OffsetAndMetadata> commit,
      Map<TopicPartition, Long> replayFrom,
      CompletableFuture<Void> acknowledged) {

    boolean touches(Collection<TopicPartition> partitions) {
      return partitions.stream().anyMatch(commit::containsKey);
    }

    void forget(Collection<TopicPartition> partitions) {
      commit.keySet().removeAll(partitions);
      replayFrom.keySet().removeAll(partitions);
    }
  }

  /** Runs inside {@code poll} on the poll thread. Fatal failures stop the loop after the poll. */
  private final class RebalanceListener implements ConsumerRebalanceListener {

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      if (partitions.isEmpty()) {
        return;
      }
      LOG.info("Consumer loop {}: partitions revoked {}", name, partitions);
      guarded(
          () -> {
            settleBeforeRevocation(partitions);
            settleAsyncCommits(partitions);
            tellHook(hook -> hook.revoked(partitions));
          });
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      LOG.warn("Consumer loop {}: partitions lost {}", name, partitions);
      guarded(
          () -> {
            dropFromBatch(partitions);
            forgetUnacknowledged(partitions);
            forgetAsyncCommits(partitions);
            tellHook(hook -> hook.lost(partitions));
          });
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      LOG.info("Consumer loop {}: partitions assigned {}", name, partitions);
      guarded(
          () -> {
            if (assignmentHook != null && !partitions.isEmpty()) {
              startPositions(partitions)
                  .forEach(
                      (tp, offset) -> {
                        if (partitions.contains(tp)) {
                          consumer.seek(tp, offset);
                        } else {
                          LOG.warn("Consumer loop {}: ignoring start position of {}", name, tp);
                        }
                      });
            }
            if (batch != null || !unacknowledged.isEmpty()) {
              consumer.pause(partitions); // the next poll resumes them when the loop is not busy
            }
          });
    }

    private void tellHook(java.util.function.Consumer<AssignmentHook> message) {
      if (assignmentHook != null) {
        message.accept(assignmentHook);
      }
    }

    private void guarded(Runnable action) {
      try {
        action.run();
      } catch (LoopFailure e) {
        rebalanceFailure = e;
      } catch (RuntimeException e) {
        rebalanceFailure = new LoopFailure(name, Stage.POLL, e);
      }
    }
  }
}
