package io.pullproof.cli.sim;

import io.pullproof.cli.BadInputException;
import io.pullproof.cli.PullproofCommand;
import io.pullproof.cli.demo.DemoDeployment;
import io.pullproof.cli.stack.DurationConverter;
import io.pullproof.cli.stack.StackCommand;
import io.pullproof.kafka.TopicNames;
import io.pullproof.kit.lifecycle.ShutdownSequence;
import io.pullproof.sim.fleet.Fleet;
import io.pullproof.sim.fleet.FleetSpec;
import io.pullproof.sim.node.SimulatedFleet;
import io.pullproof.sim.run.SimRegistry;
import io.pullproof.sim.run.Simulation;
import io.pullproof.sim.run.SimulationSettings;
import io.pullproof.sim.run.SimulationSummary;
import io.pullproof.sim.workload.WorkloadMix;
import io.pullproof.stack.StackState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code pullproof sim}: the fleet simulator against any deployment (Kafka, schema registry, and
 * decision and ledger services already consuming the given topic prefix). The simulator brings its
 * own token-auth registry (the ground truth); its nodes share one producer and one verdict reader.
 */
@Command(name = "sim", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Simulate a fleet against a running deployment: clusters x nodes running the real node-agent code,",
        "with churn, crash loops and cross-tenant attempts, judged against the registry's grants (ground truth), and",
        "compared with AlwaysPullImages and per-node KEP-2535 on the same workload.",
        "The decision and ledger services must already run on --topic-prefix (e.g. `./pullproof demo --keep`'s, or",
        "`./pullproof decision` and `./pullproof ledger`). Defaults for the endpoints come from a running `stack`."})
public final class SimCommand implements Callable<Integer> {
  @Option(names = "--bootstrap", paramLabel = "HOST:PORT", description = "Kafka bootstrap servers (default: the running stack's).")
  String bootstrap;

  @Option(names = "--schema-registry", paramLabel = "URL", description = "Schema registry URL (default: the running stack's).")
  String schemaRegistry;

  @Option(names = "--ledger-url", paramLabel = "URL", description = "Ledger API URL, recorded in the summary for `audit replay`.")
  String ledgerUrl;

  @Option(names = "--topic-prefix", defaultValue = TopicNames.DEFAULT_PREFIX, paramLabel = "PREFIX",
      description = "Topic prefix the services use (default: ${DEFAULT-VALUE}).")
  String topicPrefix;

  @Option(names = "--clusters", defaultValue = "50", paramLabel = "N", description = "Clusters (default: ${DEFAULT-VALUE}).")
  int clusters;

  @Option(names = "--nodes", defaultValue = "200", paramLabel = "N", description = "Nodes per cluster (default: ${DEFAULT-VALUE}).")
  int nodes;

  @Option(names = "--tenants", defaultValue = "100", paramLabel = "N", description = "Tenants (default: ${DEFAULT-VALUE}).")
  int tenants;

  @Option(names = "--churn", defaultValue = "200", paramLabel = "STARTS_PER_S",
      description = "Container starts offered per second; 0 = as fast as the workers go (default: ${DEFAULT-VALUE}).")
  double churn;

  @Option(names = "--restart-share", defaultValue = "0.30", paramLabel = "P",
      description = "Share of starts that are crash-loop restarts (default: ${DEFAULT-VALUE}).")
  double restartShare;

  @Option(names = "--attack-share", defaultValue = "0.05", paramLabel = "P",
      description = "Share of starts that try another tenant's cached private image (default: ${DEFAULT-VALUE}).")
  double attackShare;

  @Option(names = "--tenant-mix", defaultValue = "0.45,0.25", paramLabel = "PRIVATE,SHARED",
      description = "Of a tenant's new pods: share on its own private images, share on its group's shared images;"
          + " the rest run public images (default: ${DEFAULT-VALUE}).")
  String tenantMix;

  @Option(names = "--seed", defaultValue = "42", paramLabel = "N", description = "Workload seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--duration", defaultValue = "60s", paramLabel = "DURATION", converter = DurationConverter.class,
      description = "Length of the measured window (default: ${DEFAULT-VALUE}).")
  Duration duration;

  @Option(names = "--workers", defaultValue = "64", paramLabel = "N", description = "Starts in flight at most (default: ${DEFAULT-VALUE}).")
  int workers;

  @Option(names = "--resident-pods", defaultValue = "3", paramLabel = "N",
      description = "Pods per node in the fleet's history, seeded before the window (default: ${DEFAULT-VALUE}).")
  int residentPods;

  @Option(names = "--summary", paramLabel = "FILE", description = "Write the summary as JSON to FILE.")
  Path summaryFile;

  @Option(names = "--work-dir", paramLabel = "DIR", description = "Where the simulator's registry keeps its files (default: a temporary directory).")
  Path workDir;

  @Override
  public Integer call() throws Exception {
    Optional<StackState> stack = StackState.read(StackCommand.defaultDataDir());
    String kafka = bootstrap != null ? bootstrap : stack.map(StackState::kafkaBootstrap)
        .orElseThrow(() -> new BadInputException("--bootstrap: not given and no running stack to take it from"));
    String registryUrl = schemaRegistry != null ? schemaRegistry : stack.map(StackState::schemaRegistryUrl)
        .orElseThrow(() -> new BadInputException("--schema-registry: not given and no running stack to take it from"));
    TopicNames topics;
    SimulationSettings settings;
    try {
      topics = new TopicNames(topicPrefix);
    } catch (IllegalArgumentException e) {
      throw new BadInputException("--topic-prefix: " + e.getMessage());
    }
    try {
      String[] mix = tenantMix.split(",");
      if (mix.length != 2) {
        throw new IllegalArgumentException("tenant mix '" + tenantMix + "': expected PRIVATE,SHARED such as 0.45,0.25");
      }
      FleetSpec spec = new FleetSpec(clusters, nodes, tenants, Math.min(4, tenants), 2, 3, 4, 2, 0.2);
      WorkloadMix workload = WorkloadMix.defaults().withRestartShare(restartShare).withAttackShare(attackShare)
          .withTenantMix(Double.parseDouble(mix[0].trim()), Double.parseDouble(mix[1].trim()));
      settings = new SimulationSettings(spec, workload, seed, duration, churn, workers, residentPods, 0, 0, true,
          SimulatedFleet.AgentSettings.defaults(), Duration.ofSeconds(5));
    } catch (IllegalArgumentException e) {
      // The records name the field; the flags carry the same names in kebab case.
      throw new BadInputException(e.getMessage());
    }
    DemoDeployment.quietLogs();
    Fleet fleet = Fleet.build(settings.fleet());
    Path dir = workDir != null ? workDir : Files.createTempDirectory("pullproof-sim-");
    try (ShutdownSequence started = new ShutdownSequence().onJvmExit()) {
      SimRegistry registry = started.started("simulated fleet's registry", SimRegistry.start(dir, fleet, System.out::println));
      Map<String, Object> summary = new Simulation(settings, new Simulation.Endpoints(kafka, registryUrl, topics, ledgerUrl),
          registry, fleet, System.out).run();
      SimulationSummary.print(summary, System.out);
      if (summaryFile != null) {
        io.pullproof.cli.demo.DemoCommand.write(summary, summaryFile);
        System.out.println("summary written to " + summaryFile);
      }
      return PullproofCommand.EXIT_OK;
    }
  }
}
