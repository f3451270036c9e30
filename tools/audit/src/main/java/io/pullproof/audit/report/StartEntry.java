package io.pullproof.audit.report;

/**
 * One line of a timeline: a start (or a start request that has no outcome) with the credential
 * that let it run and the verdict it ran under.
 *
 * @param credential the identity that proved access: the grant the verdict relied on, or the
 *     credential the agent verified with the registry; otherwise what the pod offered
 * @param verdict the recorded verdict (the decision service's, when several were recorded), or {@code null}
 * @param outcome the observed outcome, or {@code null} when none was observed
 */
public record StartEntry(String at, String requestId, String outcomeEventId, StartRef start, String credential,
    VerdictFields verdict, String outcome, String decisionSource, String finding) {}
