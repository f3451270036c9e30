package io.pullproof.cli.chaos;

import io.pullproof.stack.process.ScratchDirectory;
import io.pullproof.cli.BadInputException;
import io.pullproof.cli.PullproofCommand;
import io.pullproof.cli.demo.DemoCommand;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code pullproof chaos}: real faults against real processes on loopback, one scenario at a time,
 * each judged by what the ledger holds afterwards and by the ground truth of every start.
 */
@Command(name = "chaos", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Injects real faults (SIGKILL, server restarts, deleted state) into a running Pullproof on 127.0.0.1",
        "while a load of pod starts runs through two node agents, and reports per scenario: events the agents accepted",
        "(pull reports, start requests), how many the ledger stored, lost and duplicated, and unsafe ALLOWs (a tenant",
        "starting another tenant's image, or an ALLOW verdict no stored grant supports). Scenarios: ledger-sigkill,",
        "kafka-restart, postgres-restart, decision-rebalance-kill, agent-state-loss, registry-down, decision-down. Starts its own Kafka, schema registry, PostgreSQL and OCI registry in a temporary directory;",
        "the services run as child JVMs. Exit codes: 0 every scenario passed, 3 one failed, 2 bad input, 1 failure."},
    footer = {"", "Example: ./pullproof chaos --quick --json chaos.json   (about 4 minutes; the full run about 8)"})
public final class ChaosCommand implements Callable<Integer> {
  public static final int EXIT_FAILED_SCENARIO = 3;

  @Option(names = "--quick", description = "5 s before, 5 s of fault, 6 s after each fault instead of 15 s each.")
  boolean quick;

  @Option(names = "--json", paramLabel = "FILE", required = true, description = "Where to write the result as JSON.")
  Path json;

  @Option(names = "--scenario", paramLabel = "NAME", description = "Run only this scenario (repeatable; default: all).")
  List<String> scenarios = new ArrayList<>();

  @Option(names = "--seed", defaultValue = "7", paramLabel = "N", description = "Load seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--keep", description = "Keep the working directory (services' logs, server data); by default it is kept"
      + " only when a scenario fails.")
  boolean keep;

  @Override
  public Integer call() throws Exception {
    Path parent = json.toAbsolutePath().getParent();
    if (parent != null && !Files.isDirectory(parent)) {
      throw new BadInputException("--json " + json + ": its directory does not exist");
    }
    Set<ChaosScenario> selected = new LinkedHashSet<>();
    try {
      scenarios.forEach(name -> selected.add(ChaosScenario.byId(name)));
    } catch (IllegalArgumentException e) {
      throw new BadInputException(e.getMessage());
    }
    if (selected.isEmpty()) {
      selected.addAll(List.of(ChaosScenario.values()));
    }
    ScenarioRun.Timing timing = quick ? ScenarioRun.Timing.quick() : ScenarioRun.Timing.full();
    Path dir = Files.createTempDirectory("pullproof-chaos-");
    List<Map<String, Object>> results = new ArrayList<>();
    boolean allPassed;
    ChaosServers servers = ChaosServers.start(dir.resolve("servers"), 6, line -> System.out.println("chaos: " + line));
    // Ctrl-C or SIGTERM: the child JVMs and servers are stopped by ChildProcess's exit hook.
    try {
      for (ChaosScenario scenario : selected) {
        results.add(runOne(scenario, servers, dir, timing));
        Map<String, Object> last = results.get(results.size() - 1);
        System.out.printf("chaos %s: sent %s, stored %s, lost %s, duplicated %s, unsafe ALLOWs %s: %s%n", scenario.id,
            last.get("sent"), last.get("stored"), last.get("lost"), last.get("duplicated"), last.get("unsafeAllows"),
            Boolean.TRUE.equals(last.get("passed")) ? "PASSED" : "FAILED " + last.get("failures"));
      }
      allPassed = results.stream().allMatch(r -> Boolean.TRUE.equals(r.get("passed")));
    } finally {
      servers.close();
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("quick", quick);
    out.put("seed", seed);
    out.put("measuredAt", Instant.now().toString());
    out.put("scenarios", results);
    DemoCommand.write(out, json);
    print(results);
    System.out.println("result written to " + json);
    if (keep || !allPassed) {
      System.out.println("logs and data kept in " + dir);
    } else {
      ScratchDirectory.deleteQuietly(dir);
    }
    return allPassed ? PullproofCommand.EXIT_OK : EXIT_FAILED_SCENARIO;
  }

  /**
   * One scenario; one that breaks (a server that does not come back, a deployment that does not
   * start) is a failed scenario with the error as its reason, and the run goes on to the next one,
   * so the JSON always tells what happened to each.
   */
  private Map<String, Object> runOne(ChaosScenario scenario, ChaosServers servers, Path dir, ScenarioRun.Timing timing)
      throws InterruptedException {
    try {
      return new ScenarioRun(scenario, servers, dir.resolve(scenario.id), timing, seed, System.out).run();
    } catch (IOException | SQLException | RuntimeException e) {
      System.out.println("chaos " + scenario.id + ": broke: " + e);
      e.printStackTrace(System.out);
      Map<String, Object> broken = new LinkedHashMap<>();
      broken.put("name", scenario.id);
      broken.put("description", scenario.description);
      broken.put("passed", false);
      broken.put("failures", List.of("the scenario broke: " + e));
      return broken;
    }
  }

  private static void print(List<Map<String, Object>> results) {
    System.out.printf("%n%-24s %7s %7s %5s %10s %13s  %s%n", "scenario", "sent", "stored", "lost", "duplicated",
        "unsafeAllows", "result");
    for (Map<String, Object> r : results) {
      System.out.printf("%-24s %7s %7s %5s %10s %13s  %s%n", r.get("name"), r.get("sent"), r.get("stored"), r.get("lost"),
          r.get("duplicated"), r.get("unsafeAllows"), Boolean.TRUE.equals(r.get("passed")) ? "passed" : "FAILED");
    }
  }
}
