package io.pullproof.kafka;

import static io.pullproof.kafka.TestConsumer.TP0;
import static io.pullproof.kafka.TestConsumer.TP1;
import static io.pullproof.kafka.TestConsumer.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.RetriableCommitFailedException;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.NetworkException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ConsumerLoopTest {

  private static final String DEAD_LETTERS = "pullproof.dead-letters";
  private static final BackoffPolicy FAST_BACKOFF =
      new BackoffPolicy(Duration.ofMillis(50), Duration.ofMillis(200), 2.0, 0.0);

  private final TestConsumer consumer = new TestConsumer();
  private final MockProducer<byte[], byte[]> deadLetterProducer =
      new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final TestDeserializer deserializer = new TestDeserializer();
  private final ScriptedHandler handler = new ScriptedHandler();
  private final List<CompletableFuture<Void>> acknowledgements = new CopyOnWriteArrayList<>();
  private ConsumerLoop<String> loop;

  @AfterEach
  void closeLoop() {
    acknowledgements.forEach(ack -> ack.complete(null)); // or close waits for them
    if (loop != null) {
      loop.close();
    }
  }

  @Test
  void commitsOnlyAfterTheHandlerSucceeded() {
    CompletableFuture<BatchResult> handling =
        startWithFirstBatchInFlight(b -> b, record(TP0, 0, "a"), record(TP0, 1, "b"));

    Eventually.pause(Duration.ofMillis(100));
    assertThat(consumer.committedOffset(TP0)).isNull();

    handling.complete(BatchResult.allHandled());

    awaitCommitted(TP0, 2);
    assertThat(handler.valuesPerCall()).containsExactly(List.of("a", "b"));
    assertThat(
            registry
                .counter(
                    KafkaMetrics.RECORDS_CONSUMED, "consumer", "test", "topic", TestConsumer.TOPIC)
                .count())
        .isEqualTo(2.0);
  }

  @Test
  void undecodableRecordIsDeadLetteredWithItsRawBytesWhileItsNeighboursAreHandledAndCommitted() {
    start(b -> b);
    consumer.assignOnNextPoll(TP0);
    consumer.deliverOnNextPoll(
        record(TP0, 0, "a"), record(TP0, 1, "!garbage"), record(TP0, 2, "c"));

    awaitCommitted(TP0, 3);

    assertThat(handler.valuesPerCall()).containsExactly(List.of("a", "c"));
    assertThat(deadLetterProducer.history()).hasSize(1);
    ProducerRecord<byte[], byte[]> letter = deadLetterProducer.history().get(0);
    assertThat(letter.topic()).isEqualTo(DEAD_LETTERS);
    assertThat(letter.key()).isEqualTo("key-1".getBytes(StandardCharsets.UTF_8));
    assertThat(letter.value()).isEqualTo("!garbage".getBytes(StandardCharsets.UTF_8));
    assertThat(header(letter, DeadLetterPublisher.HEADER_REASON)).isEqualTo("UNDECODABLE");
    assertThat(header(letter, DeadLetterPublisher.HEADER_DETAIL)).contains("Unknown magic byte");
    assertThat(header(letter, DeadLetterPublisher.HEADER_TOPIC)).isEqualTo(TestConsumer.TOPIC);
    assertThat(header(letter, DeadLetterPublisher.HEADER_PARTITION)).isEqualTo("0");
    assertThat(header(letter, DeadLetterPublisher.HEADER_OFFSET)).isEqualTo("1");
    assertThat(header(letter, "event_id")).as("original headers are kept").isEqualTo("e-1");
    assertThat(deadLettered("UNDECODABLE")).isEqualTo(1.0);
  }

  @Test
  void nullValueIsDeadLetteredAsEmptyValue() {
    start(b -> b);
    consumer.assignOnNextPoll(TP0);
    consumer.deliverOnNextPoll(record(TP0, 0, null), record(TP0, 1, "b"));

    awaitCommitted(TP0, 2);

    assertThat(handler.valuesPerCall()).containsExactly(List.of("b"));
    assertThat(header(deadLetterProducer.history().get(0), DeadLetterPublisher.HEADER_REASON))
        .isEqualTo("EMPTY_VALUE");
  }

  @Test
  void handlerRejectedRecordIsDeadLetteredWithItsReason() {
    handler.answer(
        batch ->
            CompletableFuture.completedFuture(
                BatchResult.rejecting(
                    List.of(
                        new BatchResult.Rejection(
                            batch.records().get(1),
                            DeadLetterReason.INVALID_FIELD,
                            "imageDigest 'latest' is not a digest")))));
    start(b -> b);
    consumer.assignOnNextPoll(TP0);
    consumer.deliverOnNextPoll(record(TP0, 0, "a"), record(TP0, 1, "b"), record(TP0, 2, "c"));

    awaitCommitted(TP0, 3);

    assertThat(deadLetterProducer.history()).hasSize(1);
    ProducerRecord<byte[], byte[]> letter = deadLetterProducer.history().get(0);
    assertThat(letter.value()).isEqualTo("b".getBytes(StandardCharsets.UTF_8));
    assertThat(header(letter, DeadLetterPublisher.HEADER_REASON)).isEqualTo("INVALID_FIELD");
    assertThat(header(letter, DeadLetterPublisher.HEADER_DETAIL))
        .isEqualTo("imageDigest 'latest' is not a digest");
    assertThat(header(letter, DeadLetterPublisher.HEADER_OFFSET)).isEqualTo("1");
    assertThat(deadLettered("INVALID_FIELD")).isEqualTo(1.0);
  }

  @Test
  void handlerFailureOnOneRecordIsIsolatedAndOnlyThatRecordIsDeadLettered() {
    handler.answer(
        batch -> {
          boolean poisoned = batch.records().stream().anyMatch(r -> r.value().equals("boom"));
          return poisoned
              ? CompletableFuture.failedFuture(new IllegalStateException("cannot map boom"))
              : CompletableFuture.completedFuture(BatchResult.allHandled());
        });
    start(b -> b);
    consumer.assignOnNextPoll(TP0);
    consumer.deliverOnNextPoll(record(TP0, 0, "a"), record(TP0, 1, "boom"), record(TP0, 2, "c"));

    awaitCommitted(TP0, 3);

    assertThat(handler.valuesPerCall())
        .containsExactly(List.of("a", "boom", "c"), List.of("a"), List.of("boom"), List.of("c"));
    assertThat(handler.calls().get(1).nextOffsets()).isEqualTo(Map.of(TP0, 1L));
    assertThat(deadLetterProducer.history()).hasSize(1);
    ProducerRecord<byte[], byte[]> letter = deadLetterProducer.history().get(0);
    assertThat(header(letter, DeadLetterPublisher.HEADER_REASON)).isEqualTo("HANDLER_FAILED");
    assertThat(header(letter, DeadLetterPublisher.HEADER_DETAIL)).contains("cannot map boom");
  }

  @Test
  void transientFailureIsRetriedWithBackoffAndEveryRecordIsHandledOnceWithoutSkipping() {
    List<Long> callTimes = new CopyOnWriteArrayList<>();
    handler.answer(
        batch -> {
          callTimes.add(System.nanoTime());
          return callTimes.size() <= 2
              ? CompletableFuture.failedFuture(
                  new SQLTransientConnectionException("connection refused", "08001"))
              : CompletableFuture.completedFuture(BatchResult.allHandled());
        });
    start(b -> b.backoff(FAST_BACKOFF));
    consumer.assignOnNextPoll(TP0, TP1);
    consumer.deliverOnNextPoll(record(TP0, 0, "a"), record(TP0, 1, "b"), record(TP1, 0, "c"));

    awaitCommitted(TP0, 2);

    assertThat(handler.valuesPerCall())
        .as("the same batch, three times, nothing skipped")
        .hasSize(3)
        .allSatisfy(values -> assertThat(values).containsExactlyInAnyOrder("a", "b", "c"));
    assertThat(consumer.committedOffset(TP1)).isEqualTo(1L);
    assertThat(callTimes.get(1) - callTimes.get(0)).isGreaterThanOrEqualTo(msToNanos(50));
    assertThat(callTimes.get(2) - callTimes.get(1)).isGreaterThanOrEqualTo(msToNanos(100));
    assertThat(
            registry.counter(KafkaMetrics.RETRIES, "consumer", "test", "stage", "handle").count())
        .isEqualTo(2.0);
    assertThat(deadLetterProducer.history()).isEmpty();
  }

  @Test
  void registryOutageWhileDecodingIsRetriedInsteadOfDeadLettering() {
    deserializer.registryDownFor.set(2);
    start(b -> b.backoff(FAST_BACKOFF));
    consumer.assignOnNextPoll(TP0);
    consumer.deliverOnNextPoll(record(TP0, 0, "a"), record(TP0, 1, "b"));

    awaitCommitted(TP0, 2);

    assertThat(handler.valuesPerCall()).containsExactly(List.of("a", "b"));
    assertThat(deadLetterProducer.history()).isEmpty();
    assertThat(
            registry.counter(KafkaMetrics.RETRIES, "consumer", "test", "stage", "decode").count())
        .isEqualTo(2.0);
  }

  @Test
  void fatalPollFailureStopsTheLoopAndIsReported() {
    start(b -> b);
    consumer.assignOnNextPoll(TP0);
    consumer.schedulePollTask(
        () -> consumer.setPollException(new AuthenticationException("SASL authentication failed")));

    // isRunning() turns false before the loop thread closes its clients: wait for both.
    Eventually.await("the loop stopped and closed its clients",
        () -> !loop.isRunning() && consumer.closed() && deserializer.closed);

    assertThat(loop.failure()).get().isInstanceOf(AuthenticationException.class);
    assertThat(consumer.closed()).isTrue();
    assertThat(deserializer.closed).isTrue();
  }

  @Test
  void fatalHandlerFailureStopsTheLoopWithoutCommittingOrDeadLettering() {
    handler.answer(
        batch -> CompletableFuture.failedFuture(new TopicAuthorizationException("not allowed")));
    start(b -> b);
    consumer.assignOnNextPoll(TP0);
    consumer.deliverOnNextPoll(record(TP0, 0, "a"));

    Eventually.await("the loop stopped", () -> !loop.isRunning());

    assertThat(loop.failure()).get().isInstanceOf(TopicAuthorizationException.class);
    assertThat(consumer.committedOffset(TP0)).isNull();
    assertThat(deadLetterProducer.history()).isEmpty();
  }

  @Test
  void partitionsArePausedWhileABatchIsInFlightAndResumedAfter() {
    CompletableFuture<BatchResult> first = startWithFirstBatchInFlight(b -> b, record(TP0, 0, "a"));

    Eventually.await("all partitions are paused", () -> consumer.paused().equals(Set.of(TP0, TP1)));
    consumer.deliverOnNextPoll(record(TP0, 1, "b"));
    Eventually.pause(Duration.ofMillis(100));
    assertThat(handler.calls()).as("no second batch while the first is in flight").hasSize(1);

    handler.answer(batch -> CompletableFuture.completedFuture(BatchResult.allHandled()));
    first.complete(BatchResult.allHandled());

    Eventually.await("the waiting record is handled", () -> handler.calls().size() == 2);
    assertThat(handler.valuesPerCall().get(1)).containsExactly("b");
    awaitCommitted(TP0, 2);
    Eventually.await("partitions are resumed", () -> consumer.paused().isEmpty());
  }

  @Test
  void commitWaitsUntilTheDeadLetterIsAcknowledgedAndATransientSendFailureIsRetried() {
    MockProducer<byte[], byte[]> manual =
        new MockProducer<>(false, null, new ByteArraySerializer(), new ByteArraySerializer());
    start(b -> b.backoff(FAST_BACKOFF).deadLetters(manual, DEAD_LETTERS));
    consumer.assignOnNextPoll(TP0);
    consumer.deliverOnNextPoll(record(TP0, 0, "!bad"), record(TP0, 1, "b"));

    Eventually.await("a dead letter is sent", () -> manual.history().size() == 1);
    manual.errorNext(new NetworkException("broker unreachable"));
    Eventually.await("the dead letter is sent again", () -> manual.history().size() == 2);
    assertThat(consumer.committedOffset(TP0)).isNull();

    manual.completeNext();

    awaitCommitted(TP0, 2);
    assertThat(deadLettered("UNDECODABLE")).isEqualTo(1.0);
  }

  @Test
  void closeFinishesTheInFlightBatchAndCommitsIt() throws Exception {
    CompletableFuture<BatchResult> handling =
        startWithFirstBatchInFlight(b -> b, record(TP0, 0, "a"), record(TP0, 1, "b"));

    CompletableFuture<Void> closing = CompletableFuture.runAsync(loop::close);
    Eventually.pause(Duration.ofMillis(100));
    assertThat(closing).isNotDone();
    assertThat(consumer.closed()).isFalse();

    handling.complete(BatchResult.allHandled());
    closing.get();

    assertThat(consumer.committedOffset(TP0)).isEqualTo(2L);
    assertThat(consumer.closed()).isTrue();
    assertThat(loop.isRunning()).isFalse();
    assertThat(loop.failure()).isEmpty();
  }

  @Test
  void closeIsIdempotentAndAClosedLoopCannotStart() {
    start(b -> b);
    consumer.assignOnNextPoll(TP0);

    loop.close();
    loop.close();

    assertThat(consumer.closed()).isTrue();
    assertThatThrownBy(loop::start).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void revokedPartitionGetsItsInFlightBatchCommittedBeforeTheHandOver() {
    List<Long> committedWhenRevoked = new CopyOnWriteArrayList<>();
    AssignmentHook hook = recordingCommittedOnRevocation(committedWhenRevoked);
    CompletableFuture<BatchResult> handling =
        startWithFirstBatchInFlight(b -> b.assignmentHook(hook), record(TP0, 0, "a"));

    consumer.schedulePollTask(() -> consumer.rebalance(List.of(TP1)));
    Eventually.pause(Duration.ofMillis(100));
    handling.complete(BatchResult.allHandled());

    Eventually.await("the hook heard of the revocation", () -> !committedWhenRevoked.isEmpty());
    assertThat(committedWhenRevoked).containsExactly(1L);
  }

  @Test
  void externalOffsetStorageStartsWhereTheHookSaysAndNeverCommitsToKafka() {
    AssignmentHook hook = assigned -> Map.of(TP0, 5L);
    start(b -> b.offsetStorage(OffsetStorage.EXTERNAL).assignmentHook(hook));
    consumer.assignOnNextPoll(TP0);
    consumer.deliverOnNextPoll(
        record(TP0, 3, "already stored"), record(TP0, 5, "f"), record(TP0, 6, "g"));

    Eventually.await("the handler got the batch", () -> handler.calls().size() == 1);
    Eventually.pause(Duration.ofMillis(50));

    assertThat(handler.valuesPerCall()).containsExactly(List.of("f", "g"));
    assertThat(handler.calls().get(0).nextOffsets()).isEqualTo(Map.of(TP0, 7L));
    assertThat(consumer.committedOffset(TP0)).isNull();
  }

  @Test
  void asyncOffsetStorageFetchesTheNextBatchWithoutWaitingForTheCommit() {
    handler.answer(batch -> CompletableFuture.completedFuture(BatchResult.allHandled()));
    start(b -> b.offsetStorage(OffsetStorage.KAFKA_ASYNC));
    consumer.assignOnNextPoll(TP0, TP1);
    consumer.deliverOnNextPoll(record(TP0, 0, "a"), record(TP0, 1, "b"));
    Eventually.await("the first batch was handed to commitAsync",
        () -> Long.valueOf(2).equals(consumer.asyncCommittedOffset(TP0)));

    // The broker has not answered that commit, and the loop goes on regardless.
    consumer.deliverOnNextPoll(record(TP0, 2, "c"));
    Eventually.await("the second batch was handled", () -> handler.calls().size() == 2);
    consumer.deliverOnNextPoll(record(TP0, 3, "d"));
    Eventually.await("the third batch was handled", () -> handler.calls().size() == 3);
    Eventually.pause(Duration.ofMillis(50));
    assertThat(consumer.asyncCommittedOffset(TP0)).as("one commit in flight at a time").isEqualTo(2L);

    // When it is answered, the newest position goes out in one commit.
    consumer.answerAsyncCommitsOnNextPoll();
    Eventually.await("the newest position was handed to commitAsync",
        () -> Long.valueOf(4).equals(consumer.asyncCommittedOffset(TP0)));
    assertThat(handler.valuesPerCall()).containsExactly(List.of("a", "b"), List.of("c"), List.of("d"));
    assertThat(consumer.committedOffset(TP0)).as("nothing committed synchronously yet").isNull();
  }

  @Test
  void asyncOffsetStorageCommitsSynchronouslyOnRevocationAndOnClose() {
    List<Long> committedWhenRevoked = new CopyOnWriteArrayList<>();
    AssignmentHook hook = recordingCommittedOnRevocation(committedWhenRevoked);
    handler.answer(batch -> CompletableFuture.completedFuture(BatchResult.allHandled()));
    start(b -> b.offsetStorage(OffsetStorage.KAFKA_ASYNC).assignmentHook(hook));
    consumer.assignOnNextPoll(TP0, TP1);
    consumer.deliverOnNextPoll(record(TP0, 0, "a"), record(TP1, 0, "b"), record(TP1, 1, "c"));
    Eventually.await("the batch was handed to commitAsync",
        () -> Long.valueOf(2).equals(consumer.asyncCommittedOffset(TP1)));

    consumer.schedulePollTask(() -> consumer.rebalance(List.of(TP1)));
    Eventually.await("the hook heard of the revocation", () -> !committedWhenRevoked.isEmpty());
    assertThat(committedWhenRevoked).as("TP0's position, committed before the hand-over").containsExactly(1L);
    assertThat(consumer.committedOffset(TP1)).as("TP1 stays with this member").isNull();

    loop.close();
    assertThat(consumer.committedOffset(TP1)).isEqualTo(2L);
  }

  @Test
  void failedAsyncCommitIsCountedAndTheLoopGoesOn() {
    consumer.failAsyncCommits(new RetriableCommitFailedException("broker busy"));
    handler.answer(batch -> CompletableFuture.completedFuture(BatchResult.allHandled()));
    start(b -> b.offsetStorage(OffsetStorage.KAFKA_ASYNC));
    consumer.assignOnNextPoll(TP0);
    consumer.deliverOnNextPoll(record(TP0, 0, "a"));
    Eventually.await("the failure was counted", () -> registry
        .counter(KafkaMetrics.ASYNC_COMMIT_FAILURES, "consumer", "test").count() == 1.0);
    consumer.deliverOnNextPoll(record(TP0, 1, "b"));
    Eventually.await("the next batch was handled", () -> handler.calls().size() == 2);
    assertThat(loop.isRunning()).isTrue();
  }

  @Test
  void asyncOffsetStorageHandsOverTheNextBatchBeforeTheAcknowledgementsAndCommitsInOrder() {
    List<CompletableFuture<Void>> acks = answerWithPendingAcknowledgements();
    start(b -> b.offsetStorage(OffsetStorage.KAFKA_ASYNC));
    consumer.assignOnNextPoll(TP0, TP1);
    consumer.deliverOnNextPoll(record(TP0, 0, "a"), record(TP0, 1, "b"));
    Eventually.await("the first batch was handled", () -> handler.calls().size() == 1);

    consumer.deliverOnNextPoll(record(TP0, 2, "c"));
    Eventually.await("the second batch was handled before the first was acknowledged",
        () -> handler.calls().size() == 2);

    acks.get(1).complete(null);
    Eventually.pause(Duration.ofMillis(50));
    assertThat(consumer.asyncCommittedOffset(TP0))
        .as("the second batch waits for the first one's acknowledgements").isNull();

    acks.get(0).complete(null);
    Eventually.await("the first batch's position was committed",
        () -> Long.valueOf(2).equals(consumer.asyncCommittedOffset(TP0)));
    consumer.answerAsyncCommitsOnNextPoll();
    Eventually.await("then the second's",
        () -> Long.valueOf(3).equals(consumer.asyncCommittedOffset(TP0)));
    assertThat(handler.valuesPerCall()).containsExactly(List.of("a", "b"), List.of("c"));
  }

  @Test
  void atTheLimitOfUnacknowledgedBatchesTheLoopWaitsForTheOldest() {
    List<CompletableFuture<Void>> acks =
        startPipelinedWithFirstBatchSent(b -> b.maxUnacknowledgedBatches(1), record(TP0, 0, "a"));

    consumer.deliverOnNextPoll(record(TP0, 1, "b"));
    Eventually.pause(Duration.ofMillis(100));
    assertThat(handler.calls()).as("one batch unacknowledged is the limit").hasSize(1);

    acks.get(0).complete(null);
    Eventually.await("the next batch was handled", () -> handler.calls().size() == 2);
    assertThat(consumer.asyncCommittedOffset(TP0)).isEqualTo(1L);
    var stalls = registry.timer(KafkaMetrics.ACKNOWLEDGEMENT_STALLS, "consumer", "test");
    assertThat(stalls.count()).as("one stop at the limit").isEqualTo(1);
    assertThat(stalls.totalTime(TimeUnit.MILLISECONDS)).isGreaterThanOrEqualTo(100.0);
  }

  @Test
  void failedAcknowledgementReadsThePartitionAgainAndThenWaitsForTheAcknowledgements() {
    List<CompletableFuture<Void>> acks =
        startPipelinedWithFirstBatchSent(b -> b, record(TP0, 0, "a"), record(TP0, 1, "b"));
    consumer.deliverOnNextPoll(record(TP0, 2, "c"));
    Eventually.await("the second batch was handled", () -> handler.calls().size() == 2);

    acks.get(0).completeExceptionally(new NetworkException("broker went away"));
    // A real broker serves the records again after the seek; the mock needs them delivered again.
    consumer.deliverOnNextPoll(record(TP0, 0, "a"), record(TP0, 1, "b"), record(TP0, 2, "c"));
    Eventually.await("the records were handled again", () -> handler.calls().size() == 3);
    assertThat(handler.valuesPerCall().get(2)).containsExactly("a", "b", "c");
    assertThat(registry.counter(KafkaMetrics.RETRIES, "consumer", "test", "stage", "handle").count())
        .isEqualTo(1.0);

    // The second batch's late acknowledgement commits nothing: its records were read again.
    acks.get(1).complete(null);
    consumer.deliverOnNextPoll(record(TP0, 3, "d"));
    Eventually.pause(Duration.ofMillis(100));
    assertThat(handler.calls()).as("the records read again wait for their acknowledgements").hasSize(3);
    assertThat(consumer.asyncCommittedOffset(TP0)).isNull();

    acks.get(2).complete(null);
    Eventually.await("the next batch was handled", () -> handler.calls().size() == 4);
    assertThat(consumer.asyncCommittedOffset(TP0)).isEqualTo(3L);
    assertThat(handler.valuesPerCall().get(3)).containsExactly("d");
  }

  @Test
  void fatalAcknowledgementFailureStopsTheLoop() {
    List<CompletableFuture<Void>> acks =
        startPipelinedWithFirstBatchSent(b -> b, record(TP0, 0, "a"));

    acks.get(0).completeExceptionally(new TopicAuthorizationException("verdicts"));
    Eventually.await("the loop stopped", () -> !loop.isRunning());
    assertThat(loop.failure()).get().isInstanceOf(TopicAuthorizationException.class);
    assertThat(consumer.asyncCommittedOffset(TP0)).isNull();
  }

  @Test
  void closeWaitsForTheAcknowledgementsAndCommitsThem() {
    List<CompletableFuture<Void>> acks =
        startPipelinedWithFirstBatchSent(b -> b, record(TP0, 0, "a"), record(TP0, 1, "b"));

    CompletableFuture<Void> closing = CompletableFuture.runAsync(loop::close);
    Eventually.pause(Duration.ofMillis(100));
    assertThat(closing).as("close waits for the acknowledgements").isNotDone();

    acks.get(0).complete(null);
    closing.join();
    assertThat(consumer.committedOffset(TP0)).isEqualTo(2L);
  }

  @Test
  void revocationWaitsForTheAcknowledgementsOfTheRevokedPartitions() {
    List<Long> committedWhenRevoked = new CopyOnWriteArrayList<>();
    AssignmentHook hook = recordingCommittedOnRevocation(committedWhenRevoked);
    List<CompletableFuture<Void>> acks = answerWithPendingAcknowledgements();
    start(b -> b.offsetStorage(OffsetStorage.KAFKA_ASYNC).assignmentHook(hook));
    consumer.assignOnNextPoll(TP0, TP1);
    consumer.deliverOnNextPoll(record(TP0, 0, "a"), record(TP0, 1, "b"));
    Eventually.await("the batch was handled", () -> handler.calls().size() == 1);

    consumer.schedulePollTask(() -> consumer.rebalance(List.of(TP1)));
    Eventually.pause(Duration.ofMillis(100));
    assertThat(committedWhenRevoked).as("the revocation waits").isEmpty();

    acks.get(0).complete(null);
    Eventually.await("the hook heard of the revocation", () -> !committedWhenRevoked.isEmpty());
    assertThat(committedWhenRevoked).as("TP0's position, committed before the hand-over").containsExactly(2L);
  }

  @Test
  void synchronousOffsetStorageWaitsForTheAcknowledgementsBeforeCommittingAndFetching() {
    List<CompletableFuture<Void>> acks = answerWithPendingAcknowledgements();
    start(b -> b);
    consumer.assignOnNextPoll(TP0);
    consumer.deliverOnNextPoll(record(TP0, 0, "a"));
    Eventually.await("the batch was handled", () -> handler.calls().size() == 1);
    consumer.deliverOnNextPoll(record(TP0, 1, "b"));
    Eventually.pause(Duration.ofMillis(100));
    assertThat(handler.calls()).hasSize(1);
    assertThat(consumer.committedOffset(TP0)).isNull();

    acks.get(0).complete(null);
    awaitCommitted(TP0, 1);
    Eventually.await("the next batch was handled", () -> handler.calls().size() == 2);
  }

  /** Starts a {@link OffsetStorage#KAFKA_ASYNC} loop on TP0 and waits until it handled the records. */
  @SafeVarargs
  private List<CompletableFuture<Void>> startPipelinedWithFirstBatchSent(
      UnaryOperator<ConsumerLoopBuilder<String>> customise,
      ConsumerRecord<byte[], byte[]>... records) {
    List<CompletableFuture<Void>> acks = answerWithPendingAcknowledgements();
    start(b -> customise.apply(b.offsetStorage(OffsetStorage.KAFKA_ASYNC)));
    consumer.assignOnNextPoll(TP0);
    consumer.deliverOnNextPoll(records);
    Eventually.await("the handler got the first batch", () -> handler.calls().size() == 1);
    return acks;
  }

  /** Every call's output is "sent"; the returned list holds each call's acknowledgement, in order. */
  private List<CompletableFuture<Void>> answerWithPendingAcknowledgements() {
    handler.answer(batch -> {
      CompletableFuture<Void> ack = new CompletableFuture<>();
      acknowledgements.add(ack);
      return CompletableFuture.completedFuture(BatchResult.sent(List.of(), ack));
    });
    return acknowledgements;
  }

  @Test
  void builderNamesTheMissingSetting() {
    assertThatThrownBy(() -> ConsumerLoop.<String>builder("x").consumer(consumer).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("topics");
    assertThatThrownBy(() -> baseBuilder().offsetStorage(OffsetStorage.EXTERNAL).build())
        .hasMessageContaining("assignmentHook");
    assertThatThrownBy(() -> baseBuilder().maxUnacknowledgedBatches(0).build())
        .hasMessageContaining("maxUnacknowledgedBatches=0");
    assertThatThrownBy(() -> ConsumerLoop.builder("bad name")).hasMessageContaining("'bad name'");
  }

  /** Starts the loop with TP0 and TP1 assigned; the first batch stays in flight until completed. */
  @SafeVarargs
  private CompletableFuture<BatchResult> startWithFirstBatchInFlight(
      UnaryOperator<ConsumerLoopBuilder<String>> customise,
      ConsumerRecord<byte[], byte[]>... records) {
    CompletableFuture<BatchResult> handling = new CompletableFuture<>();
    handler.answer(batch -> handling);
    start(customise);
    consumer.assignOnNextPoll(TP0, TP1);
    consumer.deliverOnNextPoll(records);
    Eventually.await("the handler got the first batch", () -> handler.calls().size() == 1);
    return handling;
  }

  /** A hook that notes TP0's committed (synchronous) offset each time partitions are revoked. */
  private AssignmentHook recordingCommittedOnRevocation(List<Long> committedWhenRevoked) {
    return new AssignmentHook() {
      @Override
      public Map<TopicPartition, Long> startPositions(Collection<TopicPartition> assigned) {
        return Map.of();
      }

      @Override
      public void revoked(Collection<TopicPartition> partitions) {
        committedWhenRevoked.add(consumer.committedOffset(TP0));
      }
    };
  }

  private void awaitCommitted(TopicPartition tp, long offset) {
    Eventually.await(
        "offset " + offset + " of " + tp + " is committed",
        () -> Long.valueOf(offset).equals(consumer.committedOffset(tp)));
  }

  private void start(UnaryOperator<ConsumerLoopBuilder<String>> customise) {
    loop = customise.apply(baseBuilder()).build();
    loop.start();
  }

  private ConsumerLoopBuilder<String> baseBuilder() {
    return ConsumerLoop.<String>builder("test")
        .consumer(consumer)
        .topics(TestConsumer.TOPIC)
        .deserializer(deserializer)
        .handler(handler)
        .deadLetters(deadLetterProducer, DEAD_LETTERS)
        .meterRegistry(registry)
        .pollTimeout(Duration.ofMillis(50))
        .pausedPollTimeout(Duration.ofMillis(20))
        .closeTimeout(Duration.ofSeconds(5));
  }

  private double deadLettered(String reason) {
    return registry
        .counter(KafkaMetrics.RECORDS_DEADLETTERED, "consumer", "test", "reason", reason)
        .count();
  }

  private static String header(ProducerRecord<byte[], byte[]> record, String key) {
    Header header = record.headers().lastHeader(key);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }

  private static long msToNanos(long millis) {
    return Duration.ofMillis(millis).toNanos();
  }
}
