package io.pullproof.ledger.store;

import io.pullproof.ledger.store.LedgerWrites.NodePullKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Node pulls this process has seen committed, so that a batch leaves them out of its insert: the
 * row exists, and {@code ON CONFLICT DO NOTHING} would only have probed the primary key to skip
 * it. Repeats are the common case (every verification or {@code Always} pull of an image on a node
 * sends another pull event). In {@code bench ledger}, where each node pull repeats ten times, the
 * statement took 38–46 ms of a 5,000-event batch's ~200 ms in PostgreSQL without this, 9–10 ms
 * with it (docs/BENCHMARKS.md).
 *
 * <ul>
 *   <li>A key is added only after the transaction that wrote it committed, so a rolled-back batch
 *       is written again in full.
 *   <li>Bounded: at {@code capacity} keys the set starts over empty. Forgetting a key costs one
 *       insert that does nothing, never a row; a fleet with more distinct node pulls than the
 *       capacity gains less.
 *   <li>Per process and never invalidated: nothing in Pullproof deletes node pulls; a row deleted
 *       behind a running ledger's back is not written again until the ledger restarts.
 * </ul>
 *
 * <p>Thread-safe: the ingest consumers share one store.
 */
final class StoredNodePulls {
  /** About 80 MB of heap at most: some 400 bytes a key (four strings and a set entry). */
  static final int DEFAULT_CAPACITY = 200_000;

  private final int capacity;
  private final Set<NodePullKey> committed = ConcurrentHashMap.newKeySet();

  StoredNodePulls(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity " + capacity + ": must be at least 1");
    }
    this.capacity = capacity;
  }

  /** The node pulls of {@code batch} not known to be stored, in the batch's order. */
  List<Map.Entry<NodePullKey, Instant>> unknown(Map<NodePullKey, Instant> batch) {
    List<Map.Entry<NodePullKey, Instant>> unknown = new ArrayList<>(batch.size());
    for (Map.Entry<NodePullKey, Instant> entry : batch.entrySet()) {
      if (!committed.contains(entry.getKey())) {
        unknown.add(entry);
      }
    }
    return unknown;
  }

  /** Remembers {@code keys}; call only after the transaction that wrote (or found) them committed. */
  void committed(Collection<NodePullKey> keys) {
    if (committed.size() + keys.size() > capacity) {
      committed.clear();
    }
    if (keys.size() <= capacity) {
      committed.addAll(keys);
    }
  }

  int size() {
    return committed.size();
  }
}
