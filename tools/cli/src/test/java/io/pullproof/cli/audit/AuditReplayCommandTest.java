package io.pullproof.cli.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.pullproof.cli.InProcessCli;
import io.pullproof.cli.PullproofCommand;
import org.junit.jupiter.api.Test;

/** Bad input is exit 2 with the option named, before any server is contacted. */
class AuditReplayCommandTest {
  private static InProcessCli replay(String... args) {
    String[] all = new String[args.length + 2];
    all[0] = "audit";
    all[1] = "replay";
    System.arraycopy(args, 0, all, 2, args.length);
    return InProcessCli.run(all);
  }

  private static final String[] SERVERS = {"--bootstrap", "127.0.0.1:9", "--schema-registry", "http://127.0.0.1:9"};

  @Test
  void badTimeIsNamed() {
    InProcessCli run = replay("--from", "yesterday", SERVERS[0], SERVERS[1], SERVERS[2], SERVERS[3]);
    assertThat(run.exitCode()).isEqualTo(PullproofCommand.EXIT_BAD_INPUT);
    assertThat(run.err()).contains("--from 'yesterday'");
  }

  @Test
  void emptyWindowIsNamed() {
    InProcessCli run = replay("--from", "2026-11-22T10:00:00Z", "--to", "2026-11-22T09:00:00Z", SERVERS[0], SERVERS[1],
        SERVERS[2], SERVERS[3]);
    assertThat(run.exitCode()).isEqualTo(PullproofCommand.EXIT_BAD_INPUT);
    assertThat(run.err()).contains("--from 2026-11-22T10:00:00Z must be before --to");
  }

  @Test
  void unknownFormatAndFailOnCategoryAreNamed() {
    assertThat(replay("--from", "2026-11-22T10:00:00Z", "--format", "pdf").err()).contains("--format 'pdf'");
    InProcessCli run = replay("--from", "2026-11-22T10:00:00Z", "--fail-on", "bypasses,typos");
    assertThat(run.exitCode()).isEqualTo(PullproofCommand.EXIT_BAD_INPUT);
    assertThat(run.err()).contains("--fail-on 'typos'");
  }

  @Test
  void missingServersOrBadEndpointsAreNamed() {
    assertThat(replay("--from", "2026-11-01T10:00:00Z").err()).contains("--bootstrap is required");
    assertThat(replay("--from", "2026-11-01T10:00:00Z", "--bootstrap", "kafka", "--schema-registry", "http://r:1").err())
        .contains("--bootstrap");
    assertThat(replay("--from", "2026-11-01T10:00:00Z", "--stack", "/nonexistent-stack").err())
        .contains("--stack /nonexistent-stack: no running stack there");
  }

  @Test
  void badImageAndMissingOutDirectoryAreNamed() {
    assertThat(replay("--from", "2026-11-22T10:00:00Z", "--image", "UPPER/Case").err()).contains("--image 'UPPER/Case'");
    InProcessCli run = replay("--from", "2026-11-22T10:00:00Z", "--out", "/nonexistent-dir/report.json");
    assertThat(run.exitCode()).isEqualTo(PullproofCommand.EXIT_BAD_INPUT);
    assertThat(run.err()).contains("--out /nonexistent-dir/report.json");
  }
}
