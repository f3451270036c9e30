package io.pullproof.ledger.model;

import java.time.Instant;

/**
 * A container start the agent observed without having asked for a verdict (its outcome has no
 * request id; decision source NONE): the starts Pullproof did not decide, which an audit needs to
 * see on their own because they appear in no request's history.
 */
public record BypassRecord(
    String outcomeId,
    Instant occurredAt,
    String cluster,
    String node,
    String podNamespace,
    String podName,
    String container,
    String name,
    String imageRef,
    String outcome,
    String decisionSource,
    String credentialHash,
    Integer registryStatus,
    String detail) {}
