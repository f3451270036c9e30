package io.pullproof.kit.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigSourceTest {
  enum Mode { ENFORCE, DRY_RUN }

  static final ConfigKey<Integer> PORT = ConfigKey.optional("PULLPROOF_PORT", "8080", ConfigKey.port(), "HTTP port");
  static final ConfigKey<Duration> TIMEOUT = ConfigKey.optional("PULLPROOF_TIMEOUT", "250ms", ConfigKey.DURATION, "verdict timeout");
  static final ConfigKey<String> BOOTSTRAP = ConfigKey.required("PULLPROOF_KAFKA_BOOTSTRAP", ConfigKey.HOST_PORT_LIST, "Kafka bootstrap servers");
  static final ConfigKey<String> TOKEN = ConfigKey.secret("PULLPROOF_TOKEN", "", ConfigKey.STRING, "API token");
  static final ConfigKey<Mode> MODE = ConfigKey.optional("PULLPROOF_MODE", "ENFORCE", ConfigKey.oneOf(Mode.class), "mode");

  @Test
  void defaultsApplyWhenAKeyIsUnset() {
    ConfigSource source = ConfigSource.of(Map.of());
    assertThat(source.get(PORT)).isEqualTo(8080);
    assertThat(source.get(TIMEOUT)).isEqualTo(Duration.ofMillis(250));
    assertThat(source.get(MODE)).isEqualTo(Mode.ENFORCE);
  }

  @Test
  void aBadValueIsRejectedNamingTheKeyAndTheValue() {
    ConfigSource source = ConfigSource.of(Map.of("PULLPROOF_PORT", "80x", "PULLPROOF_TIMEOUT", "soon", "PULLPROOF_MODE", "loud"));
    assertThatThrownBy(() -> source.get(PORT)).isInstanceOf(InvalidConfigException.class)
        .hasMessage("PULLPROOF_PORT='80x': must be an integer from 0 to 65535");
    assertThatThrownBy(() -> source.get(TIMEOUT)).hasMessageStartingWith("PULLPROOF_TIMEOUT='soon': must be a duration");
    assertThatThrownBy(() -> source.get(MODE)).hasMessage("PULLPROOF_MODE='loud': must be one of [ENFORCE, DRY_RUN]");
  }

  @Test
  void aMissingRequiredKeyIsNamedWithItsDoc() {
    assertThatThrownBy(() -> ConfigSource.of(Map.of()).get(BOOTSTRAP))
        .hasMessage("PULLPROOF_KAFKA_BOOTSTRAP is required (Kafka bootstrap servers)");
  }

  @Test
  void hostPortListsAreChecked() {
    assertThat(ConfigSource.of(Map.of("PULLPROOF_KAFKA_BOOTSTRAP", "a:9092, b:9093")).get(BOOTSTRAP)).isEqualTo("a:9092, b:9093");
    assertThatThrownBy(() -> ConfigSource.of(Map.of("PULLPROOF_KAFKA_BOOTSTRAP", "a:99999")).get(BOOTSTRAP))
        .hasMessageContaining("a:99999");
  }

  @Test
  void secretsAreMaskedInErrorsAndInTheEffectiveConfig() {
    ConfigKey<Integer> secretNumber = ConfigKey.secret("PULLPROOF_SECRET_NUMBER", "1", ConfigKey.intRange(1, 2), "secret");
    ConfigSource source = ConfigSource.of(Map.of("PULLPROOF_TOKEN", "hunter2", "PULLPROOF_SECRET_NUMBER", "hunter3"));
    assertThatThrownBy(() -> source.get(secretNumber)).hasMessageNotContaining("hunter3").hasMessageContaining("****");
    assertThat(source.describe(List.of(PORT, TOKEN))).contains("PULLPROOF_PORT=8080").contains("PULLPROOF_TOKEN=****")
        .doesNotContain("hunter2");
  }

  @Test
  void theEnvironmentOverridesTheConfigFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("service.properties");
    Files.writeString(file, "PULLPROOF_PORT=9000\nPULLPROOF_TIMEOUT=2s\n");
    ConfigSource source = ConfigSource.fromFileAndEnv(file, Map.of("PULLPROOF_PORT", "9100"));
    assertThat(source.get(PORT)).isEqualTo(9100);
    assertThat(source.get(TIMEOUT)).isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void anUnreadableConfigFileIsNamed(@TempDir Path dir) {
    Path missing = dir.resolve("nope.properties");
    assertThatThrownBy(() -> ConfigSource.fromFileAndEnv(missing, Map.of())).hasMessageContaining(missing.toString());
  }

  @Test
  void durationsAcceptUnitsAndIso() {
    assertThat(ConfigKey.parseDuration("7d")).isEqualTo(Duration.ofDays(7));
    assertThat(ConfigKey.parseDuration("PT1M")).isEqualTo(Duration.ofMinutes(1));
    assertThatThrownBy(() -> ConfigKey.parseDuration("-5s")).isInstanceOf(IllegalArgumentException.class);
  }
}
