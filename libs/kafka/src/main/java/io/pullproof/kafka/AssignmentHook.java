package io.pullproof.kafka;

import java.util.Collection;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * Tells a {@link ConsumerLoop}'s service which partitions it owns. The loop calls it from its
 * {@code ConsumerRebalanceListener}, on the poll thread, after it has finished or given up the
 * in-flight batch of the revoked partitions.
 */
public interface AssignmentHook {

  /**
   * Start positions for partitions just assigned, e.g. read from the table where the handler stores
   * offsets with its data. A partition left out starts from its Kafka committed offset (or {@code
   * auto.offset.reset}). May block (it runs inside {@code poll}); a transient failure is retried
   * with backoff.
   */
  Map<TopicPartition, Long> startPositions(Collection<TopicPartition> assigned);

  /** Partitions taken away in an orderly rebalance; their last batch is done or abandoned. */
  default void revoked(Collection<TopicPartition> partitions) {}

  /** Partitions lost without a handshake (session timeout); another member may own them now. */
  default void lost(Collection<TopicPartition> partitions) {
    revoked(partitions);
  }
}
