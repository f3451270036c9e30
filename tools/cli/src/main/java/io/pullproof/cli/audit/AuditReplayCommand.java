package io.pullproof.cli.audit;

import io.pullproof.audit.AuditReplay;
import io.pullproof.audit.render.Format;
import io.pullproof.audit.report.AuditReport;
import io.pullproof.cli.BadInputException;
import io.pullproof.cli.PullproofCommand;
import io.pullproof.reference.ImageReference;
import io.pullproof.reference.InvalidReferenceException;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code pullproof audit replay}: the whole report for a window (docs/audit.md). */
@Command(name = "replay", mixinStandardHelpOptions = true,
    description = {"Replay --from..--to of the log: rebuild the grant state from the earliest retained events, re-decide",
        "every start request with the decision service's code, and report divergences, bypasses, ALLOWs on revoked or",
        "expired grants, fallbacks and per-image / per-tenant timelines. Same input, same bytes.",
        "Exit codes: 0 no finding in --fail-on, 3 findings, 2 bad input (named on stderr), 1 failure."},
    footer = {"", "Example: ./pullproof audit replay --stack .pullproof/stack --from 2026-11-22T10:00:00Z "
        + "--to 2026-11-22T11:00:00Z --format html --out audit.html"})
public final class AuditReplayCommand implements Callable<Integer> {
  public static final int EXIT_FINDINGS = 3;

  @Spec
  CommandSpec spec;

  @Mixin
  AuditSource source;

  @Option(names = "--image", paramLabel = "IMAGE", description = "Only this image (any reference; compared by normalised name).")
  String image;

  @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table",
      description = "table, json, csv or html (default: ${DEFAULT-VALUE}).")
  String format;

  @Option(names = "--out", paramLabel = "FILE", description = "Write the report here instead of standard output.")
  Path out;

  @Option(names = "--fail-on", paramLabel = "CATEGORY", split = ",",
      defaultValue = "divergences,bypasses,revokedOrExpiredAllows",
      description = "Findings that make the exit code 3: divergences, bypasses, revokedOrExpiredAllows, fallbacks, "
          + "all or none (default: ${DEFAULT-VALUE}).")
  List<String> failOn;

  @Override
  public Integer call() throws IOException {
    Format chosen = format(format);
    Set<AuditReport.Category> failing = failOn(failOn);
    String name = image == null ? null : normalisedName("--image", image);
    Path parent = out == null ? null : out.toAbsolutePath().getParent();
    if (parent != null && !Files.isDirectory(parent)) {
      throw new BadInputException("--out " + out + ": directory " + parent + " does not exist");
    }
    var query = source.query(name);
    AuditReplay.Result result = source.run(query);
    AuditReport report = result.report();
    write(report, chosen, out, spec.commandLine().getOut());
    if (out != null) {
      PrintWriter err = spec.commandLine().getErr();
      err.printf("audit: %,d events, %,d starts replayed in %.2f s (%,.0f events/s); report written to %s%n",
          result.records(), report.startsReplayed(), (result.readNanos() + result.replayNanos()) / 1e9,
          result.eventsPerSecond(), out);
      err.flush();
    }
    return exitCode(report, failing);
  }

  static int exitCode(AuditReport report, Set<AuditReport.Category> failing) {
    for (AuditReport.Category category : failing) {
      if (report.count(category) > 0) {
        return EXIT_FINDINGS;
      }
    }
    return PullproofCommand.EXIT_OK;
  }

  static void write(AuditReport report, Format format, Path file, PrintWriter stdout) throws IOException {
    if (file == null) {
      format.write(report, stdout);
      return;
    }
    try (Writer writer = new OutputStreamWriter(Files.newOutputStream(file), StandardCharsets.UTF_8)) {
      format.write(report, writer);
    }
  }

  static Format format(String value) {
    for (Format candidate : Format.values()) {
      if (candidate.optionName().equals(value.toLowerCase(Locale.ROOT))) {
        return candidate;
      }
    }
    throw new BadInputException("--format '" + value + "': expected table, json, csv or html");
  }

  static String normalisedName(String option, String image) {
    try {
      return ImageReference.parse(image).name();
    } catch (InvalidReferenceException e) {
      throw new BadInputException(option + " '" + image + "': " + e.getMessage(), e);
    }
  }

  private static Set<AuditReport.Category> failOn(List<String> values) {
    Set<AuditReport.Category> categories = EnumSet.noneOf(AuditReport.Category.class);
    List<String> valid = new ArrayList<>();
    for (AuditReport.Category category : AuditReport.Category.values()) {
      valid.add(category.optionName());
    }
    for (String value : values) {
      String v = value.trim();
      if (v.equals("all")) {
        categories.addAll(EnumSet.allOf(AuditReport.Category.class));
        continue;
      }
      if (v.equals("none")) {
        continue;
      }
      boolean known = false;
      for (AuditReport.Category category : AuditReport.Category.values()) {
        if (category.optionName().equalsIgnoreCase(v)) {
          categories.add(category);
          known = true;
        }
      }
      if (!known) {
        throw new BadInputException("--fail-on '" + v + "': expected " + String.join(", ", valid) + ", all or none");
      }
    }
    return categories;
  }
}
