package io.pullproof.decision;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The decision policy of the whole fleet: one {@link ClusterPolicy} (with its namespace overrides)
 * per named cluster, and a default for clusters the file does not name. Immutable; the
 * {@link VerdictPolicy} of each cluster is built once.
 */
public final class FleetPolicy {
  private final ClusterPolicy defaultPolicy;
  private final Map<String, ClusterPolicy> clusters;
  private final VerdictPolicy defaultVerdicts;
  private final Map<String, VerdictPolicy> verdicts = new HashMap<>();

  public FleetPolicy(ClusterPolicy defaultPolicy, Map<String, ClusterPolicy> clusters) {
    this.defaultPolicy = Objects.requireNonNull(defaultPolicy, "defaultPolicy");
    this.clusters = Map.copyOf(clusters);
    this.defaultVerdicts = new VerdictPolicy(defaultPolicy);
    this.clusters.forEach((cluster, policy) -> verdicts.put(cluster, new VerdictPolicy(policy)));
  }

  /** The kubelet's default ({@code NeverVerifyPreloadedImages}, no expiry) for every cluster. */
  public static FleetPolicy kubeletDefault() {
    return new FleetPolicy(ClusterPolicy.of(Policy.DEFAULT), Map.of());
  }

  /** The decision function configured for {@code cluster}. */
  public VerdictPolicy forCluster(String cluster) {
    VerdictPolicy policy = verdicts.get(cluster);
    return policy == null ? defaultVerdicts : policy;
  }

  public ClusterPolicy defaultPolicy() {
    return defaultPolicy;
  }

  public Map<String, ClusterPolicy> clusters() {
    return clusters;
  }

  @Override
  public String toString() {
    return "FleetPolicy[default=" + defaultPolicy.cluster().verificationPolicy().configName()
        + ", clusters=" + clusters.keySet() + "]";
  }
}
