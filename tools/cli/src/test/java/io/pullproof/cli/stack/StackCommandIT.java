package io.pullproof.cli.stack;

import static org.assertj.core.api.Assertions.assertThat;

import io.pullproof.cli.PullproofCommand;
import io.pullproof.stack.StackState;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code stack up}, {@code status} and {@code down} for real: a detached supervisor JVM starts
 * every server, a second {@code up} reuses it, and after {@code down} no process it started is alive.
 */
class StackCommandIT {

  @Test
  void upStatusDownLeavesNoProcessBehind(@TempDir Path dir) {
    String dataDir = dir.resolve("stack").toString();
    try {
      assertThat(run("stack", "up", "--data-dir", dataDir)).isEqualTo(0);
      StackState state = StackState.read(Path.of(dataDir)).orElseThrow();
      assertThat(state.status()).isEqualTo("UP");
      assertThat(state.pids()).containsOnlyKeys("postgres", "kafka", "schema-registry", "oci-registry");

      assertThat(run("stack", "status", "--data-dir", dataDir)).isEqualTo(0);
      assertThat(run("stack", "up", "--data-dir", dataDir)).as("a second up reuses the running stack").isEqualTo(0);
      assertThat(StackState.read(Path.of(dataDir)).orElseThrow().supervisorPid()).isEqualTo(state.supervisorPid());

      assertThat(run("stack", "down", "--data-dir", dataDir)).isEqualTo(0);
      List<Long> all = new ArrayList<>(state.pids().values());
      all.add(state.supervisorPid());
      assertThat(all).allSatisfy(pid -> assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
          .as("pid %d alive after down", pid).isFalse());
      assertThat(run("stack", "status", "--data-dir", dataDir)).isEqualTo(1);
    } finally {
      run("stack", "down", "--data-dir", dataDir);
    }
  }

  private static int run(String... args) {
    return PullproofCommand.commandLine().execute(args);
  }
}
