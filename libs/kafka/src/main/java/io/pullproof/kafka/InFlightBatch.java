package io.pullproof.kafka;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The records of one poll on their way from decoding to commit; see {@link BatchProcessor} for the
 * phases. Touched only by the poll thread, except the acknowledgement flags of dead letters.
 */
final class InFlightBatch<V> {

  /** Where the batch is; each phase may be retried after a transient failure. */
  enum Phase {
    DECODING,
    HANDLING,
    DEAD_LETTERING,
    COMMITTING,
    DONE
  }

  /** A record to dead-letter; {@code acknowledged} is set by the producer's I/O thread. */
  static final class DeadLetter {
    final ConsumerRecord<byte[], byte[]> source;
    final DeadLetterReason reason;
    final String detail;
    volatile boolean acknowledged;

    DeadLetter(ConsumerRecord<byte[], byte[]> source, DeadLetterReason reason, String detail) {
      this.source = source;
      this.reason = reason;
      this.detail = detail;
    }

    TopicPartition partition() {
      return new TopicPartition(source.topic(), source.partition());
    }
  }

  final long startedNanos;

  /**
   * True when the batch may be DONE before its handler's output is acknowledged ({@link
   * BatchResult#acknowledged()}); the loop then commits it once the acknowledgements arrive.
   */
  final boolean pipelined;

  private final List<CompletableFuture<?>> acknowledgements = new ArrayList<>();
  private final List<ConsumerRecord<byte[], byte[]>> raw = new ArrayList<>();
  private final Map<String, ConsumerRecord<byte[], byte[]>> rawByCoordinates = new HashMap<>();
  private final Map<TopicPartition, OffsetAndMetadata> nextOffsets = new LinkedHashMap<>();
  private final Set<TopicPartition> dropped = new HashSet<>();
  private final Deque<List<ConsumedRecord<V>>> chunks = new ArrayDeque<>();
  private final List<DeadLetter> deadLetters = new ArrayList<>();

  Phase phase = Phase.DECODING;

  /** Completion of the running asynchronous step (handler call or dead-letter sends), or null. */
  CompletableFuture<?> pending;

  /** The records of the running or last handler call, exactly as the handler was given them. */
  List<ConsumedRecord<V>> submitted = List.of();

  /** Consecutive transient failures of the current step. */
  int attempt;

  private long retryAtNanos;
  private boolean isolating;

  InFlightBatch(ConsumerRecords<byte[], byte[]> records, long nowNanos, boolean pipelined) {
    this.startedNanos = nowNanos;
    this.pipelined = pipelined;
    this.retryAtNanos = nowNanos;
    for (TopicPartition tp : records.partitions()) {
      ConsumerRecord<byte[], byte[]> last = null;
      for (ConsumerRecord<byte[], byte[]> record : records.records(tp)) {
        raw.add(record);
        rawByCoordinates.put(coordinates(record), record);
        last = record;
      }
      if (last != null) {
        nextOffsets.put(tp, new OffsetAndMetadata(last.offset() + 1, last.leaderEpoch(), ""));
      }
    }
  }

  /** Raw records still owned, in partition order. */
  List<ConsumerRecord<byte[], byte[]>> liveRecords() {
    return raw.stream().filter(r -> !isDropped(r.topic(), r.partition())).toList();
  }

  /** The raw record behind a decoded one, or null if it is not part of this batch. */
  ConsumerRecord<byte[], byte[]> rawOf(ConsumedRecord<?> record) {
    return rawByCoordinates.get(record.coordinates());
  }

  /** Ends decoding: the decoded records become the first chunk to hand to the handler. */
  void decoded(List<ConsumedRecord<V>> records, List<DeadLetter> undecodable) {
    chunks.clear();
    deadLetters.addAll(undecodable);
    if (!records.isEmpty()) {
      chunks.add(records);
    }
    advanceTo(Phase.HANDLING);
  }

  /**
   * The chunk to hand to the handler next, without the records of dropped partitions, or null when
   * every chunk is done.
   */
  List<ConsumedRecord<V>> currentChunk() {
    while (!chunks.isEmpty()) {
      List<ConsumedRecord<V>> live =
          chunks.peekFirst().stream().filter(r -> !isDropped(r.topic(), r.partition())).toList();
      if (!live.isEmpty()) {
        return live;
      }
      chunks.removeFirst();
    }
    return null;
  }

  /** The current chunk is done. */
  void chunkDone() {
    chunks.removeFirst();
    attempt = 0;
  }

  /** Splits the current chunk into one chunk per record, to find the ones that fail alone. */
  void isolateCurrentChunk() {
    List<ConsumedRecord<V>> chunk = chunks.removeFirst();
    for (int i = chunk.size() - 1; i >= 0; i--) {
      chunks.addFirst(List.of(chunk.get(i)));
    }
    isolating = true;
    attempt = 0;
  }

  /** True while the handler works on single records after a batch failure. */
  boolean isolating() {
    return isolating;
  }

  /**
   * Offsets to resume from once {@code chunk} succeeded: the whole poll for the first, whole chunk;
   * the record's own position while records are handled one by one.
   */
  Map<TopicPartition, Long> nextOffsetsFor(List<ConsumedRecord<V>> chunk) {
    Map<TopicPartition, Long> offsets = new LinkedHashMap<>();
    if (isolating) {
      ConsumedRecord<V> only = chunk.get(0);
      offsets.put(only.topicPartition(), only.offset() + 1);
      return offsets;
    }
    commitOffsets().forEach((tp, next) -> offsets.put(tp, next.offset()));
    return offsets;
  }

  /** Adds a dead letter unless its record already has one (a handler may reject twice). */
  void deadLetter(DeadLetter letter) {
    if (deadLetters.stream().noneMatch(d -> d.source == letter.source)) {
      deadLetters.add(letter);
    }
  }

  /** Dead letters not yet acknowledged, of partitions still owned. */
  List<DeadLetter> unacknowledgedDeadLetters() {
    return deadLetters.stream()
        .filter(d -> !d.acknowledged && !dropped.contains(d.partition()))
        .toList();
  }

  /** Offsets to commit: last offset + 1 of every partition still owned. */
  Map<TopicPartition, OffsetAndMetadata> commitOffsets() {
    Map<TopicPartition, OffsetAndMetadata> owned = new LinkedHashMap<>(nextOffsets);
    owned.keySet().removeAll(dropped);
    return owned;
  }

  /** Offsets to read the batch again from: the first offset of every partition still owned. */
  Map<TopicPartition, Long> firstOffsets() {
    Map<TopicPartition, Long> first = new LinkedHashMap<>();
    for (ConsumerRecord<byte[], byte[]> record : liveRecords()) {
      first.putIfAbsent(new TopicPartition(record.topic(), record.partition()), record.offset());
    }
    return first;
  }

  /** A pipelined handler call's acknowledgements, still to arrive. */
  void awaitAcknowledgement(CompletableFuture<?> acknowledged) {
    acknowledgements.add(acknowledged);
  }

  /** Completes when every handler call's output is acknowledged; fails with the first failure. */
  CompletableFuture<Void> acknowledged() {
    return CompletableFuture.allOf(acknowledgements.toArray(CompletableFuture<?>[]::new));
  }

  /** Records finished per topic, for the consumed counter. */
  Map<String, Long> countsByTopic() {
    Map<String, Long> counts = new LinkedHashMap<>();
    for (ConsumerRecord<byte[], byte[]> record : liveRecords()) {
      counts.merge(record.topic(), 1L, Long::sum);
    }
    return counts;
  }

  boolean touches(Collection<TopicPartition> partitions) {
    return partitions.stream().anyMatch(tp -> nextOffsets.containsKey(tp) && !dropped.contains(tp));
  }

  /** Forgets partitions this member no longer owns; their records become the next owner's. */
  void drop(Collection<TopicPartition> partitions) {
    dropped.addAll(partitions);
  }

  /** True when every partition of the batch was dropped. */
  boolean abandoned() {
    return dropped.containsAll(nextOffsets.keySet());
  }

  void advanceTo(Phase next) {
    phase = next;
    pending = null;
    attempt = 0;
  }

  void retryAt(long nanos) {
    retryAtNanos = nanos;
    pending = null;
  }

  boolean backingOff(long nowNanos) {
    return nowNanos - retryAtNanos < 0;
  }

  long backoffRemainingNanos(long nowNanos) {
    return Math.max(0, retryAtNanos - nowNanos);
  }

  boolean isDropped(String topic, int partition) {
    return !dropped.isEmpty() && dropped.contains(new TopicPartition(topic, partition));
  }

  private static String coordinates(ConsumerRecord<?, ?> record) {
    return ConsumedRecord.coordinates(record.topic(), record.partition(), record.offset());
  }
}
