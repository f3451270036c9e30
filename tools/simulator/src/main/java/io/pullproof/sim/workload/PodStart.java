package io.pullproof.sim.workload;

import io.pullproof.events.PullPolicy;
import io.pullproof.sim.fleet.NodeId;
import io.pullproof.sim.fleet.Repository;
import io.pullproof.sim.fleet.Tenant;

/**
 * One generated container start.
 *
 * @param pod a fleet-unique pod number; a restart repeats its pod's number
 * @param tenant the pod's tenant, or null for a platform daemon (no pull secret, namespace {@code platform-system})
 */
public record PodStart(Kind kind, long pod, NodeId node, Tenant tenant, Repository repository, PullPolicy policy) {
  public enum Kind {
    /** A tenant's new pod on a random node. */
    NEW_POD,
    /** A crash-looping pod starting its container again. */
    RESTART,
    /** A tenant's pod trying another tenant's private image that is cached on the node. */
    ATTACK,
    /** A platform daemon relying on the node-wide credential. */
    PLATFORM
  }

  public String namespace() {
    return tenant == null ? io.pullproof.sim.fleet.Fleet.PLATFORM_NAMESPACE : tenant.namespace();
  }

  public String podName() {
    return (kind == Kind.ATTACK ? "probe-" : "pod-") + pod;
  }
}
