package io.pullproof.decision;

/** What the node agent does with a container start. */
public enum Outcome {
  /** Start the container from the image already on the node. */
  ALLOW,
  /**
   * Re-verify access against the registry with the pod's own credentials first: the kubelet's
   * "must attempt pull". With {@code pullPolicy: Never} the agent reports {@code ErrImageNeverPull}.
   */
  REPULL
}
