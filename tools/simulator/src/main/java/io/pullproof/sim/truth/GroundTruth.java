package io.pullproof.sim.truth;

/**
 * Whether a container start is authorised, judged only by the registry's grants (never by
 * Pullproof's verdicts): the pod may run the image when a credential the kubelet would present
 * for it may pull the repository. Keyring order as the kubelet's: the pod's pull secret, then the
 * node-wide credential; anonymous only when the pod and the node present no credential at all.
 */
public final class GroundTruth {
  /** The credential that proves access, in keyring order. */
  public enum Proof { SECRET, NODE_CREDENTIAL, ANONYMOUS }

  private final PullAuthority registry;

  public GroundTruth(PullAuthority registry) {
    this.registry = registry;
  }

  /**
   * The first credential that may pull {@code repository}, or null when none may (the start is unauthorised).
   *
   * @param secretUser registry user of the pod's pull secret, or null when the pod has none
   * @param nodeUser registry user of the node-wide credential, or null when the node has none
   */
  public Proof proof(String secretUser, String nodeUser, String repository) {
    if (secretUser != null && registry.mayPull(secretUser, repository)) {
      return Proof.SECRET;
    }
    if (nodeUser != null && registry.mayPull(nodeUser, repository)) {
      return Proof.NODE_CREDENTIAL;
    }
    if (secretUser == null && nodeUser == null && registry.mayPull(null, repository)) {
      return Proof.ANONYMOUS;
    }
    return null;
  }

  public boolean authorised(String secretUser, String nodeUser, String repository) {
    return proof(secretUser, nodeUser, repository) != null;
  }
}
