package io.pullproof.cli.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Assertions on an audit report (the JSON of {@code audit replay --format json}), reusable by any
 * test that injects findings into a log: this IT's own workload, or {@code ./pullproof demo
 * --inject-bypass N --inject-tamper M}, whose injected events follow the same contract
 * (docs/audit.md "Findings").
 */
public final class AuditReportCheck {
  private AuditReportCheck() {}

  /**
   * The report lists exactly {@code bypasses} starts without a verdict ({@code requestId} null,
   * {@code decisionSource} NONE) and {@code tampers} divergences, one per tampered request, none of
   * them a verdict the decision service issued — and nothing else: no ALLOW on a revoked or
   * expired grant, no fallback.
   */
  public static void onlyInjected(JsonNode report, int bypasses, int tampers) {
    assertThat(report.get("bypasses")).as("bypasses").hasSize(bypasses);
    for (JsonNode bypass : report.get("bypasses")) {
      assertThat(bypass.get("requestId").isNull()).as("bypass without a request: %s", bypass).isTrue();
      assertThat(bypass.get("decisionSource").asText()).isEqualTo("NONE");
    }
    assertThat(report.get("divergences")).as("divergences").hasSize(tampers);
    Set<String> requests = new HashSet<>();
    for (JsonNode divergence : report.get("divergences")) {
      assertThat(divergence.get("issuedByService").asBoolean()).as("tampered verdict: %s", divergence).isFalse();
      assertThat(divergence.get("recorded").get("verdict").asText())
          .as("opposite verdict: %s", divergence).isNotEqualTo(divergence.get("recomputed").get("verdict").asText());
      requests.add(divergence.get("requestId").asText());
    }
    assertThat(requests).as("one divergence per tampered request").hasSize(tampers);
    assertThat(report.get("revokedOrExpiredAllows")).as("revokedOrExpiredAllows").isEmpty();
    assertThat(report.get("fallbacks")).as("fallbacks").isEmpty();
  }

  /** {@link #onlyInjected}, and the findings are exactly these events. */
  static void exactly(JsonNode report, List<String> bypassOutcomeIds, List<String> tamperVerdictIds) {
    onlyInjected(report, bypassOutcomeIds.size(), tamperVerdictIds.size());
    assertThat(ids(report.get("bypasses"), "outcomeEventId")).containsExactlyInAnyOrderElementsOf(bypassOutcomeIds);
    assertThat(ids(report.get("divergences"), "verdictEventId")).containsExactlyInAnyOrderElementsOf(tamperVerdictIds);
  }

  static List<String> ids(JsonNode findings, String field) {
    List<String> ids = new ArrayList<>();
    findings.forEach(finding -> ids.add(finding.get(field).asText()));
    return ids;
  }
}
