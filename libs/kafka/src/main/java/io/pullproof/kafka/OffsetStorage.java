package io.pullproof.kafka;

/** Where a {@link ConsumerLoop} keeps its consumed positions. */
public enum OffsetStorage {
  /** The loop commits to Kafka ({@code commitSync}) after each completed batch. */
  KAFKA,
  /**
   * The handler stores {@link ConsumedBatch#nextOffsets()} with its own data, in the same
   * transaction; the loop never commits and an {@link AssignmentHook} supplies start positions.
   */
  EXTERNAL
}
