package io.pullproof.audit.render;

import io.pullproof.audit.report.AuditReport;
import io.pullproof.audit.report.Bypass;
import io.pullproof.audit.report.Divergence;
import io.pullproof.audit.report.Fallback;
import io.pullproof.audit.report.PropagationLag;
import io.pullproof.audit.report.StaleAllow;
import io.pullproof.audit.report.StartEntry;
import io.pullproof.audit.report.StartRef;
import io.pullproof.audit.report.VerdictFields;
import java.io.IOException;
import java.io.Writer;
import java.util.List;

/**
 * The report as CSV (RFC 4180, {@code \r\n} line ends): one row per finding, then one row per
 * start of the image timelines ({@code category=start}), under one header.
 */
final class CsvReport {
  private static final List<String> HEADER = List.of("category", "at", "requestId", "eventId", "cluster", "node",
      "namespace", "pod", "container", "image", "imageRef", "recordedVerdict", "recordedReason", "recordedGrantId",
      "recomputedVerdict", "recomputedReason", "recomputedGrantId", "decisionSource", "outcome", "credential", "detail");

  private CsvReport() {}

  static void write(AuditReport report, Writer out) throws IOException {
    row(out, HEADER.toArray(String[]::new));
    for (Divergence d : report.divergences()) {
      row(out, "divergence", d.at(), d.requestId(), d.verdictEventId(), d.start(), d.recorded(), d.recomputed(), null, null,
          null, d.issuedByService() ? "issued by the decision service" : "not issued by the decision service");
    }
    for (Bypass b : report.bypasses()) {
      row(out, "bypass", b.at(), b.requestId(), b.outcomeEventId(), b.start(), null, null, b.decisionSource(), "STARTED",
          null, b.why());
    }
    for (StaleAllow s : report.revokedOrExpiredAllows()) {
      row(out, "revokedOrExpiredAllow", s.at(), s.requestId(), s.eventId(), s.start(), s.recorded(), s.recomputed(), s.via(),
          null, null, null);
    }
    for (Fallback f : report.fallbacks()) {
      row(out, "fallback", f.at(), f.requestId(), f.outcomeEventId(), f.start(), null, null, "REGISTRY_FALLBACK",
          f.outcome(), null, f.registryStatus() == null ? null : "registry status " + f.registryStatus());
    }
    for (PropagationLag p : report.withinPropagation()) {
      row(out, "withinPropagation", p.at(), p.requestId(), p.eventId(), p.start(), p.recorded(), p.recomputed(), null,
          null, null, p.kind() + " after " + p.lagMillis() + " ms");
    }
    for (List<StartEntry> timeline : report.timelinesByImage().values()) {
      for (StartEntry e : timeline) {
        row(out, "start", e.at(), e.requestId(), e.outcomeEventId(), e.start(), e.verdict(), null, e.decisionSource(),
            e.outcome(), e.credential(), e.finding());
      }
    }
  }

  private static void row(Writer out, String category, String at, String requestId, String eventId, StartRef s,
      VerdictFields recorded, VerdictFields recomputed, String source, String outcome, String credential, String detail)
      throws IOException {
    row(out, category, at, requestId, eventId, s.cluster(), s.node(), s.namespace(), s.pod(), s.container(), s.image(),
        s.imageRef(), recorded == null ? null : recorded.verdict(), recorded == null ? null : recorded.reason(),
        recorded == null ? null : recorded.grantId(), recomputed == null ? null : recomputed.verdict(),
        recomputed == null ? null : recomputed.reason(), recomputed == null ? null : recomputed.grantId(), source, outcome,
        credential, detail);
  }

  private static void row(Writer out, String... cells) throws IOException {
    for (int i = 0; i < cells.length; i++) {
      if (i > 0) {
        out.write(',');
      }
      out.write(cell(cells[i]));
    }
    out.write("\r\n");
  }

  private static String cell(String value) {
    if (value == null) {
      return "";
    }
    if (value.indexOf(',') < 0 && value.indexOf('"') < 0 && value.indexOf('\n') < 0 && value.indexOf('\r') < 0) {
      return value;
    }
    return '"' + value.replace("\"", "\"\"") + '"';
  }
}
