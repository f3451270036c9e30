package io.pullproof.decisionservice.state;

import io.pullproof.decision.DecisionState;
import io.pullproof.decision.Grant;
import io.pullproof.decision.InMemoryDecisionState;
import io.pullproof.decision.InMemoryGrantIndex;
import io.pullproof.decision.Revocation;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * What one decision instance knows: the grants of the start-request partitions it owns (one
 * {@link InMemoryGrantIndex} per partition, so a partition can be dropped or reloaded alone), the
 * names pulled on every node of the fleet (from every pulls partition: a name pulled under one
 * digest makes the node's other digests of that name "pulled here" too), and every revocation.
 *
 * <p>The indexes are single-threaded; one lock serialises the decision thread (a batch of
 * requests at a time) and the log feed (a poll's worth of pulls and revocations at a time).
 * Everything applied here is idempotent and order-insensitive (newest verification wins, a
 * revocation is remembered for grants recorded later), so re-reading a stretch of the log after a
 * snapshot is harmless.
 */
public final class FleetState {
  private final ReentrantLock lock = new ReentrantLock();
  /** Node pulls only; its own grant index stays empty. */
  private final InMemoryDecisionState nodePulls = new InMemoryDecisionState(new InMemoryGrantIndex(16, 16));
  private final Map<Integer, InMemoryGrantIndex> partitions = new HashMap<>();
  private final List<Revocation> revocations = new ArrayList<>();
  private final Set<String> revocationIds = new HashSet<>();
  private final RequestView view = new RequestView();

  /** Applies a poll's worth of log events under one lock acquisition. */
  public void apply(List<LogEvent> events) {
    if (events.isEmpty()) {
      return;
    }
    lock.lock();
    try {
      for (LogEvent event : events) {
        if (event instanceof LogEvent.Pull pull) {
          recordPull(pull.partition(), pull.node(), pull.grant());
        } else if (event instanceof LogEvent.Revoked revoked) {
          recordRevocation(revoked.id(), revoked.revocation());
        }
      }
    } finally {
      lock.unlock();
    }
  }

  /** Records a node pull without a grant (the ledger's node_pulls snapshot). */
  public void recordNodePull(String node, String name) {
    lock.lock();
    try {
      nodePulls.recordNodePull(node, name);
    } finally {
      lock.unlock();
    }
  }

  /** Applies a revocation to every held partition and remembers it; a known id changes nothing. */
  public boolean applyRevocation(String id, Revocation revocation) {
    lock.lock();
    try {
      return recordRevocation(id, revocation);
    } finally {
      lock.unlock();
    }
  }

  /**
   * A new, empty index for loading a partition off the lock, with every revocation known so far
   * applied (so grants put into it later are revoked as they arrive).
   */
  public PartitionLoad newPartitionLoad(int expectedGrants) {
    List<Revocation> known;
    lock.lock();
    try {
      known = List.copyOf(revocations);
    } finally {
      lock.unlock();
    }
    InMemoryGrantIndex index = new InMemoryGrantIndex(Math.max(16, expectedGrants), Math.max(16, expectedGrants / 2));
    known.forEach(index::revoke);
    return new PartitionLoad(index, known.size());
  }

  /** Makes a loaded partition live, first applying revocations that arrived while it loaded. */
  public void install(int partition, PartitionLoad load) {
    load.index().trimToSize(); // still private to the loader: no lock needed
    lock.lock();
    try {
      for (int i = load.revocationsApplied(); i < revocations.size(); i++) {
        load.index().revoke(revocations.get(i));
      }
      partitions.put(partition, load.index());
    } finally {
      lock.unlock();
    }
  }

  /** Forgets partitions handed to another instance. */
  public void drop(Collection<Integer> dropped) {
    lock.lock();
    try {
      dropped.forEach(partitions::remove);
    } finally {
      lock.unlock();
    }
  }

  /** Runs {@code work} under the lock; decisions read state through the {@link Reader}. */
  public <T> T read(Function<Reader, T> work) {
    lock.lock();
    try {
      return work.apply(view);
    } finally {
      lock.unlock();
    }
  }

  /** How many grants are held, over all partitions (revoked ones included). */
  public long grantCount() {
    lock.lock();
    try {
      long total = 0;
      for (InMemoryGrantIndex index : partitions.values()) {
        total += index.size();
      }
      return total;
    } finally {
      lock.unlock();
    }
  }

  /** The partitions held, for logs and tests. */
  public Set<Integer> heldPartitions() {
    lock.lock();
    try {
      return Set.copyOf(partitions.keySet());
    } finally {
      lock.unlock();
    }
  }

  private void recordPull(int partition, String node, Grant grant) {
    nodePulls.recordNodePull(node, grant.name());
    InMemoryGrantIndex index = partitions.get(partition);
    if (index != null) {
      index.put(grant);
    }
  }

  private boolean recordRevocation(String id, Revocation revocation) {
    if (!revocationIds.add(id)) {
      return false;
    }
    revocations.add(revocation);
    for (InMemoryGrantIndex index : partitions.values()) {
      index.revoke(revocation);
    }
    return true;
  }

  /** A partition index being loaded, and how many revocations it has seen. */
  public record PartitionLoad(InMemoryGrantIndex index, int revocationsApplied) {
    /** Adds a snapshot grant; the snapshot's reader threads call this at the same time. */
    public void put(Grant grant) {
      synchronized (index) {
        index.put(grant);
      }
    }
  }

  /** Access for the decision thread, valid only inside {@link #read}. */
  public interface Reader {
    /**
     * The decision state of one request: the partition's grants, the fleet's node pulls, and the
     * request's own word on a pull in flight; {@code null} when the partition is not held.
     */
    DecisionState forRequest(int partition, boolean intentPending);

    /** Records a grant the decision derived (secret rotation, new coordinates) in the partition. */
    void recordDerivedGrant(int partition, Grant grant);
  }

  /** One reusable view: the decision thread is the only reader, and it holds the lock. */
  private final class RequestView implements Reader, DecisionState {
    private InMemoryGrantIndex index;
    private boolean intentPending;

    @Override
    public DecisionState forRequest(int partition, boolean intentPending) {
      index = partitions.get(partition);
      this.intentPending = intentPending;
      return index == null ? null : this;
    }

    @Override
    public void recordDerivedGrant(int partition, Grant grant) {
      InMemoryGrantIndex target = partitions.get(partition);
      if (target != null) {
        target.put(grant);
      }
    }

    @Override
    public InMemoryGrantIndex grants() {
      return index;
    }

    @Override
    public boolean pulledOnNode(String node, String name) {
      return nodePulls.pulledOnNode(node, name);
    }

    @Override
    public boolean pullIntentPending(String node, String image) {
      return intentPending;
    }
  }
}
