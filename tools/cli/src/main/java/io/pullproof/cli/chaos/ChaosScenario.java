package io.pullproof.cli.chaos;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The faults {@code ./pullproof chaos} injects, one scenario each, in the order they run. */
enum ChaosScenario {
  LEDGER_SIGKILL("ledger-sigkill", 1,
      "the ledger killed with SIGKILL while events stream in, restarted after the fault window"),
  KAFKA_RESTART("kafka-restart", 1,
      "the Kafka broker stopped under load (SIGTERM) and started again on its data after the fault window"),
  POSTGRES_RESTART("postgres-restart", 1,
      "PostgreSQL stopped under load (open connections cut) and started again after the fault window"),
  DECISION_REBALANCE_KILL("decision-rebalance-kill", 2,
      "of two decision instances one leaves the group, the other is killed with SIGKILL in the rebalance that follows;"
          + " a new instance joins after the fault window"),
  AGENT_STATE_LOSS("agent-state-loss", 1,
      "a node agent killed with SIGKILL and its state directory deleted; it restarts empty after the fault window"),
  REGISTRY_DOWN("registry-down", 1,
      "the OCI registry stopped while REPULL verdicts send agents to it; started again after the fault window"),
  DECISION_DOWN("decision-down", 1,
      "the only decision instance killed with SIGKILL: agents fall back to registry verification; restarted after the window");

  final String id;
  final int decisionInstances;
  final String description;

  ChaosScenario(String id, int decisionInstances, String description) {
    this.id = id;
    this.decisionInstances = decisionInstances;
    this.description = description;
  }

  /** The scenario named {@code id}; the message lists the names there are. */
  static ChaosScenario byId(String id) {
    for (ChaosScenario scenario : values()) {
      if (scenario.id.equals(id)) {
        return scenario;
      }
    }
    throw new IllegalArgumentException("--scenario " + id + ": no such scenario; there are " + ids());
  }

  static String ids() {
    return Arrays.stream(values()).map(s -> s.id).collect(Collectors.joining(", "));
  }
}
