package io.pullproof.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetCommitCallback;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;

/**
 * A {@link MockConsumer} whose empty polls take a little time, as a real consumer's do, so the loop
 * under test does not spin; plus helpers to script assignments and records.
 */
final class TestConsumer extends MockConsumer<byte[], byte[]> {

  static final String TOPIC = "pullproof.pulls";
  static final TopicPartition TP0 = new TopicPartition(TOPIC, 0);
  static final TopicPartition TP1 = new TopicPartition(TOPIC, 1);

  private final Map<TopicPartition, Long> committed = new ConcurrentHashMap<>();
  private final Map<TopicPartition, Long> committedAsync = new ConcurrentHashMap<>();
  private final List<Runnable> unansweredAsyncCommits = new CopyOnWriteArrayList<>();
  private volatile RuntimeException asyncCommitFailure;

  TestConsumer() {
    super("earliest");
  }

  @Override
  public ConsumerRecords<byte[], byte[]> poll(Duration timeout) {
    ConsumerRecords<byte[], byte[]> records = super.poll(timeout);
    if (records.isEmpty()) {
      try {
        Thread.sleep(Math.min(5, timeout.toMillis()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    return records;
  }

  /** On the next poll, assigns the partitions (running the rebalance listener), offsets from 0. */
  void assignOnNextPoll(TopicPartition... partitions) {
    schedulePollTask(
        () -> {
          Map<TopicPartition, Long> beginning = new HashMap<>();
          for (TopicPartition tp : partitions) {
            beginning.put(tp, 0L);
          }
          updateBeginningOffsets(beginning);
          rebalance(List.of(partitions));
        });
  }

  /** On a later poll, makes the records available together, so they form one batch. */
  @SafeVarargs
  final void deliverOnNextPoll(ConsumerRecord<byte[], byte[]>... records) {
    schedulePollTask(
        () -> {
          for (ConsumerRecord<byte[], byte[]> record : records) {
            addRecord(record);
          }
        });
  }

  @Override
  public synchronized void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
    super.commitSync(offsets);
    offsets.forEach((tp, offset) -> committed.put(tp, offset.offset()));
  }

  /**
   * Records the positions without committing them and never calls the callback back, as a broker
   * holding the commit would; unless {@link #failAsyncCommits} is set, then it fails at once.
   */
  @Override
  public synchronized void commitAsync(
      Map<TopicPartition, OffsetAndMetadata> offsets, OffsetCommitCallback callback) {
    RuntimeException failure = asyncCommitFailure;
    if (failure != null) {
      callback.onComplete(offsets, failure);
      return;
    }
    offsets.forEach((tp, offset) -> committedAsync.put(tp, offset.offset()));
    unansweredAsyncCommits.add(() -> callback.onComplete(offsets, null));
  }

  /** On the next poll (the loop's thread, as Kafka does), completes every commit held so far. */
  void answerAsyncCommitsOnNextPoll() {
    schedulePollTask(
        () -> {
          List<Runnable> answers = List.copyOf(unansweredAsyncCommits);
          unansweredAsyncCommits.clear();
          answers.forEach(Runnable::run);
        });
  }

  void failAsyncCommits(RuntimeException failure) {
    asyncCommitFailure = failure;
  }

  /** The last offset handed to {@code commitAsync} for {@code tp}, or null. */
  Long asyncCommittedOffset(TopicPartition tp) {
    return committedAsync.get(tp);
  }

  /** The last offset committed for {@code tp}, or null; readable after close, unlike the mock's. */
  Long committedOffset(TopicPartition tp) {
    return committed.get(tp);
  }

  static ConsumerRecord<byte[], byte[]> record(TopicPartition tp, long offset, String value) {
    RecordHeaders headers = new RecordHeaders();
    headers.add("event_id", ("e-" + offset).getBytes(StandardCharsets.UTF_8));
    return new ConsumerRecord<>(
        tp.topic(),
        tp.partition(),
        offset,
        1_700_000_000_000L + offset,
        TimestampType.CREATE_TIME,
        -1,
        -1,
        ("key-" + offset).getBytes(StandardCharsets.UTF_8),
        value == null ? null : value.getBytes(StandardCharsets.UTF_8),
        headers,
        Optional.empty());
  }
}
