package io.pullproof.decisionservice.state;

import io.pullproof.decisionservice.DecisionMetrics;
import io.pullproof.kafka.AssignmentHook;
import io.pullproof.kafka.ClassifiedException;
import io.pullproof.kafka.FailureClass;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads the grants of newly assigned start-request partitions BEFORE the consumer loop hands out
 * their first request (it runs inside the rebalance callback): the ledger snapshot of those
 * partitions from PostgreSQL, then the pulls log after the snapshot's offsets (the log feed
 * re-reads it), and only then the partition is answered. Revoked partitions are forgotten.
 */
public final class PartitionLoader implements AssignmentHook {
  private static final Logger LOG = LoggerFactory.getLogger(PartitionLoader.class);

  private final LedgerSnapshotReader snapshot;
  private final FleetState state;
  private final LogFeed feed;
  private final String pullsTopic;
  private final int partitionCount;
  private final Duration timeout;
  private final DecisionMetrics metrics;

  public PartitionLoader(LedgerSnapshotReader snapshot, FleetState state, LogFeed feed, String pullsTopic,
      int partitionCount, Duration timeout, DecisionMetrics metrics) {
    this.snapshot = snapshot;
    this.state = state;
    this.feed = feed;
    this.pullsTopic = pullsTopic;
    this.partitionCount = partitionCount;
    this.timeout = timeout;
    this.metrics = metrics;
  }

  @Override
  public Map<TopicPartition, Long> startPositions(Collection<TopicPartition> assigned) {
    Set<Integer> partitions = assigned.stream().map(TopicPartition::partition).collect(Collectors.toSet());
    if (partitions.isEmpty()) {
      return Map.of();
    }
    long start = System.nanoTime();
    int expected = (int) Math.min(Integer.MAX_VALUE / 8, Math.max(16, grantsEstimate() / Math.max(1, partitionCount)));
    Map<Integer, FleetState.PartitionLoad> loads = new HashMap<>();
    partitions.forEach(p -> loads.put(p, state.newPartitionLoad(expected)));
    Map<Integer, Long> offsets;
    try {
      offsets = snapshot.readGrants(pullsTopic, partitions, partitionCount, (p, grant) -> loads.get(p).put(grant));
    } catch (SQLException e) {
      throw new ClassifiedException(FailureClass.TRANSIENT, "cannot read the ledger snapshot: " + e.getMessage(), e);
    }
    loads.forEach(state::install);
    List<CompletableFuture<Void>> catchUps = partitions.stream()
        .map(p -> feed.rewind(p, offsets.getOrDefault(p, 0L))).toList();
    try {
      CompletableFuture.allOf(catchUps.toArray(CompletableFuture[]::new)).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ClassifiedException(FailureClass.TRANSIENT, "interrupted while catching up on the pulls log", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new ClassifiedException(FailureClass.TRANSIENT, "pulls log catch-up for partitions " + partitions
          + " did not finish within " + timeout + ": " + e, e);
    }
    long grants = loads.values().stream().mapToLong(l -> l.index().size()).sum();
    double seconds = (System.nanoTime() - start) / 1e9;
    metrics.partitionsLoaded(partitions.size(), seconds);
    LOG.info("loaded partitions {}: {} grants from the snapshot + pulls log in {} s", partitions, grants,
        String.format("%.2f", seconds));
    return Map.of();
  }

  /**
   * Grants in the fleet, to size each partition's index: what this instance holds, or the ledger's
   * estimate when that is more (a cold instance holds nothing yet). A failed estimate only costs
   * the growing it would have spared.
   */
  private long grantsEstimate() {
    try {
      return Math.max(state.grantCount(), snapshot.estimatedGrants());
    } catch (SQLException e) {
      LOG.debug("no row estimate of the ledger's grants: {}", e.getMessage());
      return state.grantCount();
    }
  }

  @Override
  public void revoked(Collection<TopicPartition> partitions) {
    List<Integer> dropped = partitions.stream().map(TopicPartition::partition).toList();
    state.drop(dropped);
    LOG.info("dropped partitions {}", dropped);
  }
}
