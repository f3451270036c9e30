package io.pullproof.sim.compare;

import io.pullproof.events.PullPolicy;

/**
 * One container start of the recorded workload, with what every model needs to evaluate it and
 * what Pullproof actually did. The three models read the same list in the same order.
 *
 * @param node {@code cluster/node}
 * @param digest the image's manifest digest
 * @param present whether the image was on the node when the start was asked (the same for every
 *     model: authorised pulls succeed and unauthorised ones fail under all three)
 * @param podSecret the pod's pull secret, or null
 * @param nodeCredential the node-wide credential, or null when the node has none
 * @param proof the credential that may pull the image (ground truth), or null: the start is unauthorised
 * @param seed a pull of the fleet's history before the measured window: it builds the models'
 *     state and the ledger's grants but is not counted
 * @param pullproofRoundTrips registry round trips Pullproof's agent made for this start (0 or 1)
 * @param pullproofLatencyNanos how long the start took end to end in the simulated node
 * @param started whether the container started
 */
public record StartRecord(
    String node, String repository, String digest, boolean present, PullPolicy policy, Credential podSecret,
    Credential nodeCredential, Credential proof, boolean seed, int pullproofRoundTrips, long pullproofLatencyNanos,
    boolean started) {

  public boolean authorised() {
    return proof != null;
  }

  /** A history pull: the image lands on the node, pulled with {@code proof}. */
  public static StartRecord seed(String node, String repository, String digest, Credential podSecret,
      Credential nodeCredential, Credential proof) {
    return new StartRecord(node, repository, digest, false, PullPolicy.IF_NOT_PRESENT, podSecret, nodeCredential, proof,
        true, 0, 0, true);
  }
}
