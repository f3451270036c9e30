package io.pullproof.cli.chaos;

import io.pullproof.agent.AgentConfig;
import io.pullproof.agent.AgentMain;
import io.pullproof.stack.process.ScratchDirectory;
import io.pullproof.cli.demo.LocalServices;
import io.pullproof.cli.process.ServiceProcess;
import io.pullproof.decisionservice.DecisionConfig;
import io.pullproof.decisionservice.DecisionMain;
import io.pullproof.kafka.TopicLayout;
import io.pullproof.kafka.TopicNames;
import io.pullproof.kafka.TopicProvisioner;
import io.pullproof.ledger.LedgerConfig;
import io.pullproof.ledger.LedgerMain;
import io.pullproof.stack.process.FreePort;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * One scenario's own deployment on the shared servers: its topics (own prefix), its ledger schema,
 * and our three services as child JVMs: a ledger, one or more decision service instances in one
 * consumer group, and node agents (one per simulated node, each with its own state directory and
 * a fixed API port, so a restarted agent is reached where the old one was).
 */
final class ScenarioDeployment implements AutoCloseable {
  /**
   * A dead member's partitions wait for its session to time out before the group moves them; the
   * scenarios kill members, so the groups use 6 s instead of Kafka's 45 s (an operator's setting,
   * through PULLPROOF_KAFKA_PROPERTIES).
   */
  private static final String GROUP_PROPERTIES = "session.timeout.ms=6000;heartbeat.interval.ms=1000";

  /** One node agent: its process, its local API, its state directory. */
  record Agent(ServiceProcess process, URI api, Path stateDir) {}

  private final ChaosServers servers;
  private final Path dir;
  private final TopicNames topics;
  private final String schema;
  private final Path policy;
  private final ServiceProcess ledger;
  private final List<ServiceProcess> decisions = new ArrayList<>();
  private final List<Agent> agents = new ArrayList<>();
  private final String fleetKey;

  private ScenarioDeployment(ChaosServers servers, String name, Path dir) throws IOException {
    this.servers = servers;
    this.dir = dir;
    this.topics = new TopicNames("chaos-" + name + ".");
    this.schema = "chaos_" + name.replace('-', '_');
    this.policy = LocalServices.writeFleetPolicy(dir);
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    this.fleetKey = Base64.getEncoder().encodeToString(key);
    Map<String, String> ledgerSettings = LocalServices.ledgerSettings(servers.bootstrap(), servers.schemaRegistryUrl(),
        servers.jdbcUrl(), topics, schema, LocalServices.tokenEntry("chaos", "reader", LocalServices.newToken()));
    ledgerSettings.put(LedgerConfig.KAFKA_PROPERTIES.name(), GROUP_PROPERTIES);
    this.ledger = new ServiceProcess("ledger", LedgerMain.class, ledgerSettings, LedgerConfig.HEALTH_PORT.name(), dir,
        ServiceProcess.SMALL_JVM);
  }

  /** Creates the topics and starts the ledger, {@code decisionCount} decision instances and {@code agentCount} agents. */
  static ScenarioDeployment start(ChaosServers servers, String name, Path dir, int decisionCount, int agentCount)
      throws IOException {
    Files.createDirectories(dir);
    ScenarioDeployment deployment = new ScenarioDeployment(servers, name, dir);
    try {
      try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers.bootstrap()))) {
        new TopicProvisioner(admin).ensure(TopicLayout.singleBroker().specs(deployment.topics).values());
      }
      // The ledger first: it migrates the schema the decision service loads its state from.
      deployment.ledger.start();
      for (int i = 0; i < decisionCount; i++) {
        deployment.addDecision().startInBackground();
      }
      for (int i = 0; i < agentCount; i++) {
        deployment.addAgent(i).process().startInBackground();
      }
      deployment.decisions.forEach(ServiceProcess::awaitReady);
      deployment.agents.forEach(agent -> agent.process().awaitReady());
      return deployment;
    } catch (RuntimeException e) {
      deployment.close();
      throw e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      deployment.close();
      throw new IllegalStateException("interrupted while creating the topics", e);
    }
  }

  /** A new decision instance in the same consumer group (not started). */
  ServiceProcess addDecision() {
    String id = "decision-" + (decisions.size() + 1);
    Map<String, String> settings = LocalServices.decisionSettings(servers.bootstrap(), servers.schemaRegistryUrl(),
        servers.jdbcUrl(), topics, schema, policy, id);
    settings.put(DecisionConfig.KAFKA_PROPERTIES.name(), GROUP_PROPERTIES);
    ServiceProcess decision = new ServiceProcess(id, DecisionMain.class, settings, DecisionConfig.HEALTH_PORT.name(), dir,
        ServiceProcess.SMALL_JVM);
    decisions.add(decision);
    return decision;
  }

  private Agent addAgent(int index) {
    int apiPort = FreePort.pick();
    Path state = dir.resolve("agent-" + index + "-state");
    Map<String, String> env = new HashMap<>();
    env.put(AgentConfig.CLUSTER.name(), "chaos");
    env.put(AgentConfig.NODE.name(), "node-" + index);
    env.put(AgentConfig.KAFKA_BOOTSTRAP.name(), servers.bootstrap());
    env.put(AgentConfig.SCHEMA_REGISTRY_URL.name(), servers.schemaRegistryUrl());
    env.put(AgentConfig.TOPIC_PREFIX.name(), topics.prefix());
    env.put(AgentConfig.FLEET_KEY_ID.name(), "chaos");
    env.put(AgentConfig.FLEET_KEY.name(), fleetKey);
    env.put(AgentConfig.STATE_DIR.name(), state.toString());
    env.put(AgentConfig.API_PORT.name(), String.valueOf(apiPort));
    env.put(AgentConfig.HEALTH_HOST.name(), "127.0.0.1");
    env.put(AgentConfig.VERDICT_TIMEOUT.name(), "1500ms");
    // A short ALLOW cache keeps verdict requests flowing through the faults (30 s by default would
    // answer most of a scenario's repeated starts from the agent's memory).
    env.put(AgentConfig.ALLOW_CACHE_TTL.name(), "1s");
    env.put(AgentConfig.REGISTRY_CA_FILE.name(), servers.registryCa().toString());
    env.put(AgentConfig.REGISTRY_CONNECT_TIMEOUT.name(), "1s");
    env.put(AgentConfig.REGISTRY_REQUEST_TIMEOUT.name(), "3s");
    Agent agent = new Agent(new ServiceProcess("agent-" + index, AgentMain.class, env, AgentConfig.HEALTH_PORT.name(), dir,
        ServiceProcess.SMALL_JVM),
        URI.create("http://127.0.0.1:" + apiPort), state);
    agents.add(agent);
    return agent;
  }

  ServiceProcess ledger() {
    return ledger;
  }

  List<ServiceProcess> decisions() {
    return decisions;
  }

  List<Agent> agents() {
    return agents;
  }

  String schema() {
    return schema;
  }

  /** Deletes an agent's state directory: the node lost its disk (or the agent its volume). */
  static void wipe(Path stateDir) {
    ScratchDirectory.delete(stateDir);
  }

  /** Agents first (they publish), then the decision instances, then the ledger; each gracefully. */
  @Override
  public void close() {
    agents.forEach(agent -> agent.process().stop());
    decisions.forEach(ServiceProcess::stop);
    ledger.stop();
  }
}
