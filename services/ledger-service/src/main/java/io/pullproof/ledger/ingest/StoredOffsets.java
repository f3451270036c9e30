package io.pullproof.ledger.ingest;

import io.pullproof.kafka.AssignmentHook;
import io.pullproof.ledger.store.LedgerStore;
import java.sql.SQLException;
import java.util.Collection;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Start positions come from {@code consumed_offsets}, written in the same transaction as the rows:
 * after a crash the ledger resumes exactly after the last batch it committed.
 */
public final class StoredOffsets implements AssignmentHook {
  private static final Logger LOG = LoggerFactory.getLogger(StoredOffsets.class);
  private final LedgerStore store;

  public StoredOffsets(LedgerStore store) {
    this.store = store;
  }

  @Override
  public Map<TopicPartition, Long> startPositions(Collection<TopicPartition> assigned) {
    try {
      Map<TopicPartition, Long> positions = store.storedOffsets(assigned);
      LOG.info("assigned {} partition(s); resuming {} from stored offsets", assigned.size(), positions.size());
      return positions;
    } catch (SQLException e) {
      // The loop classifies it: a connection problem is retried with backoff.
      throw new IllegalStateException("cannot read consumed offsets: " + e.getMessage(), e);
    }
  }
}
