package io.pullproof.cli.chaos;

import io.pullproof.cli.chaos.ScenarioDeployment.Agent;
import io.pullproof.cli.process.ServiceProcess;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One scenario from start to verdict: deploy the services, run the load for a while, inject the
 * fault, keep the load on through the fault window, heal, run on, stop the load, wait until the
 * ledger has caught up, then count. The faults and their healing are all in this class.
 */
final class ScenarioRun {
  /** How long each phase of a scenario lasts. */
  record Timing(Duration before, Duration during, Duration after, Duration drain) {
    static Timing quick() {
      return new Timing(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(6), Duration.ofSeconds(60));
    }

    static Timing full() {
      return new Timing(Duration.ofSeconds(15), Duration.ofSeconds(15), Duration.ofSeconds(15), Duration.ofSeconds(120));
    }
  }

  static final int AGENTS = 2;
  static final int WORKERS = 4;
  private static final Duration RECOVERY_TIMEOUT = Duration.ofSeconds(90);

  private final ChaosScenario scenario;
  private final ChaosServers servers;
  private final Path dir;
  private final Timing timing;
  private final long seed;
  private final PrintStream out;
  private final Map<String, Object> fault = new LinkedHashMap<>();
  private final List<String> failures = new ArrayList<>();

  ScenarioRun(ChaosScenario scenario, ChaosServers servers, Path dir, Timing timing, long seed, PrintStream out) {
    this.scenario = scenario;
    this.servers = servers;
    this.dir = dir;
    this.timing = timing;
    this.seed = seed;
    this.out = out;
  }

  /** Runs the scenario; the result is the JSON object of one scenario. */
  Map<String, Object> run() throws IOException, SQLException, InterruptedException {
    say("deploying a ledger, " + scenario.decisionInstances + " decision instance(s) and " + AGENTS + " agents");
    try (ScenarioDeployment deployment = ScenarioDeployment.start(servers, scenario.id, dir, scenario.decisionInstances, AGENTS)) {
      ChaosLoad load = new ChaosLoad(deployment.agents().stream().map(Agent::api).toList(), servers.tenants(),
          servers.registryHostPort(), servers.registryTrust(), seed);
      long faultStarted;
      long healed;
      try {
        load.start(WORKERS);
        say("load on for " + timing.before().toSeconds() + " s");
        Thread.sleep(timing.before().toMillis());
        load.phase("during");
        faultStarted = System.nanoTime();
        inject(deployment, load);
        Thread.sleep(timing.during().toMillis());
        heal(deployment);
        healed = System.nanoTime();
        fault.put("faultWindowMillis", (healed - faultStarted) / 1_000_000);
        load.phase("after");
        say("healed after " + (healed - faultStarted) / 1_000_000 + " ms");
        awaitRecovery(load, healed);
        say("load on for " + timing.after().toSeconds() + " s more");
        Thread.sleep(timing.after().toMillis());
      } finally {
        load.close();
      }
      LedgerTally stored = drain(deployment, load);
      return result(load, stored);
    }
  }

  // ---- the faults

  private void inject(ScenarioDeployment deployment, ChaosLoad load) throws SQLException {
    switch (scenario) {
      case LEDGER_SIGKILL -> {
        int sentAtKill = load.pullsSent().size();
        LedgerTally before = LedgerTally.read(servers.jdbcUrl(), deployment.schema());
        deployment.ledger().kill();
        fault.put("pullsSentAtKill", sentAtKill);
        fault.put("pullsStoredAtKill", before.pulls().size());
        say("ledger killed with SIGKILL (" + before.pulls().size() + " of " + sentAtKill + " pulls stored)");
      }
      case KAFKA_RESTART -> {
        servers.stopKafka();
        say("Kafka stopped");
      }
      case POSTGRES_RESTART -> {
        servers.stopPostgres();
        say("PostgreSQL stopped");
      }
      case DECISION_REBALANCE_KILL -> {
        // A graceful leave starts a rebalance at once; the survivor dies in the middle of it.
        ServiceProcess leaving = deployment.decisions().get(1);
        ServiceProcess victim = deployment.decisions().get(0);
        Thread leave = new Thread(leaving::stop, "chaos-leave");
        leave.start();
        sleepQuietly(Duration.ofMillis(300));
        victim.kill();
        joinQuietly(leave);
        say(leaving.name() + " left the group; " + victim.name() + " killed with SIGKILL 300 ms later");
      }
      case AGENT_STATE_LOSS -> {
        Agent agent = deployment.agents().get(0);
        agent.process().kill();
        fault.put("stateBytesLost", sizeOf(agent.stateDir()));
        ScenarioDeployment.wipe(agent.stateDir());
        say(agent.process().name() + " killed with SIGKILL and its state directory deleted ("
            + fault.get("stateBytesLost") + " bytes)");
      }
      case REGISTRY_DOWN -> {
        servers.stopRegistry();
        say("OCI registry stopped");
      }
      case DECISION_DOWN -> {
        deployment.decisions().get(0).kill();
        say("decision service killed with SIGKILL");
      }
    }
  }

  private void heal(ScenarioDeployment deployment) {
    switch (scenario) {
      case LEDGER_SIGKILL -> deployment.ledger().start();
      case KAFKA_RESTART -> servers.startKafka();
      case POSTGRES_RESTART -> servers.startPostgres();
      case DECISION_REBALANCE_KILL -> deployment.addDecision().start();
      case AGENT_STATE_LOSS -> deployment.agents().get(0).process().start();
      case REGISTRY_DOWN -> servers.startRegistry();
      case DECISION_DOWN -> deployment.decisions().get(0).start();
    }
  }

  /**
   * Waits (load on) until a start is ALLOWed by a fresh verdict again: the whole path, agent to
   * Kafka to decision service and back, works. Kafka clients reconnect with backoff and consumer
   * groups rejoin, so this takes seconds after a restart; how many is measured.
   */
  private void awaitRecovery(ChaosLoad load, long healed) throws InterruptedException {
    long deadline = healed + RECOVERY_TIMEOUT.toNanos();
    while (load.count("after", "START VERDICT") == 0 && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    if (load.count("after", "START VERDICT") == 0) {
      failures.add("no start was ALLOWed by a verdict within " + RECOVERY_TIMEOUT.toSeconds() + " s of healing");
      return;
    }
    long millis = (System.nanoTime() - healed) / 1_000_000;
    fault.put("recoveryMillis", millis);
    say("verdicts flowing again " + millis + " ms after healing");
  }

  /** What the load must have seen for the fault to count as felt. */
  private void expect(ChaosLoad load) {
    switch (scenario) {
      case DECISION_DOWN -> {
        if (load.count("during", "START REGISTRY_FALLBACK") == 0) {
          failures.add("no start fell back to registry verification while the decision service was down");
        }
      }
      case REGISTRY_DOWN -> {
        long unreachable = load.count("during", "BLOCK REGISTRY_VERIFICATION BLOCKED_REGISTRY_UNREACHABLE")
            + load.count("during", "BLOCK REGISTRY_FALLBACK BLOCKED_REGISTRY_UNREACHABLE") + load.count("during", "pull UNREACHABLE");
        if (unreachable == 0) {
          failures.add("nothing reached for the registry while it was down: the fault was not exercised");
        }
      }
      case AGENT_STATE_LOSS -> {
        if (load.count("during", "agent unreachable") == 0) {
          failures.add("no start found the agent down: the fault was not exercised");
        }
      }
      default -> { }
    }
  }

  // ---- counting

  /** Waits until the ledger holds every event the agents accepted, or the drain time is up. */
  private LedgerTally drain(ScenarioDeployment deployment, ChaosLoad load) throws SQLException, InterruptedException {
    Set<String> pulls = load.pullsSent();
    Set<String> requests = load.requestsSent();
    long deadline = System.nanoTime() + timing.drain().toNanos();
    long began = System.nanoTime();
    while (true) {
      LedgerTally tally = LedgerTally.read(servers.jdbcUrl(), deployment.schema());
      boolean complete = tally.pulls().containsAll(pulls) && tally.requests().containsAll(requests);
      if (complete || System.nanoTime() > deadline) {
        fault.put("drainMillis", (System.nanoTime() - began) / 1_000_000);
        // A re-delivered event would be written now, if it were written twice.
        Thread.sleep(complete ? 1_000 : 0);
        return LedgerTally.read(servers.jdbcUrl(), deployment.schema());
      }
      Thread.sleep(250);
    }
  }

  private Map<String, Object> result(ChaosLoad load, LedgerTally stored) {
    Set<String> pulls = load.pullsSent();
    Set<String> requests = load.requestsSent();
    long pullsStored = pulls.stream().filter(stored.pulls()::contains).count();
    long requestsStored = requests.stream().filter(stored.requests()::contains).count();
    long sent = pulls.size() + requests.size();
    long kept = pullsStored + requestsStored;
    List<String> unsafeStarts = load.unsafeStarts();
    long unsafe = unsafeStarts.size() + stored.allowsWithoutGrant();
    if (sent == 0) {
      failures.add("nothing was sent");
    }
    if (sent != kept) {
      failures.add((sent - kept) + " accepted events are not in the ledger");
    }
    if (stored.duplicated() != 0) {
      failures.add(stored.duplicated() + " duplicate rows in the ledger");
    }
    if (unsafe != 0) {
      failures.add(unsafe + " unsafe ALLOWs");
    }
    expect(load);
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("name", scenario.id);
    result.put("description", scenario.description);
    result.put("sent", sent);
    result.put("stored", kept);
    result.put("lost", sent - kept);
    result.put("duplicated", stored.duplicated());
    result.put("unsafeAllows", unsafe);
    result.put("passed", failures.isEmpty());
    result.put("failures", List.copyOf(failures));
    result.put("pulls", Map.of("sent", pulls.size(), "stored", pullsStored));
    result.put("startRequests", Map.of("sent", requests.size(), "stored", requestsStored));
    result.put("allowVerdicts", stored.allows());
    result.put("allowsWithoutGrant", stored.allowsWithoutGrant());
    result.put("unsafeStarts", unsafeStarts.subList(0, Math.min(20, unsafeStarts.size())));
    result.put("lostEventIds", java.util.stream.Stream.concat(pulls.stream().filter(id -> !stored.pulls().contains(id)),
        requests.stream().filter(id -> !stored.requests().contains(id))).limit(20).toList());
    result.put("fault", fault);
    result.put("phases", load.tallies());
    return result;
  }

  // ---- small things

  private void say(String line) {
    out.println("chaos " + scenario.id + ": " + line);
  }

  private static long sizeOf(Path dir) {
    try (var files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).mapToLong(file -> file.toFile().length()).sum();
    } catch (IOException e) {
      return -1;
    }
  }

  private static void sleepQuietly(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void joinQuietly(Thread thread) {
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
