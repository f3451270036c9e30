package io.pullproof.kafka;

/** Where a {@link ConsumerLoop} keeps its consumed positions. */
public enum OffsetStorage {
  /** The loop commits to Kafka ({@code commitSync}) after each completed batch. */
  KAFKA,
  /**
   * The loop commits to Kafka with {@code commitAsync} after each completed batch and fetches the
   * next one without waiting for the broker: for handlers whose output is idempotent, so a batch
   * read again after a lost commit does no harm. A Kafka 4.x group coordinator holds each commit for
   * {@code group.coordinator.append.linger.ms} (5 ms by default), which {@link #KAFKA} pays on every
   * batch. Positions are committed synchronously when partitions are revoked and on close, so the
   * next owner starts where this one stopped.
   */
  KAFKA_ASYNC,
  /**
   * The handler stores {@link ConsumedBatch#nextOffsets()} with its own data, in the same
   * transaction; the loop never commits and an {@link AssignmentHook} supplies start positions.
   */
  EXTERNAL
}
