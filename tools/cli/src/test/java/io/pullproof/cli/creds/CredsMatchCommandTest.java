package io.pullproof.cli.creds;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.pullproof.cli.InProcessCli;
import io.pullproof.cli.PullproofCommand;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CredsMatchCommandTest {
  private static final String PASSWORD = "hunter2-do-not-print";
  // "bob:hunter2-do-not-print"
  private static final String AUTH = "Ym9iOmh1bnRlcjItZG8tbm90LXByaW50";

  @TempDir
  Path dir;

  private String write(String name, String json) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, json.replace('\'', '"'), UTF_8);
    return file.toString();
  }

  @Test
  void matchesArePrintedMostSpecificFirstWithoutSecrets() throws IOException {
    String file = write("config.json", "{'auths': {"
        + "'https://quay.io/v2/': {'username': 'alice', 'password': '" + PASSWORD + "'},"
        + "'quay.io/org': {'auth': '" + AUTH + "'},"
        + "'*.example.com': {'username': 'carol', 'identitytoken': '" + PASSWORD + "'}}}");

    InProcessCli run = InProcessCli.run("creds", "match", "--docker-config", file, "quay.io/org/app:v1");

    assertThat(run.exitCode()).isEqualTo(PullproofCommand.EXIT_OK);
    assertThat(run.out()).isEqualTo("[{\"key\":\"quay.io/org\",\"username\":\"bob\"},"
        + "{\"key\":\"https://quay.io/v2/\",\"username\":\"alice\"}]" + System.lineSeparator());
    assertThat(run.out() + run.err()).doesNotContain(PASSWORD).doesNotContain(AUTH);
  }

  @Test
  void legacyDockercfgAndDockerHubFallbackWork() throws IOException {
    String file = write(".dockercfg", "{'https://index.docker.io/v1/': {'auth': '" + AUTH + "', 'email': 'b@x'}}");

    InProcessCli run = InProcessCli.run("creds", "match", "--docker-config", file, "nginx");

    assertThat(run.exitCode()).isEqualTo(PullproofCommand.EXIT_OK);
    assertThat(run.out().strip()).isEqualTo("[{\"key\":\"https://index.docker.io/v1/\",\"username\":\"bob\"}]");
  }

  @Test
  void noMatchPrintsAnEmptyArray() throws IOException {
    String file = write("config.json", "{'auths': {'quay.io': {'username': 'alice', 'password': 'x'}}}");

    InProcessCli run = InProcessCli.run("creds", "match", "--docker-config", file, "ghcr.io/org/app");

    assertThat(run.exitCode()).isEqualTo(PullproofCommand.EXIT_OK);
    assertThat(run.out().strip()).isEqualTo("[]");
  }

  @Test
  void malformedFileExitsTwoNamingFileKeyAndFieldButNotTheSecret() throws IOException {
    String file = write("config.json", "{'auths': {'quay.io': {'username': 'alice', 'auth': '" + PASSWORD + "'}}}");

    InProcessCli run = InProcessCli.run("creds", "match", "--docker-config", file, "quay.io/org/app");

    assertThat(run.exitCode()).isEqualTo(PullproofCommand.EXIT_BAD_INPUT);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).startsWith("pullproof: --docker-config " + file + ": ")
        .contains("entry auths.\"quay.io\": field \"auth\" is not valid base64")
        .doesNotContain(PASSWORD);
  }

  @Test
  void invalidJsonExitsTwoWithThePosition() throws IOException {
    String file = write("config.json", "{'auths': {'quay.io': {'password': '" + PASSWORD + "' ");

    InProcessCli run = InProcessCli.run("creds", "match", "--docker-config", file, "quay.io/org/app");

    assertThat(run.exitCode()).isEqualTo(PullproofCommand.EXIT_BAD_INPUT);
    assertThat(run.err()).contains("not valid JSON (line 1, column").doesNotContain(PASSWORD);
  }

  @Test
  void missingFileExitsTwo() {
    String missing = dir.resolve("absent.json").toString();

    InProcessCli run = InProcessCli.run("creds", "match", "--docker-config", missing, "nginx");

    assertThat(run.exitCode()).isEqualTo(PullproofCommand.EXIT_BAD_INPUT);
    assertThat(run.err()).contains("--docker-config " + missing + ": no such file");
  }

  @Test
  void invalidImageExitsTwo() throws IOException {
    String file = write("config.json", "{'auths': {}}");

    InProcessCli run = InProcessCli.run("creds", "match", "--docker-config", file, "UPPER/Case");

    assertThat(run.exitCode()).isEqualTo(PullproofCommand.EXIT_BAD_INPUT);
    assertThat(run.err()).contains("invalid image reference \"UPPER/Case\"").contains("must be lowercase");
  }

  @Test
  void dockerConfigOptionIsRequired() {
    InProcessCli run = InProcessCli.run("creds", "match", "nginx");

    assertThat(run.exitCode()).isEqualTo(PullproofCommand.EXIT_BAD_INPUT);
    assertThat(run.err()).contains("Missing required option: '--docker-config=FILE'");
  }
}
