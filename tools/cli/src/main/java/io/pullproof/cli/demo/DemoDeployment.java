package io.pullproof.cli.demo;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.pullproof.kafka.TopicNames;
import io.pullproof.kit.lifecycle.ShutdownSequence;
import io.pullproof.sim.fleet.Fleet;
import io.pullproof.sim.run.SimRegistry;
import io.pullproof.sim.run.Simulation;
import io.pullproof.sim.run.SimulationSettings;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.LoggerFactory;

/**
 * What a demo (or {@code bench e2e}) runs the simulated fleet against, given Kafka, a schema registry
 * and PostgreSQL: the ledger and decision services on a fresh topic prefix and ledger schema, and
 * the simulation's own token-auth OCI registry with the fleet's users, grants and images.
 * {@link #close()} stops all of it in reverse order.
 */
public final class DemoDeployment implements AutoCloseable {
  private final ShutdownSequence parts = new ShutdownSequence();
  private final String bootstrap;
  private final String schemaRegistry;
  private final TopicNames topics;
  private LocalServices services;
  private SimRegistry registry;

  private DemoDeployment(String bootstrap, String schemaRegistry, TopicNames topics) {
    this.bootstrap = bootstrap;
    this.schemaRegistry = schemaRegistry;
    this.topics = topics;
  }

  /** Starts the services and the registry; {@code kind} names the run ("demo", "bench") in the topic prefix and schema. */
  public static DemoDeployment start(String kind, String bootstrap, String schemaRegistry, String postgresUrl, Path workDir,
      Fleet fleet, PrintStream out) throws IOException, InterruptedException {
    String runId = ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))
        + "-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));
    DemoDeployment deployment = new DemoDeployment(bootstrap, schemaRegistry, new TopicNames("pullproof-" + kind + "-" + runId + "."));
    try {
      deployment.services = deployment.parts.started("ledger and decision services", LocalServices.start(bootstrap,
          schemaRegistry, postgresUrl, deployment.topics, kind + "_" + runId.replace('-', '_'), workDir,
          line -> out.println(kind + ": " + line)));
      out.println(kind + ": starting the fleet's token-auth OCI registry");
      deployment.registry = deployment.parts.started("simulated fleet's registry",
          SimRegistry.start(workDir.resolve("registry-" + runId), fleet, line -> out.println(kind + ": " + line)));
      return deployment;
    } catch (RuntimeException | IOException | InterruptedException e) {
      deployment.close();
      throw e;
    }
  }

  /** Runs one simulation against this deployment and returns its summary. */
  public Map<String, Object> simulate(SimulationSettings settings, Fleet fleet, PrintStream out) throws Exception {
    return new Simulation(settings, new Simulation.Endpoints(bootstrap, schemaRegistry, topics, services.ledgerUrl()),
        registry, fleet, out).run();
  }

  /** The fleet's registry: its users' passwords are the pull secrets' contents. */
  public SimRegistry registry() {
    return registry;
  }

  public LocalServices services() {
    return services;
  }

  public TopicNames topics() {
    return topics;
  }

  /** Our services log at INFO for operators; a demo shows its own progress lines instead. */
  public static void quietLogs() {
    ((Logger) LoggerFactory.getLogger("io.pullproof")).setLevel(Level.WARN);
  }

  @Override
  public void close() {
    parts.close();
  }
}
