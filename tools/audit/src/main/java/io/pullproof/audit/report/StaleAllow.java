package io.pullproof.audit.report;

/**
 * A start allowed on a grant that was already revoked or expired: a verdict the decision service
 * gave on stale state (it was the request's only kind of answer), or an agent's cached ALLOW used
 * after the grant stopped counting.
 *
 * @param via {@code VERDICT} or {@code CACHED_VERDICT}
 * @param eventId the verdict's or the start outcome's event id
 * @param recomputed what the decision code says at that moment ({@code REVOKED} or {@code GRANT_EXPIRED})
 */
public record StaleAllow(String at, String via, String requestId, String eventId, StartRef start, VerdictFields recorded,
    VerdictFields recomputed) {}
