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
  /**
   * A 64-bit fingerprint of (node, name) for every name pulled on a node: the two strings' hash
   * codes side by side. A fingerprint, not the strings, so that the check costs one probe of one
   * table and no string is stored or compared. Two pairs sharing a fingerprint can only make a
   * name that was never pulled on a node count as pulled there — the image is then verified
   * against the grants instead of allowed as preloaded — never the reverse, since a pulled pair
   * always finds its own fingerprint.
   */
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
    nodePulls.add(fingerprint(node, name));
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
    return nodePulls.contains(fingerprint(node, name));
  }

  @Override
  public boolean pullIntentPending(String node, String image) {
    if (intents.isEmpty()) {
      return false;
    }
    Map<String, Integer> images = intents.get(node);
    return images != null && images.containsKey(image);
  }

  private static long fingerprint(String node, String name) {
    long key = (long) node.hashCode() << 32 | (name.hashCode() & 0xFFFFFFFFL);
    return key == 0 ? 1 : key;
  }
}
