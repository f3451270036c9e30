package io.pullproof.cli.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.pullproof.cli.BadInputException;
import io.pullproof.cli.PullproofCommand;
import io.pullproof.cli.stack.DurationConverter;
import io.pullproof.cli.stack.StackCommand;
import io.pullproof.kit.lifecycle.ShutdownSequence;
import io.pullproof.sim.fleet.Fleet;
import io.pullproof.sim.run.SimulationSettings;
import io.pullproof.sim.run.SimulationSummary;
import io.pullproof.stack.Stack;
import io.pullproof.stack.StackPorts;
import io.pullproof.stack.StackState;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code pullproof demo}: the whole system on this machine. Reuses a running {@code stack} (or
 * starts the embedded servers itself), starts the ledger and decision services and a token-auth
 * registry, runs a small simulated fleet through the real agent code, and prints the summary.
 * Everything it started stops at the end, on Ctrl-C and on SIGTERM.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Run Pullproof end to end on this machine and show what it does:",
        "3 clusters x 4 nodes, 6 tenants with their own pull secrets and service accounts, private, shared, public and",
        "platform images in a real token-auth registry, node-wide credentials on some nodes, pod churn, crash loops,",
        "a secret rotation, a revocation, and tenants trying other tenants' cached private images.",
        "Every simulated node runs the real node-agent code against the real ledger and decision services.",
        "Reuses `./pullproof stack up` when it runs; otherwise starts the embedded servers and stops them at the end."})
public final class DemoCommand implements Callable<Integer> {
  @Option(names = "--duration", defaultValue = "30s", paramLabel = "DURATION", converter = DurationConverter.class,
      description = "Length of the simulated window, 5s to 1h (default: ${DEFAULT-VALUE}).")
  Duration duration;

  @Option(names = "--summary", paramLabel = "FILE", description = "Also write the summary as JSON to FILE.")
  Path summaryFile;

  @Option(names = "--keep", description = {"Keep the ledger API up afterwards and print LEDGER_URL, LEDGER_TOKEN and",
      "example queries, until Ctrl-C."})
  boolean keep;

  @Option(names = "--inject-bypass", defaultValue = "0", paramLabel = "N",
      description = "Make N authorised starts without asking for a verdict (for `audit replay` to find).")
  int injectBypass;

  @Option(names = "--inject-tamper", defaultValue = "0", paramLabel = "N",
      description = "Publish N extra REPULL verdicts contradicting ALLOWs already enforced (for `audit replay` to find).")
  int injectTamper;

  @Option(names = "--seed", defaultValue = "42", paramLabel = "N", description = "Seed of the workload (default: ${DEFAULT-VALUE}).")
  long seed;

  @Mixin
  StackCommand.DataDirOption dataDir;

  @Override
  public Integer call() throws Exception {
    if (duration.compareTo(Duration.ofSeconds(5)) < 0 || duration.compareTo(Duration.ofHours(1)) > 0) {
      throw new BadInputException("--duration " + duration.toSeconds() + "s: must be from 5s to 1h");
    }
    if (injectBypass < 0 || injectBypass > 10_000) {
      throw new BadInputException("--inject-bypass " + injectBypass + ": must be from 0 to 10000");
    }
    if (injectTamper < 0 || injectTamper > 10_000) {
      throw new BadInputException("--inject-tamper " + injectTamper + ": must be from 0 to 10000");
    }
    if (summaryFile != null && summaryFile.toAbsolutePath().getParent() != null
        && !Files.isDirectory(summaryFile.toAbsolutePath().getParent())) {
      throw new BadInputException("--summary " + summaryFile + ": its directory does not exist");
    }
    DemoDeployment.quietLogs();
    PrintStream out = System.out;
    ShutdownSequence started = new ShutdownSequence().onJvmExit();
    try {
      Path dir = dataDir.resolve();
      Infrastructure infra = infrastructure(dir, started, out);
      SimulationSettings settings = SimulationSettings.demo(duration, seed, injectBypass, injectTamper);
      Fleet fleet = Fleet.build(settings.fleet());
      DemoDeployment deployment = started.started("demo deployment", DemoDeployment.start("demo", infra.bootstrap(),
          infra.schemaRegistry(), infra.postgresUrl(), dir.resolve("demo"), fleet, out));
      out.printf("demo: running the fleet for %d s (topics %s*)%n", duration.toSeconds(), deployment.topics().prefix());
      Map<String, Object> summary = deployment.simulate(settings, fleet, out);
      SimulationSummary.print(summary, out);
      if (summaryFile != null) {
        write(summary, summaryFile);
        out.println("summary written to " + summaryFile);
      }
      if (keep) {
        keepLedger(deployment, out);
      }
      return PullproofCommand.EXIT_OK;
    } finally {
      started.close();
    }
  }

  /** Endpoints of the servers the demo uses. */
  record Infrastructure(String bootstrap, String schemaRegistry, String postgresUrl) {}

  /** The running stack's servers, or embedded servers this command starts (and stops at the end). */
  private static Infrastructure infrastructure(Path dir, ShutdownSequence started, PrintStream out) {
    Optional<StackState> state = StackState.read(dir);
    if (state.isPresent() && "UP".equals(state.get().status())
        && ProcessHandle.of(state.get().supervisorPid()).map(ProcessHandle::isAlive).orElse(false)) {
      out.println("demo: reusing the running stack (supervisor pid " + state.get().supervisorPid() + ")");
      return new Infrastructure(state.get().kafkaBootstrap(), state.get().schemaRegistryUrl(), state.get().postgresJdbcUrl());
    }
    out.println("demo: no running stack in " + dir + ": starting the embedded servers (stopped when the demo ends)");
    StackPorts ports = state.map(StackState::ports).orElse(StackPorts.any());
    Stack stack = started.started("embedded stack", Stack.start(dir, ports, line -> out.println("demo: " + line)));
    return new Infrastructure(stack.kafka().bootstrapServers(), stack.schemaRegistry().url(), stack.postgres().jdbcUrl("postgres"));
  }

  private static void keepLedger(DemoDeployment deployment, PrintStream out) throws InterruptedException {
    LocalServices services = deployment.services();
    out.println();
    out.println("LEDGER_URL=" + services.ledgerUrl());
    out.println("LEDGER_TOKEN=" + services.readerToken());
    out.println("LEDGER_ADMIN_TOKEN=" + services.adminToken());
    out.println("# examples (reader token: grants and stats; admin token: start history and revocations):");
    out.println("curl -s -H \"Authorization: Bearer $LEDGER_TOKEN\" \"$LEDGER_URL/api/v1/stats\"");
    out.println("curl -s -H \"Authorization: Bearer $LEDGER_TOKEN\" \"$LEDGER_URL/api/v1/grants?namespace=tenant-01&limit=5\"");
    out.println("curl -s -H \"Authorization: Bearer $LEDGER_ADMIN_TOKEN\" \"$LEDGER_URL/api/v1/starts?namespace=tenant-02&limit=5\"");
    out.println("curl -s -H \"Authorization: Bearer $LEDGER_ADMIN_TOKEN\" \"$LEDGER_URL/api/v1/revocations\"");
    out.println("# the ledger stays up until Ctrl-C");
    new CountDownLatch(1).await();
  }

  public static void write(Map<String, Object> summary, Path file) throws IOException {
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), summary);
  }
}
