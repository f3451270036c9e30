package io.pullproof.audit;

import io.pullproof.decision.FleetPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * One audit: the window, the optional filters and the decision policy the service ran with.
 *
 * @param from start requests and observed starts at or after this instant are audited
 * @param to ... and before this one
 * @param grace how long after {@code to} verdicts and outcomes of requests in the window are still read
 * @param cluster only starts in this cluster, or {@code null}
 * @param namespace only pods of this namespace (tenant), or {@code null}
 * @param image only this normalised repository name, or {@code null}
 * @param policy the fleet policy the decision service was configured with
 * @param policyName how the policy was given (file name, or the kubelet default), for the report
 */
public record AuditQuery(Instant from, Instant to, Duration grace, String cluster, String namespace, String image,
    FleetPolicy policy, String policyName, Duration propagation) {

  /** The design's bound for an event to reach every decision point (a revocation: 1 s). */
  public static final Duration DEFAULT_PROPAGATION = Duration.ofSeconds(1);

  public AuditQuery(Instant from, Instant to, Duration grace, String cluster, String namespace, String image,
      FleetPolicy policy, String policyName) {
    this(from, to, grace, cluster, namespace, image, policy, policyName, DEFAULT_PROPAGATION);
  }

  public AuditQuery {
    Objects.requireNonNull(propagation, "propagation");
    if (propagation.isNegative()) {
      throw new IllegalArgumentException("propagation " + propagation + " must not be negative");
    }
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(grace, "grace");
    Objects.requireNonNull(policy, "policy");
    if (!from.isBefore(to)) {
      throw new IllegalArgumentException("from " + from + " must be before to " + to);
    }
    if (grace.isNegative()) {
      throw new IllegalArgumentException("grace " + grace + " must not be negative");
    }
  }

  /** The last instant any event is read for. */
  public Instant readUntil() {
    return to.plus(grace);
  }

  public boolean inWindow(long millis) {
    return millis >= from.toEpochMilli() && millis < to.toEpochMilli();
  }

  public boolean matches(String startCluster, String startNamespace, String startImage) {
    return (cluster == null || cluster.equals(startCluster))
        && (namespace == null || namespace.equals(startNamespace))
        && (image == null || image.equals(startImage));
  }
}
