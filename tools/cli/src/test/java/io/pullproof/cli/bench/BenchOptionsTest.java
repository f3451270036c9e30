package io.pullproof.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.pullproof.cli.InProcessCli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Bad bench options are refused before any server starts (the benchmarks themselves are run by hand). */
class BenchOptionsTest {
  @ParameterizedTest
  @CsvSource({
      "soak, --minutes, 0, --minutes 0",
      "soak, --minutes, 121, --minutes 121",
      "soak, --rate, 20001, --rate 20001",
      "soak, --grants, 999, --grants 999",
      "soak, --sample-seconds, 0, --sample-seconds 0",
      "soak, --sample-seconds, 61, --sample-seconds 61",
      "ledger-api, --warmup, -1, --warmup -1",
      "ledger-api, --warmup, 601, --warmup 601",
      "ledger-api, --rate, 20001, --rate 20001"})
  void valueOutOfRangeIsRefusedNamingTheOption(String bench, String option, String value, String message) {
    InProcessCli run = InProcessCli.run("bench", bench, option, value, "--json", "/tmp/never.json");

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
