package io.pullproof.cli.stack;

import io.pullproof.cli.PullproofCommand;
import io.pullproof.stack.StackState;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Starts {@code stack run} detached (its own session, so closing the terminal does not stop it) and waits until it is up. */
@Command(name = "up", mixinStandardHelpOptions = true,
    description = {"Start the embedded stack in the background and print its endpoints.",
        "Installs missing Debian packages (docker-registry) first. Idempotent: a running stack is reused."})
public final class StackUpCommand implements Callable<Integer> {
  @Mixin
  StackCommand.DataDirOption dataDir;

  @Option(names = "--timeout", defaultValue = "240s", paramLabel = "DURATION",
      description = "How long to wait for every server (default: ${DEFAULT-VALUE}).", converter = DurationConverter.class)
  Duration timeout;

  @Override
  public Integer call() throws Exception {
    Path dir = dataDir.resolve();
    Optional<StackState> existing = StackState.read(dir);
    if (existing.isPresent() && "UP".equals(existing.get().status()) && isAlive(existing.get().supervisorPid())) {
      System.out.println("stack already running (supervisor pid " + existing.get().supervisorPid() + ")");
      StackPrinter.print(existing.get(), System.out);
      return PullproofCommand.EXIT_OK;
    }
    Files.createDirectories(dir);
    Path log = dir.resolve("supervisor.log");
    Files.deleteIfExists(dir.resolve(StackState.FILE));
    Process supervisor = spawnSupervisor(dir, log);
    System.out.println("stack: starting in the background (pid " + supervisor.pid() + ", log " + log + ")");

    long deadline = System.nanoTime() + timeout.toNanos();
    int shown = 0;
    while (System.nanoTime() < deadline) {
      shown = echoNewLines(log, shown);
      Optional<StackState> state = StackState.read(dir);
      if (state.isPresent() && "UP".equals(state.get().status()) && state.get().supervisorPid() == supervisor.pid()) {
        echoNewLines(log, shown);
        return PullproofCommand.EXIT_OK;
      }
      if (!supervisor.isAlive()) {
        echoNewLines(log, shown);
        System.err.println("pullproof: the stack failed to start (exit code " + supervisor.exitValue() + "); full log: " + log);
        return PullproofCommand.EXIT_FAILURE;
      }
      Thread.sleep(200);
    }
    System.err.println("pullproof: the stack was not up within " + timeout.toSeconds() + " s; stopping it. Log: " + log);
    StackDownCommand.stopSupervisor(supervisor.toHandle(), Duration.ofSeconds(60));
    return PullproofCommand.EXIT_FAILURE;
  }

  private static Process spawnSupervisor(Path dir, Path log) throws IOException {
    List<String> command = new ArrayList<>();
    // setsid: a session of its own, so the terminal's SIGHUP does not reach the servers.
    if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
      command.add("/usr/bin/setsid");
    }
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx512m");
    command.add("-Dpullproof.home=" + System.getProperty("pullproof.home", "."));
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(PullproofCommand.class.getName());
    command.addAll(List.of("stack", "run", "--data-dir", dir.toString()));
    return new ProcessBuilder(command)
        .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
        .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()))
        .redirectErrorStream(true)
        .start();
  }

  /** Shows the supervisor's progress lines as they come: long starts must show progress. */
  private static int echoNewLines(Path log, int alreadyShown) {
    try {
      List<String> lines = Files.exists(log) ? Files.readAllLines(log, StandardCharsets.UTF_8) : List.of();
      for (int i = alreadyShown; i < lines.size(); i++) {
        System.out.println(lines.get(i));
      }
      return Math.max(alreadyShown, lines.size());
    } catch (IOException e) {
      return alreadyShown;
    }
  }

  static boolean isAlive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }
}
