package io.pullproof.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.pullproof.cli.InProcessCli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Bad options are refused before any server starts (the soak itself is a benchmark, run by hand). */
class SoakBenchCommandTest {
  @ParameterizedTest
  @CsvSource({
      "--minutes, 0, --minutes 0",
      "--minutes, 121, --minutes 121",
      "--rate, 20001, --rate 20001",
      "--grants, 999, --grants 999",
      "--sample-seconds, 0, --sample-seconds 0",
      "--sample-seconds, 61, --sample-seconds 61"})
  void valueOutOfRangeIsRefusedNamingTheOption(String option, String value, String message) {
    InProcessCli run = InProcessCli.run("bench", "soak", option, value, "--json", "/tmp/never.json");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains(message);
  }

  @Test
  void jsonIsRequired() {
    InProcessCli run = InProcessCli.run("bench", "soak");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--json");
  }
}
