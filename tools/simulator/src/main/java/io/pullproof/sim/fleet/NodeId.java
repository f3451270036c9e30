package io.pullproof.sim.fleet;

/**
 * One simulated node.
 *
 * @param nodeCredentials whether the node holds the fleet's node-wide pull credential
 */
public record NodeId(String cluster, String node, boolean nodeCredentials) {
  /** {@code cluster/node}, as the ledger and the decision service key nodes. */
  public String key() {
    return cluster + "/" + node;
  }
}
