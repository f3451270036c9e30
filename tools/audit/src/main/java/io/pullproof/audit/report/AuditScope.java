package io.pullproof.audit.report;

/** What was replayed, as stated at the top of every report; {@code null} filters are absent. */
public record AuditScope(String from, String to, String cluster, String namespace, String image, String topicPrefix,
    String policy) {}
