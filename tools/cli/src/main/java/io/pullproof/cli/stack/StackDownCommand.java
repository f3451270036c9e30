package io.pullproof.cli.stack;

import io.pullproof.cli.PullproofCommand;
import io.pullproof.stack.StackState;
import io.pullproof.stack.process.ChildProcess;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * Stops the supervisor (which stops every server in reverse order), then makes sure no PID the
 * stack recorded is still alive — even after a supervisor that was killed with SIGKILL.
 */
@Command(name = "down", mixinStandardHelpOptions = true,
    description = "Stop every server of the stack; data stays in the data directory. No process is left behind.")
public final class StackDownCommand implements Callable<Integer> {
  @Mixin
  StackCommand.DataDirOption dataDir;

  @Override
  public Integer call() {
    Optional<StackState> read = StackState.read(dataDir.resolve());
    if (read.isEmpty()) {
      System.out.println("stack: not running (no state in " + dataDir.resolve() + ")");
      return PullproofCommand.EXIT_OK;
    }
    StackState state = read.get();
    ProcessHandle.of(state.supervisorPid()).ifPresent(supervisor -> {
      System.out.println("stack: stopping supervisor pid " + state.supervisorPid());
      stopSupervisor(supervisor, Duration.ofSeconds(90));
    });
    boolean leftover = false;
    for (Map.Entry<String, Long> server : state.pids().entrySet()) {
      Optional<ProcessHandle> handle = ProcessHandle.of(server.getValue()).filter(ProcessHandle::isAlive);
      if (handle.isPresent()) {
        leftover = true;
        System.out.println("stack: " + server.getKey() + " (pid " + server.getValue() + ") outlived the supervisor; stopping it");
        ChildProcess.stop(handle.get(), Duration.ofSeconds(20));
      }
    }
    state.withStatus("STOPPED").write();
    boolean anyAlive = StackUpCommand.isAlive(state.supervisorPid())
        || state.pids().values().stream().anyMatch(StackUpCommand::isAlive);
    if (anyAlive) {
      System.err.println("pullproof: some stack processes are still alive: " + state.pids());
      return PullproofCommand.EXIT_FAILURE;
    }
    System.out.println("stack: stopped" + (leftover ? " (cleaned up leftovers)" : "") + "; no process left; data kept in " + state.dataDir());
    return PullproofCommand.EXIT_OK;
  }

  /** SIGTERM lets the supervisor stop its servers cleanly; SIGKILL only after {@code grace}. */
  static void stopSupervisor(ProcessHandle supervisor, Duration grace) {
    ChildProcess.stop(supervisor, grace);
  }
}
