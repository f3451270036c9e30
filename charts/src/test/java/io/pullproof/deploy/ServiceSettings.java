package io.pullproof.deploy;

import io.pullproof.agent.AgentConfig;
import io.pullproof.agent.cri.CriProxyConfig;
import io.pullproof.decisionservice.DecisionConfig;
import io.pullproof.kit.config.ConfigKey;
import io.pullproof.kit.config.ConfigSource;
import io.pullproof.ledger.LedgerConfig;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * What each service really reads: its config class's own key declarations (never a copied list),
 * its health port key, and its parser, so a deployment file's settings can be checked by the code
 * that will read them.
 */
enum ServiceSettings {
  LEDGER("ledger", LedgerConfig.KEYS, LedgerConfig.HEALTH_PORT, source -> LedgerConfig.from(source)),
  DECISION("decision", DecisionConfig.KEYS, DecisionConfig.HEALTH_PORT, source -> DecisionConfig.from(source)),
  AGENT("agent", AgentConfig.KEYS, AgentConfig.HEALTH_PORT, source -> AgentConfig.from(source)),
  /** The agent as the kubelet's runtime endpoint (agent.mode=cri): the agent's keys plus the proxy's. */
  CRI_PROXY("cri-proxy", CriProxyConfig.KEYS, AgentConfig.HEALTH_PORT, source -> CriProxyConfig.from(source));

  /** Environment variables a container may carry that are the JVM's, not a Pullproof setting. */
  static final Set<String> JVM_VARIABLES = Set.of("JAVA_TOOL_OPTIONS");

  private final String component;
  private final List<ConfigKey<?>> keys;
  private final ConfigKey<Integer> healthPort;
  private final Consumer<ConfigSource> parse;

  ServiceSettings(String component, List<ConfigKey<?>> keys, ConfigKey<Integer> healthPort, Consumer<ConfigSource> parse) {
    this.component = component;
    this.keys = keys;
    this.healthPort = healthPort;
    this.parse = parse;
  }

  /** The chart's app.kubernetes.io/component label and the container name. */
  String component() {
    return component;
  }

  static Optional<ServiceSettings> ofComponent(String component) {
    for (ServiceSettings s : values()) {
      if (s.component.equals(component)) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }

  Set<String> names() {
    return keys.stream().map(ConfigKey::name).collect(Collectors.toUnmodifiableSet());
  }

  Set<String> requiredNames() {
    return keys.stream().filter(ConfigKey::isRequired).map(ConfigKey::name).collect(Collectors.toUnmodifiableSet());
  }

  /** Keys whose values are secret (masked in logs): they must come from a Secret. */
  Set<String> secretNames() {
    return keys.stream().filter(ConfigKey::secret).map(ConfigKey::name).collect(Collectors.toUnmodifiableSet());
  }

  /** The port /health/* and /metrics listen on, given the container's settings. */
  int healthPort(Map<String, String> env) {
    return ConfigSource.of(env).get(healthPort);
  }

  /** Reads and validates the settings as the service does at start-up; throws naming the bad key. */
  void parse(Map<String, String> env) {
    parse.accept(ConfigSource.of(env));
  }
}
