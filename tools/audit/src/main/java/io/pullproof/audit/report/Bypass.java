package io.pullproof.audit.report;

/**
 * A container that started with no verdict, or contrary to its verdict.
 *
 * @param requestId the request the start claims, or {@code null} when it never asked
 * @param why which rule it broke (docs/audit.md lists them)
 */
public record Bypass(String at, String outcomeEventId, String requestId, StartRef start, String decisionSource,
    String why) {}
