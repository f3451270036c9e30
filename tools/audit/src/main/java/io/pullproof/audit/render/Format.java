package io.pullproof.audit.render;

import io.pullproof.audit.report.AuditReport;
import java.io.IOException;
import java.io.Writer;
import java.util.Locale;

/** The report formats; each writes the whole report deterministically (no clock, sorted input). */
public enum Format {
  TABLE, JSON, CSV, HTML;

  public void write(AuditReport report, Writer out) throws IOException {
    switch (this) {
      case TABLE -> TableReport.write(report, out);
      case JSON -> JsonReport.write(report, out);
      case CSV -> CsvReport.write(report, out);
      case HTML -> HtmlReport.write(report, out);
    }
    out.flush();
  }

  public String optionName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
