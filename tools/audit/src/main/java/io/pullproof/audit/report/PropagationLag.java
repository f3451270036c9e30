package io.pullproof.audit.report;

/**
 * A recorded decision that differs from the replay only because an event had not yet reached the
 * deciding component, within the propagation bound ({@code --propagation}, default 1 s, the
 * design's bound for a revocation to take effect fleet-wide): a REPULL the decision service gave
 * before it had applied the pull that makes the recomputation ALLOW (safe: the agent verified with
 * the registry), or an ALLOW (a verdict or an agent's cached one) used in the moments between a
 * revocation's publication and its arrival. Listed for the record, not a finding; past the bound
 * the same mismatch is a divergence or a revoked ALLOW.
 *
 * @param kind {@code REPULL_BEFORE_PULL_ARRIVED}, {@code ALLOW_ON_OTHER_GRANT_BEFORE_PULL_ARRIVED} or
 *     {@code ALLOW_BEFORE_REVOCATION_ARRIVED}
 * @param eventId the verdict's or the start outcome's event id
 * @param lagMillis from the pull's or the revocation's publication to the decision
 */
public record PropagationLag(String at, String kind, String requestId, String eventId, StartRef start,
    VerdictFields recorded, VerdictFields recomputed, long lagMillis) {}
