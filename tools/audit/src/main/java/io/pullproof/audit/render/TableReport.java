package io.pullproof.audit.render;

import io.pullproof.audit.report.AuditReport;
import io.pullproof.audit.report.Bypass;
import io.pullproof.audit.report.Divergence;
import io.pullproof.audit.report.Fallback;
import io.pullproof.audit.report.StaleAllow;
import io.pullproof.audit.report.StartEntry;
import io.pullproof.audit.report.StartRef;
import java.io.IOException;
import java.io.Writer;
import java.util.List;
import java.util.Map;

/** The report for a terminal: the summary, every finding, and one line per image. */
public final class TableReport {
  private TableReport() {}

  static void write(AuditReport r, Writer out) throws IOException {
    var s = r.scope();
    out.write("audit replay " + s.from() + " .. " + s.to() + filters(r) + "\n");
    out.write(String.format("events read %,d, starts replayed %,d; divergences %d, bypasses %d, "
            + "revoked/expired ALLOWs %d, fallbacks %d; within propagation (not findings) %d%n", r.events(),
        r.startsReplayed(), r.divergences().size(), r.bypasses().size(), r.revokedOrExpiredAllows().size(),
        r.fallbacks().size(), r.withinPropagation().size()));
    if (!r.divergences().isEmpty()) {
      out.write("\nDIVERGENCES (recorded verdict != recomputed)\n");
      for (Divergence d : r.divergences()) {
        out.write("  " + d.at() + "  " + where(d.start()) + "\n    recorded   " + d.recorded() + "   (verdict "
            + d.verdictEventId() + (d.issuedByService() ? ")" : ", NOT issued by the decision service)")
            + "\n    recomputed " + d.recomputed() + "   request " + d.requestId() + "\n");
      }
    }
    if (!r.bypasses().isEmpty()) {
      out.write("\nBYPASSES (started with no verdict, or contrary to it)\n");
      for (Bypass b : r.bypasses()) {
        out.write("  " + b.at() + "  " + where(b.start()) + "\n    " + b.decisionSource() + ": " + b.why()
            + "   (outcome " + b.outcomeEventId() + (b.requestId() == null ? "" : ", request " + b.requestId()) + ")\n");
      }
    }
    if (!r.revokedOrExpiredAllows().isEmpty()) {
      out.write("\nALLOWS ON REVOKED OR EXPIRED GRANTS\n");
      for (StaleAllow a : r.revokedOrExpiredAllows()) {
        out.write("  " + a.at() + "  " + where(a.start()) + "\n    " + a.via() + " recorded " + a.recorded()
            + ", recomputed " + a.recomputed() + "   (event " + a.eventId() + ")\n");
      }
    }
    if (!r.fallbacks().isEmpty()) {
      out.write("\nFALLBACKS (no verdict in time; the agent verified with the registry)\n");
      for (Fallback f : r.fallbacks()) {
        out.write("  " + f.at() + "  " + where(f.start()) + "  " + f.outcome() + " registry status " + f.registryStatus() + "\n");
      }
    }
    out.write("\nIMAGES\n");
    out.write(String.format("  %-60s %8s %8s %8s %8s%n", "image", "starts", "tenants", "nodes", "findings"));
    for (Map.Entry<String, List<StartEntry>> image : r.timelinesByImage().entrySet()) {
      List<StartEntry> entries = image.getValue();
      long tenants = entries.stream().map(e -> e.start().namespace()).distinct().count();
      long nodes = entries.stream().map(e -> e.start().cluster() + "/" + e.start().node()).distinct().count();
      long findings = entries.stream().filter(e -> e.finding() != null).count();
      out.write(String.format("  %-60s %8d %8d %8d %8d%n", image.getKey(), entries.size(), tenants, nodes, findings));
    }
    if (!r.notes().isEmpty()) {
      out.write("\nnotes: " + r.notes() + "\n");
    }
  }

  /** Timeline lines for {@code who-ran}: who ran the image where, with which credential, under which verdict. */
  public static void writeTimeline(List<StartEntry> entries, Writer out) throws IOException {
    out.write(String.format("%-24s %-28s %-32s %-12s %-36s %-34s %s%n", "at", "cluster/node", "namespace/pod",
        "container", "credential", "verdict", "outcome"));
    for (StartEntry e : entries) {
      StartRef s = e.start();
      out.write(String.format("%-24s %-28s %-32s %-12s %-36s %-34s %s%n", e.at(), s.cluster() + "/" + s.node(),
          s.namespace() + "/" + s.pod(), s.container(), e.credential(),
          e.verdict() == null ? "(no verdict)" : e.verdict().verdict() + " " + e.verdict().reason(),
          (e.outcome() == null ? "(no outcome)" : e.outcome() + " via " + e.decisionSource())
              + (e.finding() == null ? "" : "  ! " + e.finding())));
    }
  }

  private static String where(StartRef s) {
    return s.cluster() + "/" + s.node() + "  " + s.namespace() + "/" + s.pod() + " (" + s.container() + ")  " + s.image()
        + (s.imageRef() == null ? "" : "@" + s.imageRef());
  }

  private static String filters(AuditReport r) {
    var s = r.scope();
    return (s.cluster() == null ? "" : " cluster=" + s.cluster()) + (s.namespace() == null ? "" : " namespace=" + s.namespace())
        + (s.image() == null ? "" : " image=" + s.image()) + "  (topics " + s.topicPrefix() + "*, policy " + s.policy() + ")";
  }
}
