package io.pullproof.decision;

import java.util.Map;
import java.util.Objects;

/** A cluster's policy and the namespaces that override it. */
public record ClusterPolicy(Policy cluster, Map<String, Policy> namespaces) {
  public ClusterPolicy {
    Objects.requireNonNull(cluster, "cluster");
    namespaces = namespaces == null ? Map.of() : Map.copyOf(namespaces);
  }

  public static ClusterPolicy of(Policy cluster) {
    return new ClusterPolicy(cluster, Map.of());
  }

  /** The policy that applies to pods of {@code namespace}. */
  public Policy forNamespace(String namespace) {
    if (namespaces.isEmpty()) {
      return cluster;
    }
    Policy override = namespaces.get(namespace);
    return override == null ? cluster : override;
  }
}
