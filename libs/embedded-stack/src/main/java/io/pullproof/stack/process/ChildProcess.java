package io.pullproof.stack.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One server process that we started and therefore may stop: output goes to a log file (so a
 * failed start can be explained), readiness is a condition polled until a deadline, and stopping
 * is SIGTERM to our own PID, then SIGKILL after a grace period. Never touches other processes.
 *
 * <p>A child this JVM did not stop itself is stopped when the JVM exits (Ctrl-C, SIGTERM, or a
 * command that ends while a server is still starting and not yet owned by anyone), so no server
 * outlives the command that started it. The detached stack's supervisor is started differently and
 * is not affected.
 */
public final class ChildProcess implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ChildProcess.class);

  /** Children started and not yet closed. */
  private static final Set<ChildProcess> RUNNING = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(ChildProcess::stopRunning, "pullproof-child-processes"));
  }

  private final String name;
  private final Process process;
  private final Path logFile;

  private ChildProcess(String name, Process process, Path logFile) {
    this.name = name;
    this.process = process;
    this.logFile = logFile;
  }

  /** Starts {@code command} in {@code workDir}, appending stdout and stderr to {@code logFile}. */
  public static ChildProcess start(String name, List<String> command, Path workDir, Map<String, String> env, Path logFile) {
    Objects.requireNonNull(command, "command");
    try {
      Files.createDirectories(logFile.getParent());
      ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(command))
          .directory(workDir.toFile())
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
      builder.environment().putAll(env);
      Process process = builder.start();
      LOG.debug("started {} (pid {}): {}", name, process.pid(), command);
      ChildProcess child = new ChildProcess(name, process, logFile);
      RUNNING.add(child);
      return child;
    } catch (IOException e) {
      throw new UncheckedIOException("could not start " + name + " (" + command.get(0) + "): " + e.getMessage(), e);
    }
  }

  /**
   * Polls {@code ready} until it holds. Fails with the tail of the log when the process exits
   * first or the timeout passes, so the reason is in the exception, not lost in a file.
   */
  public ChildProcess awaitReady(Duration timeout, BooleanSupplier ready) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      if (!process.isAlive()) {
        throw new IllegalStateException(name + " exited with code " + process.exitValue()
            + " before it was ready; last log lines from " + logFile + ":\n" + logTail(40));
      }
      if (ready.getAsBoolean()) {
        return this;
      }
      if (System.nanoTime() > deadline) {
        close();
        throw new IllegalStateException(name + " was not ready within " + timeout.toSeconds()
            + " s; last log lines from " + logFile + ":\n" + logTail(40));
      }
      sleep(50);
    }
  }

  /** True once {@code text} appears in the process log. */
  public boolean logContains(String text) {
    try {
      return Files.exists(logFile) && Files.readString(logFile, StandardCharsets.UTF_8).contains(text);
    } catch (IOException e) {
      return false;
    }
  }

  public String logTail(int lines) {
    try {
      List<String> all = Files.readAllLines(logFile, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(log unreadable: " + e.getMessage() + ")";
    }
  }

  /** Waits for a short-lived command (a formatter, an installer) and returns its exit code. */
  public int waitForExit(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        close();
        throw new IllegalStateException(name + " did not finish within " + timeout.toSeconds() + " s:\n" + logTail(30));
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for " + name, e);
    }
  }

  public long pid() {
    return process.pid();
  }

  public String name() {
    return name;
  }

  public Path logFile() {
    return logFile;
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** SIGKILL now, no grace (fault injection: a crash, not a stop); waits until the process is gone. */
  public void kill() {
    process.destroyForcibly();
    try {
      process.waitFor(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    RUNNING.remove(this);
  }

  /** SIGTERM, wait up to 20 s, then SIGKILL: brokers flush their logs on a clean stop. */
  @Override
  public void close() {
    stop(process.toHandle(), Duration.ofSeconds(20));
    RUNNING.remove(this);
  }

  /** At JVM exit: SIGTERM to every child still running, all at once, then SIGKILL after 10 s. */
  private static void stopRunning() {
    List<ProcessHandle> alive = new ArrayList<>();
    for (ChildProcess child : RUNNING) {
      if (child.process.isAlive()) {
        alive.addAll(child.process.descendants().toList());
        alive.add(child.process.toHandle());
        child.process.destroy();
      }
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    for (ProcessHandle handle : alive) {
      try {
        handle.onExit().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (Exception timeoutOrInterrupt) {
        handle.destroyForcibly();
      }
    }
  }

  /** Stops a process by handle: used as well for PIDs recorded by a detached stack. */
  public static void stop(ProcessHandle handle, Duration grace) {
    if (!handle.isAlive()) {
      return;
    }
    List<ProcessHandle> children = handle.descendants().toList();
    handle.destroy();
    try {
      handle.onExit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception timeoutOrInterrupt) {
      handle.destroyForcibly();
      try {
        handle.onExit().get(5, TimeUnit.SECONDS);
      } catch (Exception ignored) {
        // Reported by the caller's liveness check; nothing more we may do.
      }
    }
    // Wrappers such as `unshare` can leave their child behind when they are killed.
    for (ProcessHandle child : children) {
      if (child.isAlive()) {
        child.destroyForcibly();
      }
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for a server", e);
    }
  }
}
