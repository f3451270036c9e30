package io.pullproof.decision;

/**
 * What {@link VerdictPolicy} reads besides the request: the grants of the fleet and what the
 * agents reported about their own nodes. Implementations answer from memory; a decision does no
 * I/O.
 */
public interface DecisionState {

  /** The fleet's grants. */
  GrantIndex grants();

  /**
   * Whether an agent recorded a pull of the normalised repository {@code name} on {@code node},
   * whatever the digest. A name never pulled on the node is preloaded there, even when its digest
   * was pulled on the node under another name.
   */
  boolean pulledOnNode(String node, String name);

  /** Whether a pull of {@code image} (normalised reference) is in flight on {@code node}. */
  boolean pullIntentPending(String node, String image);
}
