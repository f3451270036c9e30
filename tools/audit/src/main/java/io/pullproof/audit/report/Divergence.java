package io.pullproof.audit.report;

/**
 * A recorded verdict that differs from the one the decision code computes for the same request
 * from the same log.
 *
 * @param at the recorded verdict's {@code occurredAt}
 * @param issuedByService whether the verdict's event id is the one the decision service derives
 *     from the request id; {@code false} means some other writer published it
 */
public record Divergence(String at, String requestId, String verdictEventId, StartRef start, VerdictFields recorded,
    VerdictFields recomputed, boolean issuedByService) {}
