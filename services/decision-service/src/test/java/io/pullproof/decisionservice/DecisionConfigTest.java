package io.pullproof.decisionservice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pullproof.kit.config.ConfigSource;
import io.pullproof.kit.config.InvalidConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DecisionConfigTest {
  private static Map<String, String> essentials() {
    Map<String, String> values = new HashMap<>();
    values.put("PULLPROOF_KAFKA_BOOTSTRAP", "127.0.0.1:9092");
    values.put("PULLPROOF_SCHEMA_REGISTRY_URL", "http://127.0.0.1:8080");
    values.put("PULLPROOF_DECISION_DB_URL", "jdbc:postgresql://127.0.0.1:5432/postgres");
    return values;
  }

  @Test
  void defaultsAreTheDocumentedOnes() {
    DecisionConfig config = DecisionConfig.from(ConfigSource.of(essentials()));
    assertThat(config.mode()).isEqualTo(DecisionConfig.Mode.ENFORCE);
    assertThat(config.dryRun()).isFalse();
    assertThat(config.ledgerSchema()).isEqualTo("ledger");
    assertThat(config.ledgerGroup()).isEqualTo("pullproof-ledger");
    assertThat(config.topicPrefix()).isEqualTo("pullproof.");
    assertThat(config.instanceId()).isNotBlank();
    assertThat(config.policy().forCluster("any").policy().cluster().verificationPolicy().configName())
        .isEqualTo("NeverVerifyPreloadedImages");
  }

  @Test
  void dryRunModeIsAccepted() {
    Map<String, String> values = essentials();
    values.put("PULLPROOF_DECISION_MODE", "dryRun");
    assertThat(DecisionConfig.from(ConfigSource.of(values)).dryRun()).isTrue();
  }

  @Test
  void missingRequiredKeyIsNamed() {
    Map<String, String> values = essentials();
    values.remove("PULLPROOF_DECISION_DB_URL");
    assertThatThrownBy(() -> DecisionConfig.from(ConfigSource.of(values)))
        .isInstanceOf(InvalidConfigException.class).hasMessageStartingWith("PULLPROOF_DECISION_DB_URL is required");
  }

  @Test
  void badModeIsNamedWithItsValue() {
    Map<String, String> values = essentials();
    values.put("PULLPROOF_DECISION_MODE", "audit");
    assertThatThrownBy(() -> DecisionConfig.from(ConfigSource.of(values)))
        .hasMessageStartingWith("PULLPROOF_DECISION_MODE='audit'");
  }

  @Test
  void badTopicPrefixIsNamed() {
    Map<String, String> values = essentials();
    values.put("PULLPROOF_TOPIC_PREFIX", "bad prefix");
    assertThatThrownBy(() -> DecisionConfig.from(ConfigSource.of(values)))
        .hasMessageStartingWith("PULLPROOF_TOPIC_PREFIX='bad prefix'");
  }

  @Test
  void badPolicyFileEntryFailsStartUpNamingKeyFileAndEntry(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("policy.json");
    Files.writeString(file, "{\"clusters\": {\"c1\": {\"verificationPolicy\": \"NeverVerifyAllowlistedImages\","
        + " \"allowlist\": [\"registry.io/*/app\"]}}}");
    Map<String, String> values = essentials();
    values.put("PULLPROOF_DECISION_POLICY_FILE", file.toString());
    assertThatThrownBy(() -> DecisionConfig.from(ConfigSource.of(values)))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageStartingWith("PULLPROOF_DECISION_POLICY_FILE " + file + ": clusters.c1.allowlist[0] \"registry.io/*/app\"");
  }

  @Test
  void unreadablePolicyFileIsNamed(@TempDir Path dir) {
    Map<String, String> values = essentials();
    values.put("PULLPROOF_DECISION_POLICY_FILE", dir.resolve("missing.json").toString());
    assertThatThrownBy(() -> DecisionConfig.from(ConfigSource.of(values)))
        .hasMessageStartingWith("PULLPROOF_DECISION_POLICY_FILE='" + dir.resolve("missing.json") + "': cannot read");
  }

  @Test
  void passwordIsMaskedInToString() {
    Map<String, String> values = essentials();
    values.put("PULLPROOF_DECISION_DB_PASSWORD", "hunter2");
    assertThat(DecisionConfig.from(ConfigSource.of(values)).toString()).doesNotContain("hunter2").contains("dbPassword=****");
  }
}
