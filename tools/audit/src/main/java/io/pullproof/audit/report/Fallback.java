package io.pullproof.audit.report;

/** A start the agent decided itself because no verdict came in time (it verified with the registry). */
public record Fallback(String at, String outcomeEventId, String requestId, StartRef start, String outcome,
    Integer registryStatus) {}
