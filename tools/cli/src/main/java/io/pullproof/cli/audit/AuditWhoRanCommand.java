package io.pullproof.cli.audit;

import io.pullproof.audit.AuditReplay;
import io.pullproof.audit.render.TableReport;
import io.pullproof.audit.report.StartEntry;
import io.pullproof.cli.PullproofCommand;
import io.pullproof.cli.ref.ImageParameter;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code pullproof audit who-ran IMAGE}: the image's timeline for a window, nothing else. */
@Command(name = "who-ran", mixinStandardHelpOptions = true,
    description = {"Who ran IMAGE between --from and --to: every start with its pod, node and cluster, the credential",
        "identity that let it run, the verdict and reason, and the observed outcome (the replay's timeline of one image)."},
    footer = {"", "Example: ./pullproof audit who-ran registry.example/team-a/app --stack .pullproof/stack --from 2026-11-22T10:00:00Z"})
public final class AuditWhoRanCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  AuditSource source;

  @Mixin
  ImageParameter image;

  @Option(names = "--json", description = "Print the entries as JSON instead of a table.")
  boolean json;

  @Override
  public Integer call() throws IOException {
    String name = image.parse().name();
    var query = source.query(name);
    AuditReplay.Result result = source.run(query);
    List<StartEntry> entries = result.report().timelinesByImage().getOrDefault(name, List.of());
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(ImageParameter.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(entries));
    } else {
      out.println(name + ": " + entries.size() + " starts between " + query.from() + " and " + query.to());
      TableReport.writeTimeline(entries, out);
    }
    out.flush();
    return PullproofCommand.EXIT_OK;
  }
}
