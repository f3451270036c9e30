package io.pullproof.audit.render;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.pullproof.audit.report.AuditReport;
import java.io.IOException;
import java.io.Writer;

/** The report as JSON: the fields of {@link AuditReport} in declaration order, indented with {@code \n} line ends. */
final class JsonReport {
  private static final ObjectMapper JSON = new ObjectMapper()
      .configure(JsonGenerator.Feature.AUTO_CLOSE_TARGET, false)
      .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

  private JsonReport() {}

  static void write(AuditReport report, Writer out) throws IOException {
    DefaultPrettyPrinter printer = new DefaultPrettyPrinter()
        .withObjectIndenter(new DefaultIndenter("  ", "\n"))
        .withArrayIndenter(new DefaultIndenter("  ", "\n"));
    JSON.writer(printer).writeValue(out, report);
    out.write("\n");
  }
}
