package io.pullproof.cli.bench;

import io.pullproof.cli.BadInputException;
import io.pullproof.cli.PullproofCommand;
import io.pullproof.cli.demo.DemoCommand;
import io.pullproof.cli.demo.DemoDeployment;
import io.pullproof.sim.fleet.Fleet;
import io.pullproof.sim.fleet.FleetSpec;
import io.pullproof.sim.node.SimulatedFleet;
import io.pullproof.sim.run.SimulationSettings;
import io.pullproof.sim.run.SimulationSummary;
import io.pullproof.sim.workload.WorkloadMix;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * End to end (PERFORMANCE.md goal 4): the fleet simulation at scale against the real services, with
 * the registry round trips of Pullproof, AlwaysPullImages and per-node KEP-2535 on the same
 * recorded workload, and start latency. Starts its own Kafka, schema registry and PostgreSQL in a
 * temporary directory and stops everything at the end.
 */
@Command(name = "e2e", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"The fleet simulation end to end: 50 clusters x 200 nodes (--quick: 10 x 50), 100 tenants, churn,",
        "crash loops, cross-tenant attempts, a rotation and a revocation, every node running the real agent code against",
        "the real ledger and decision services and a token-auth registry. Prints registry round trips for Pullproof,",
        "AlwaysPullImages and per-node KEP-2535 on the same workload (goals: <= 1/10 and <= 1/2) and start latency,",
        "and the workload's floor: ideal fleet-wide records, the fewest round trips any enforcement that verifies",
        "unseen credentials can make. Writes the demo-summary fields to --json."})
public final class E2eBenchCommand implements Callable<Integer> {
  @Option(names = "--quick", description = "10 clusters x 50 nodes for 30 s instead of 50 x 200 for 90 s.")
  boolean quick;

  @Option(names = "--json", paramLabel = "FILE", required = true, description = "Where to write the result as JSON.")
  Path json;

  @Option(names = "--seed", defaultValue = "42", paramLabel = "N", description = "Workload seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--workers", defaultValue = "48", paramLabel = "N", description = "Starts in flight at most (default: ${DEFAULT-VALUE}).")
  int workers;

  @Option(names = "--resident-pods", defaultValue = "20", paramLabel = "N",
      description = "Pods per node in the fleet's history, seeded before the window (default: ${DEFAULT-VALUE}).")
  int residentPods;

  @Override
  public Integer call() throws Exception {
    if (json.toAbsolutePath().getParent() != null && !Files.isDirectory(json.toAbsolutePath().getParent())) {
      throw new BadInputException("--json " + json + ": its directory does not exist");
    }
    SimulationSettings settings;
    try {
      FleetSpec spec = quick ? new FleetSpec(10, 50, 100, 4, 2, 3, 4, 2, 0.2) : new FleetSpec(50, 200, 100, 4, 2, 3, 4, 2, 0.2);
      settings = new SimulationSettings(spec, WorkloadMix.defaults(), seed, Duration.ofSeconds(quick ? 30 : 90), 0, workers,
          residentPods, 0, 0, true, SimulatedFleet.AgentSettings.defaults(), Duration.ofSeconds(5));
    } catch (IllegalArgumentException e) {
      throw new BadInputException(e.getMessage());
    }
    DemoDeployment.quietLogs();
    Fleet fleet = Fleet.build(settings.fleet());
    // On Ctrl-C or SIGTERM the server processes are stopped by ChildProcess's exit hook.
    try (BenchServers servers = BenchServers.start("e2e");
        DemoDeployment deployment = DemoDeployment.start("bench", servers.kafka.bootstrapServers(), servers.registry.url(),
            servers.jdbcUrl(), servers.dir.resolve("work"), fleet, System.out)) {
      Map<String, Object> summary = deployment.simulate(settings, fleet, System.out);
      Map<String, Object> result = new LinkedHashMap<>(summary);
      result.put("quick", quick);
      result.put("availableProcessors", Runtime.getRuntime().availableProcessors());
      result.put("maxHeapBytes", Runtime.getRuntime().maxMemory());
      result.put("measuredAt", java.time.Instant.now().toString());
      SimulationSummary.print(result, System.out);
      DemoCommand.write(result, json);
      System.out.println("result written to " + json);
      return PullproofCommand.EXIT_OK;
    }
  }
}
