package io.pullproof.decision;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * A cluster's policy, the namespaces that override it, and the grant ages of registries.
 *
 * @param registryMaxGrantAges per registry (the domain of a normalised name, e.g.
 *     {@code registry.io}, {@code docker.io}, {@code localhost:5000}): grants of its images expire
 *     after this age. When the namespace's policy sets an age too, the shorter one applies, so a
 *     registry that must be re-checked often is re-checked in every cluster and namespace
 */
public record ClusterPolicy(Policy cluster, Map<String, Policy> namespaces, Map<String, Duration> registryMaxGrantAges) {
  public ClusterPolicy {
    Objects.requireNonNull(cluster, "cluster");
    namespaces = namespaces == null ? Map.of() : Map.copyOf(namespaces);
    registryMaxGrantAges = registryMaxGrantAges == null ? Map.of() : Map.copyOf(registryMaxGrantAges);
    registryMaxGrantAges.forEach((registry, age) -> {
      if (registry.isEmpty() || registry.contains("/") || !registry.equals(registry.strip())) {
        throw new InvalidPolicyException("registries", registry,
            "a registry is the domain of a normalised image name (registry.io, docker.io, localhost:5000)");
      }
      if (age.isZero() || age.isNegative()) {
        throw new InvalidPolicyException("registries." + registry + ".maxGrantAge", age.toString(), "must be positive");
      }
    });
  }

  public ClusterPolicy(Policy cluster, Map<String, Policy> namespaces) {
    this(cluster, namespaces, null);
  }

  public static ClusterPolicy of(Policy cluster) {
    return new ClusterPolicy(cluster, Map.of());
  }

  /** This policy with these registries' grant ages. */
  public ClusterPolicy withRegistryMaxGrantAges(Map<String, Duration> ages) {
    return new ClusterPolicy(cluster, namespaces, ages);
  }

  /** The policy that applies to pods of {@code namespace}. */
  public Policy forNamespace(String namespace) {
    if (namespaces.isEmpty()) {
      return cluster;
    }
    Policy override = namespaces.get(namespace);
    return override == null ? cluster : override;
  }

  /**
   * The age after which a grant of {@code imageName} (normalised) expires under
   * {@code namespacePolicy}: the shorter of the namespace's and the image's registry's, in
   * milliseconds; {@link Long#MAX_VALUE} when neither sets one.
   */
  long maxGrantAgeMillis(Policy namespacePolicy, String imageName) {
    long namespaceAge = namespacePolicy.maxGrantAgeMillis();
    if (registryMaxGrantAges.isEmpty()) {
      return namespaceAge;
    }
    int slash = imageName.indexOf('/');
    Duration registryAge = registryMaxGrantAges.get(slash < 0 ? imageName : imageName.substring(0, slash));
    return registryAge == null ? namespaceAge : Math.min(namespaceAge, Policy.millis(registryAge));
  }
}
