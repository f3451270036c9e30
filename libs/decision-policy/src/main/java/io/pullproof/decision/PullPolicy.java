package io.pullproof.decision;

/** The container's {@code imagePullPolicy}. */
public enum PullPolicy {
  ALWAYS,
  IF_NOT_PRESENT,
  /** Same verdicts as IF_NOT_PRESENT; the agent turns REPULL into {@code ErrImageNeverPull}. */
  NEVER;

  /** The spelling in a pod spec ({@code IfNotPresent}). */
  public String kubernetesName() {
    return EnumSpelling.upperCamel(this);
  }

  /** The policy spelled {@code kubernetesName} in a pod spec, or {@code null} when there is none. */
  public static PullPolicy fromKubernetesName(String kubernetesName) {
    return EnumSpelling.fromUpperCamel(PullPolicy.class, kubernetesName);
  }
}
