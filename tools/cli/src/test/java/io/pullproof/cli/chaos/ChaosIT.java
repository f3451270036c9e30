package io.pullproof.cli.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pullproof.cli.InProcessCli;
import io.pullproof.testkit.TestInfrastructure;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * {@code ./pullproof chaos --quick} as CI runs it: every scenario against real processes (SIGKILLed
 * services, restarted Kafka, PostgreSQL and registry), each judged by the ledger's contents and
 * the ground truth of every start.
 */
class ChaosIT {
  @Test
  void everyQuickScenarioLosesNothingDuplicatesNothingAndAllowsNothingUnsafe() throws Exception {
    Path json = Files.createTempDirectory(TestInfrastructure.root(), "chaos").resolve("chaos.json");

    InProcessCli run = InProcessCli.run("chaos", "--quick", "--json", json.toString());

    // The command's progress goes to System.out (the test log); picocli's err holds an escaped exception.
    assertThat(json).as("no result written; exit %d, stderr:%n%s", run.exitCode(), run.err()).exists();
    JsonNode result = new ObjectMapper().readTree(json.toFile());
    JsonNode scenarios = result.path("scenarios");
    assertThat(scenarios).hasSize(ChaosScenario.values().length);
    for (JsonNode scenario : scenarios) {
      String name = scenario.path("name").asText();
      assertThat(scenario.path("failures")).as(name + ": " + scenario).isEmpty();
      assertThat(scenario.path("sent").asLong()).as(name + " sent").isPositive();
      assertThat(scenario.path("stored").asLong()).as(name + " stored").isEqualTo(scenario.path("sent").asLong());
      assertThat(scenario.path("lost").asLong()).as(name + " lost").isZero();
      assertThat(scenario.path("duplicated").asLong()).as(name + " duplicated").isZero();
      assertThat(scenario.path("unsafeAllows").asLong()).as(name + " unsafe").isZero();
      assertThat(scenario.path("allowVerdicts").asLong()).as(name + " ALLOW verdicts checked").isPositive();
      assertThat(scenario.path("passed").asBoolean()).as(name).isTrue();
    }
    assertThat(run.exitCode()).as(run.out()).isZero();
  }

  @Test
  void anUnknownScenarioIsBadInputNamingTheOption() {
    InProcessCli run = InProcessCli.run("chaos", "--quick", "--scenario", "meteor", "--json", "/tmp/never.json");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--scenario meteor").contains("ledger-sigkill");
  }
}
