package io.pullproof.cli.ref;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pullproof.cli.InProcessCli;
import io.pullproof.cli.PullproofCommand;
import org.junit.jupiter.api.Test;

class RefNormalizeCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String DIGEST = "sha256:" + "a".repeat(64);

  @Test
  void familiarNameIsPrintedNormalised() throws Exception {
    InProcessCli run = InProcessCli.run("ref", "normalize", "nginx");

    assertThat(run.exitCode()).isEqualTo(PullproofCommand.EXIT_OK);
    assertThat(run.err()).isEmpty();
    assertThat(run.out()).isEqualTo("{\"name\":\"docker.io/library/nginx\",\"tag\":\"latest\",\"digest\":null,"
        + "\"domain\":\"docker.io\",\"path\":\"library/nginx\"}" + System.lineSeparator());
  }

  @Test
  void digestOnlyReferenceHasNoTag() throws Exception {
    JsonNode out = JSON.readTree(InProcessCli.run("ref", "normalize", "index.docker.io/x/y@" + DIGEST).out());

    assertThat(out.get("name").asText()).isEqualTo("docker.io/x/y");
    assertThat(out.get("tag").isNull()).isTrue();
    assertThat(out.get("digest").asText()).isEqualTo(DIGEST);
  }

  @Test
  void tagAndDigestAreBothKept() throws Exception {
    JsonNode out = JSON.readTree(InProcessCli.run("ref", "normalize", "localhost:5000/app:v1@" + DIGEST).out());

    assertThat(out.get("name").asText()).isEqualTo("localhost:5000/app");
    assertThat(out.get("domain").asText()).isEqualTo("localhost:5000");
    assertThat(out.get("tag").asText()).isEqualTo("v1");
    assertThat(out.get("digest").asText()).isEqualTo(DIGEST);
  }

  @Test
  void invalidReferenceExitsTwoNamingTheProblem() {
    InProcessCli run = InProcessCli.run("ref", "normalize", "quay.io/Org/app");

    assertThat(run.exitCode()).isEqualTo(PullproofCommand.EXIT_BAD_INPUT);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).startsWith("pullproof: invalid image reference \"quay.io/Org/app\"")
        .contains("repository path (Org/app) must be lowercase");
  }

  @Test
  void badDigestExitsTwoNamingTheDigest() {
    InProcessCli run = InProcessCli.run("ref", "normalize", "nginx@sha256:" + "a".repeat(40));

    assertThat(run.exitCode()).isEqualTo(PullproofCommand.EXIT_BAD_INPUT);
    assertThat(run.err()).contains("digest sha256 needs 64 hex characters, got 40");
  }

  @Test
  void missingImageIsAUsageError() {
    InProcessCli run = InProcessCli.run("ref", "normalize");

    assertThat(run.exitCode()).isEqualTo(PullproofCommand.EXIT_BAD_INPUT);
    assertThat(run.err()).contains("Missing required parameter: 'IMAGE'");
  }
}
