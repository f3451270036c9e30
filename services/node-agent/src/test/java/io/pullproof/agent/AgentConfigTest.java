package io.pullproof.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pullproof.kit.config.ConfigSource;
import io.pullproof.kit.config.InvalidConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentConfigTest {
  static final String SECRET = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

  @TempDir
  Path dir;

  private static Map<String, String> essentials() {
    Map<String, String> env = new HashMap<>();
    env.put("PULLPROOF_CLUSTER", "prod-eu");
    env.put("PULLPROOF_NODE_NAME", "node-1");
    env.put("PULLPROOF_KAFKA_BOOTSTRAP", "kafka:9092");
    env.put("PULLPROOF_SCHEMA_REGISTRY_URL", "http://registry:8080");
    env.put("PULLPROOF_FLEET_KEY_ID", "fleet-2026-11");
    env.put("PULLPROOF_FLEET_KEY", SECRET);
    return env;
  }

  @Test
  void essentialsAreEnoughAndDefaultsAreSafe() {
    AgentConfig config = AgentConfig.from(ConfigSource.of(essentials()));
    assertThat(config.apiHost()).isEqualTo("127.0.0.1");
    assertThat(config.verdictTimeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(config.fleetKey().keyId()).isEqualTo("fleet-2026-11");
    assertThat(config.topics().verdicts()).isEqualTo("pullproof.verdicts");
    assertThat(config.toString()).doesNotContain(SECRET);
  }

  @Test
  void theFleetKeyComesFromAFile() throws Exception {
    Map<String, String> env = essentials();
    env.remove("PULLPROOF_FLEET_KEY");
    Path file = Files.writeString(dir.resolve("fleet.key"), SECRET + "\n");
    env.put("PULLPROOF_FLEET_KEY_FILE", file.toString());
    assertThat(AgentConfig.from(ConfigSource.of(env)).fleetKey().keyId()).isEqualTo("fleet-2026-11");
  }

  @Test
  void badValuesNameTheKeyAndNeverShowTheSecret() {
    assertRejected("PULLPROOF_AGENT_VERDICT_TIMEOUT", "0s", "PULLPROOF_AGENT_VERDICT_TIMEOUT='0s'");
    assertRejected("PULLPROOF_AGENT_API_HOST", "0.0.0.0", "PULLPROOF_AGENT_API_HOST='0.0.0.0': must be a loopback");
    assertRejected("PULLPROOF_KAFKA_BOOTSTRAP", "kafka", "PULLPROOF_KAFKA_BOOTSTRAP='kafka'");
    assertRejected("PULLPROOF_REGISTRY_CA_FILE", "/nonexistent.pem", "PULLPROOF_REGISTRY_CA_FILE='/nonexistent.pem'");
    assertRejected("PULLPROOF_FLEET_KEY", "c2hvcnQ=", "PULLPROOF_FLEET_KEY");
    Map<String, String> env = essentials();
    env.put("PULLPROOF_FLEET_KEY", "c2hvcnQ=");
    assertThatThrownBy(() -> AgentConfig.from(ConfigSource.of(env))).message().doesNotContain("c2hvcnQ=");
  }

  @Test
  void exactlyOneFleetKeySourceIsRequired() throws Exception {
    Map<String, String> env = essentials();
    env.put("PULLPROOF_FLEET_KEY_FILE", Files.writeString(dir.resolve("k"), SECRET).toString());
    assertThatThrownBy(() -> AgentConfig.from(ConfigSource.of(env))).isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("exactly one").hasMessageContaining("both");
  }

  @Test
  void kafkaClientPropertiesReachTheClientsAndAreNeverPrinted() {
    Map<String, String> env = essentials();
    env.put("PULLPROOF_KAFKA_PROPERTIES", "security.protocol=SSL;ssl.keystore.password=hunter2-keystore");
    AgentConfig config = AgentConfig.from(ConfigSource.of(env));
    assertThat(config.kafka().extraProperties())
        .containsEntry("security.protocol", "SSL")
        .containsEntry("ssl.keystore.password", "hunter2-keystore");
    assertThat(config.toString()).doesNotContain("hunter2-keystore");

    env.put("PULLPROOF_KAFKA_PROPERTIES", "security.protocol=SSL;sasl.password");
    assertThatThrownBy(() -> AgentConfig.from(ConfigSource.of(env))).isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("PULLPROOF_KAFKA_PROPERTIES").hasMessageContaining("sasl.password");
    env.put("PULLPROOF_KAFKA_PROPERTIES", "bootstrap.servers=elsewhere:9092");
    assertThatThrownBy(() -> AgentConfig.from(ConfigSource.of(env))).isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("PULLPROOF_KAFKA_PROPERTIES");
  }

  @Test
  void requiredKeysAreNamed() {
    Map<String, String> env = essentials();
    env.remove("PULLPROOF_NODE_NAME");
    assertThatThrownBy(() -> AgentConfig.from(ConfigSource.of(env))).hasMessageStartingWith("PULLPROOF_NODE_NAME is required");
  }

  private static void assertRejected(String key, String value, String expected) {
    Map<String, String> env = essentials();
    env.put(key, value);
    assertThatThrownBy(() -> AgentConfig.from(ConfigSource.of(env))).isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining(expected);
  }
}
