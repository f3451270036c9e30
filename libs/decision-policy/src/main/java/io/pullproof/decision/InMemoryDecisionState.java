package io.pullproof.decision;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Decision state held in memory: the grant index plus, per node, the names agents pulled there
 * and the pulls in flight. Fed from the ledger snapshot and the pulls log in log order.
 *
 * <p>Not thread-safe: one decision thread owns a state.
 */
public final class InMemoryDecisionState implements DecisionState {
  private final InMemoryGrantIndex grants;
  private final Interner<String> nodes = new Interner<>();
  /** (node id + 1) << 32 | name id, for every name pulled on a node. */
  private final LongSet nodePulls = new LongSet();
  /** node → normalised image → pulls in flight. */
  private final Map<String, Map<String, Integer>> intents = new HashMap<>();

  public InMemoryDecisionState() {
    this(new InMemoryGrantIndex());
  }

  public InMemoryDecisionState(InMemoryGrantIndex grants) {
    this.grants = Objects.requireNonNull(grants, "grants");
  }

  @Override
  public InMemoryGrantIndex grants() {
    return grants;
  }

  /** Records or refreshes a grant; see {@link InMemoryGrantIndex#put}. */
  public int recordGrant(Grant grant) {
    return grants.put(grant);
  }

  /** Applies a revocation; see {@link InMemoryGrantIndex#revoke}. */
  public int revoke(Revocation revocation) {
    return grants.revoke(revocation);
  }

  /**
   * Records that an agent pulled the normalised repository {@code name} on {@code node}. The
   * digest does not matter: presence under a name is what makes an image preloaded or not.
   */
  public void recordNodePull(String node, String name) {
    nodePulls.add(key(nodes.intern(node), grants.names().intern(name)));
  }

  /** Records that a pull of {@code image} started on {@code node}; pulls are counted. */
  public void recordPullIntent(String node, String image) {
    intents.computeIfAbsent(node, n -> new HashMap<>()).merge(image, 1, Integer::sum);
  }

  /** Records that a pull of {@code image} on {@code node} ended, successfully or not. */
  public void clearPullIntent(String node, String image) {
    Map<String, Integer> images = intents.get(node);
    if (images == null) {
      return;
    }
    images.computeIfPresent(image, (i, count) -> count <= 1 ? null : count - 1);
    if (images.isEmpty()) {
      intents.remove(node);
    }
  }

  @Override
  public boolean pulledOnNode(String node, String name) {
    int nodeId = nodes.idOf(node);
    if (nodeId < 0) {
      return false;
    }
    int nameId = grants.names().idOf(name);
    return nameId >= 0 && nodePulls.contains(key(nodeId, nameId));
  }

  @Override
  public boolean pullIntentPending(String node, String image) {
    if (intents.isEmpty()) {
      return false;
    }
    Map<String, Integer> images = intents.get(node);
    return images != null && images.containsKey(image);
  }

  private static long key(int nodeId, int nameId) {
    return (long) (nodeId + 1) << 32 | nameId;
  }
}
