package io.pullproof.kit.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.pullproof.kit.config.ConfigKey;
import io.pullproof.kit.config.ConfigSource;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class ServiceMainTest {
  private static final ConfigKey<Integer> PORT = ConfigKey.required("PULLPROOF_TEST_PORT", ConfigKey.port(), "a port");
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private final AtomicBoolean started = new AtomicBoolean();

  private int run(Path file, Map<String, String> env, ServiceMain.Starter<Integer> starter) {
    return ServiceMain.run("test", file, env, List.of(PORT), (ConfigSource source) -> source.get(PORT), starter,
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String stderr() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void aBadSettingExits2WithOneLineNamingTheKeyAndNothingStarts() {
    int code = run(null, Map.of("PULLPROOF_TEST_PORT", "70000"), config -> {
      started.set(true);
      return () -> { };
    });
    assertThat(code).isEqualTo(ServiceMain.EXIT_BAD_CONFIG);
    assertThat(started).isFalse();
    assertThat(stderr()).startsWith("pullproof test: PULLPROOF_TEST_PORT").doesNotContain("\tat ");
    assertThat(stderr().strip().lines()).hasSize(1);
  }

  @Test
  void aMissingRequiredSettingExits2() {
    assertThat(run(null, Map.of(), config -> () -> { })).isEqualTo(ServiceMain.EXIT_BAD_CONFIG);
    assertThat(stderr()).contains("PULLPROOF_TEST_PORT is required");
  }

  @Test
  void anUnreadableConfigFileExits2NamingTheFile() {
    assertThat(run(Path.of("/nonexistent/pullproof.properties"), Map.of("PULLPROOF_TEST_PORT", "1"), config -> () -> { }))
        .isEqualTo(ServiceMain.EXIT_BAD_CONFIG);
    assertThat(stderr()).contains("/nonexistent/pullproof.properties");
  }

  @Test
  void aStartThatFailsExits1WithTheCause() {
    int code = run(null, Map.of("PULLPROOF_TEST_PORT", "1"), config -> {
      throw new IllegalStateException("Kafka at 127.0.0.1:1 does not answer");
    });
    assertThat(code).isEqualTo(ServiceMain.EXIT_FAILED);
    assertThat(stderr()).contains("failed to start").contains("does not answer");
  }

  @Test
  void aBadSettingFoundWhileStartingIsStillABadSetting() {
    int code = run(null, Map.of("PULLPROOF_TEST_PORT", "1"), config -> {
      throw new io.pullproof.kit.config.InvalidConfigException("PULLPROOF_TEST_POLICY_FILE: entry 'x' is not valid");
    });
    assertThat(code).isEqualTo(ServiceMain.EXIT_BAD_CONFIG);
    assertThat(stderr()).isEqualTo("pullproof test: PULLPROOF_TEST_POLICY_FILE: entry 'x' is not valid" + System.lineSeparator());
  }
}
