package io.pullproof.audit.render;

import io.pullproof.audit.report.AuditReport;
import io.pullproof.audit.report.Bypass;
import io.pullproof.audit.report.Divergence;
import io.pullproof.audit.report.Fallback;
import io.pullproof.audit.report.StaleAllow;
import io.pullproof.audit.report.StartEntry;
import io.pullproof.audit.report.StartRef;
import io.pullproof.audit.report.Times;
import java.io.IOException;
import java.io.Writer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * The report as one self-contained HTML file: inline CSS and inline SVG, no script, no external
 * resource, so it opens anywhere (and offline) and renders the same every time. One timeline chart
 * per image: a lane per node, a mark per start, coloured by how it ran; findings are red.
 */
final class HtmlReport {
  private static final int WIDTH = 1100;
  private static final int LEFT = 220;
  private static final int LANE = 18;
  private static final int MAX_LANES = 60;

  private HtmlReport() {}

  static void write(AuditReport r, Writer out) throws IOException {
    var s = r.scope();
    out.write("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>Pullproof audit "
        + esc(s.from()) + " .. " + esc(s.to()) + "</title>\n<style>\n"
        + "body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222}h1{font-size:20px}h2{font-size:17px;margin-top:28px}"
        + "table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ccc;padding:3px 6px;font-size:12px;text-align:left}"
        + "th{background:#f2f2f2}.bad{color:#b00020;font-weight:bold}.ok{color:#1b7a1b;font-weight:bold}"
        + ".chart{border:1px solid #ddd;margin:6px 0 18px}.legend span{display:inline-block;margin-right:14px}"
        + "code{font-size:12px}\n</style></head><body>\n");
    out.write("<h1>Pullproof forensic audit</h1>\n<p>Window <code>" + esc(s.from()) + "</code> .. <code>" + esc(s.to())
        + "</code>; topics <code>" + esc(s.topicPrefix()) + "*</code>; policy " + esc(s.policy())
        + filter("cluster", s.cluster()) + filter("namespace", s.namespace()) + filter("image", s.image()) + "</p>\n");
    out.write("<table><tr><th>events read</th><th>starts replayed</th><th>divergences</th><th>bypasses</th>"
        + "<th>revoked/expired ALLOWs</th><th>fallbacks</th><th>within propagation (not findings)</th></tr><tr><td>"
        + r.events() + "</td><td>" + r.startsReplayed()
        + "</td>" + countCell(r.divergences().size()) + countCell(r.bypasses().size())
        + countCell(r.revokedOrExpiredAllows().size()) + "<td>" + r.fallbacks().size() + "</td><td>"
        + r.withinPropagation().size() + "</td></tr></table>\n");
    findings(r, out);
    out.write("<h2>Timelines by image</h2>\n<p class=\"legend\"><span style=\"color:#1b7a1b\">&#9679; started on ALLOW</span>"
        + "<span style=\"color:#1f5fbf\">&#9679; started after registry verification</span>"
        + "<span style=\"color:#888\">&#9679; blocked / no outcome</span><span style=\"color:#b00020\">&#9679; finding</span></p>\n");
    for (Map.Entry<String, List<StartEntry>> image : r.timelinesByImage().entrySet()) {
      // The image's own first and last start: a few busy seconds stay readable in a long window.
      List<StartEntry> entries = image.getValue();
      long from = Instant.parse(entries.get(0).at()).toEpochMilli();
      long to = Math.max(from + 1000, Instant.parse(entries.get(entries.size() - 1).at()).toEpochMilli());
      chart(image.getKey(), entries, from, to, out);
    }
    out.write("<h2>Tenants</h2>\n<table><tr><th>namespace</th><th>starts</th><th>images</th><th>findings</th></tr>\n");
    for (Map.Entry<String, List<StartEntry>> tenant : r.timelinesByTenant().entrySet()) {
      List<StartEntry> entries = tenant.getValue();
      long images = entries.stream().map(e -> e.start().image()).distinct().count();
      long findings = entries.stream().filter(e -> e.finding() != null).count();
      out.write("<tr><td>" + esc(tenant.getKey()) + "</td><td>" + entries.size() + "</td><td>" + images + "</td>"
          + countCell((int) findings) + "</tr>\n");
    }
    out.write("</table>\n</body></html>\n");
  }

  private static void findings(AuditReport r, Writer out) throws IOException {
    if (!r.divergences().isEmpty()) {
      out.write("<h2 class=\"bad\">Divergences</h2>\n<table><tr><th>at</th><th>where</th><th>recorded</th><th>recomputed</th>"
          + "<th>verdict event</th></tr>\n");
      for (Divergence d : r.divergences()) {
        out.write("<tr><td>" + esc(d.at()) + "</td><td>" + where(d.start()) + "</td><td>" + esc(d.recorded().toString())
            + "</td><td>" + esc(d.recomputed().toString()) + "</td><td><code>" + esc(d.verdictEventId()) + "</code>"
            + (d.issuedByService() ? "" : " <span class=\"bad\">not issued by the decision service</span>") + "</td></tr>\n");
      }
      out.write("</table>\n");
    }
    if (!r.bypasses().isEmpty()) {
      out.write("<h2 class=\"bad\">Bypasses</h2>\n<table><tr><th>at</th><th>where</th><th>source</th><th>why</th></tr>\n");
      for (Bypass b : r.bypasses()) {
        out.write("<tr><td>" + esc(b.at()) + "</td><td>" + where(b.start()) + "</td><td>" + esc(b.decisionSource())
            + "</td><td>" + esc(b.why()) + "</td></tr>\n");
      }
      out.write("</table>\n");
    }
    if (!r.revokedOrExpiredAllows().isEmpty()) {
      out.write("<h2 class=\"bad\">ALLOWs on revoked or expired grants</h2>\n<table><tr><th>at</th><th>where</th><th>via</th>"
          + "<th>recorded</th><th>recomputed</th></tr>\n");
      for (StaleAllow a : r.revokedOrExpiredAllows()) {
        out.write("<tr><td>" + esc(a.at()) + "</td><td>" + where(a.start()) + "</td><td>" + esc(a.via()) + "</td><td>"
            + esc(a.recorded().toString()) + "</td><td>" + esc(a.recomputed().toString()) + "</td></tr>\n");
      }
      out.write("</table>\n");
    }
    if (!r.fallbacks().isEmpty()) {
      out.write("<h2>Fallbacks (no verdict in time)</h2>\n<table><tr><th>at</th><th>where</th><th>outcome</th>"
          + "<th>registry status</th></tr>\n");
      for (Fallback f : r.fallbacks()) {
        out.write("<tr><td>" + esc(f.at()) + "</td><td>" + where(f.start()) + "</td><td>" + esc(f.outcome()) + "</td><td>"
            + f.registryStatus() + "</td></tr>\n");
      }
      out.write("</table>\n");
    }
    if (r.divergences().isEmpty() && r.bypasses().isEmpty() && r.revokedOrExpiredAllows().isEmpty()) {
      out.write("<p class=\"ok\">No divergence, bypass or ALLOW on a revoked or expired grant.</p>\n");
    }
  }

  /** One SVG: a lane per cluster/node (the first {@value #MAX_LANES} by name), x = time from the first start to the last. */
  private static void chart(String image, List<StartEntry> entries, long from, long to, Writer out) throws IOException {
    List<String> lanes = new ArrayList<>(new TreeSet<>(entries.stream().map(HtmlReport::lane).toList()));
    boolean cut = lanes.size() > MAX_LANES;
    if (cut) {
      lanes = lanes.subList(0, MAX_LANES);
    }
    int height = 30 + lanes.size() * LANE;
    out.write("<h3>" + esc(image) + " <small>(" + entries.size() + " starts)</small></h3>\n");
    out.write("<svg class=\"chart\" width=\"" + WIDTH + "\" height=\"" + height
        + "\" viewBox=\"0 0 " + WIDTH + " " + height + "\" role=\"img\" aria-label=\"timeline of " + esc(image) + "\">\n");
    for (int i = 0; i < lanes.size(); i++) {
      int y = 20 + i * LANE;
      out.write("<text x=\"4\" y=\"" + (y + 4) + "\" font-size=\"11\">" + esc(lanes.get(i)) + "</text><line x1=\"" + LEFT
          + "\" y1=\"" + y + "\" x2=\"" + (WIDTH - 10) + "\" y2=\"" + y + "\" stroke=\"#eee\"/>\n");
    }
    out.write("<text x=\"" + LEFT + "\" y=\"" + (height - 4) + "\" font-size=\"10\" fill=\"#666\">"
        + esc(Times.format(Instant.ofEpochMilli(from))) + "</text><text x=\"" + (WIDTH - 10) + "\" y=\"" + (height - 4)
        + "\" font-size=\"10\" fill=\"#666\" text-anchor=\"end\">" + esc(Times.format(Instant.ofEpochMilli(to))) + "</text>\n");
    double span = Math.max(1, to - from);
    for (StartEntry e : entries) {
      int laneIndex = lanes.indexOf(lane(e));
      if (laneIndex < 0) {
        continue;
      }
      long at = Math.min(Math.max(Instant.parse(e.at()).toEpochMilli(), from), to);
      double x = LEFT + (WIDTH - 10 - LEFT) * ((at - from) / span);
      int y = 20 + laneIndex * LANE;
      out.write(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%d\" r=\"%d\" fill=\"%s\"><title>%s</title></circle>%n",
          x, y, e.finding() == null ? 4 : 6, colour(e), esc(title(e))));
    }
    out.write("</svg>\n");
    if (cut) {
      out.write("<p><small>first " + MAX_LANES + " nodes shown</small></p>\n");
    }
  }

  private static String lane(StartEntry e) {
    return e.start().cluster() + "/" + e.start().node();
  }

  private static String colour(StartEntry e) {
    if (e.finding() != null) {
      return "#b00020";
    }
    if (!"STARTED".equals(e.outcome())) {
      return "#888888";
    }
    return "REGISTRY_VERIFICATION".equals(e.decisionSource()) || "REGISTRY_FALLBACK".equals(e.decisionSource())
        ? "#1f5fbf" : "#1b7a1b";
  }

  private static String title(StartEntry e) {
    StartRef s = e.start();
    return e.at() + " " + s.namespace() + "/" + s.pod() + " (" + s.container() + ") on " + s.cluster() + "/" + s.node()
        + "; " + e.credential() + "; " + (e.verdict() == null ? "no verdict" : e.verdict().toString()) + "; "
        + (e.outcome() == null ? "no outcome" : e.outcome() + " via " + e.decisionSource())
        + (e.finding() == null ? "" : "; " + e.finding());
  }

  private static String where(StartRef s) {
    return esc(s.cluster() + "/" + s.node()) + "<br>" + esc(s.namespace() + "/" + s.pod() + " (" + s.container() + ")")
        + "<br><code>" + esc(s.image() + (s.imageRef() == null ? "" : "@" + s.imageRef())) + "</code>";
  }

  private static String countCell(int count) {
    return "<td class=\"" + (count == 0 ? "ok" : "bad") + "\">" + count + "</td>";
  }

  private static String filter(String name, String value) {
    return value == null ? "" : "; " + name + " <code>" + esc(value) + "</code>";
  }

  static String esc(String text) {
    if (text == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}
