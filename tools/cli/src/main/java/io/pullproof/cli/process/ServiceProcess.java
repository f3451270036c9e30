package io.pullproof.cli.process;

import io.pullproof.stack.process.ChildProcess;
import io.pullproof.stack.process.FreePort;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One of our services (ledger, decision service, node agent) as a child JVM started from its
 * {@code main} with its settings in the environment, exactly as a container runs it, so a fault
 * can kill it with SIGKILL. Its health server is on a fixed port chosen once, so a restarted
 * process is found where the old one was; ready means {@code GET /health/ready} answers 200.
 */
public final class ServiceProcess {
  /** Several services sharing two cores with the servers (chaos): small heaps and the client compiler. */
  public static final List<String> SMALL_JVM = List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
  private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

  private final String name;
  private final String mainClass;
  private final Map<String, String> env;
  private final URI ready;
  private final URI metrics;
  private final Path log;
  private final Path workDir;
  private final List<String> jvmOptions;
  private ChildProcess process;

  /**
   * {@code healthPortKey}: the setting that names the health port; a free port is chosen for it.
   * {@code jvmOptions}: heap, collector and compiler flags of the child JVM.
   */
  public ServiceProcess(String name, Class<?> mainClass, Map<String, String> env, String healthPortKey, Path workDir,
      List<String> jvmOptions) {
    int healthPort = FreePort.pick();
    this.jvmOptions = List.copyOf(jvmOptions);
    this.metrics = URI.create("http://127.0.0.1:" + healthPort + "/metrics");
    this.name = name;
    this.mainClass = mainClass.getName();
    this.env = new HashMap<>(env);
    this.env.put(healthPortKey, String.valueOf(healthPort));
    this.ready = URI.create("http://127.0.0.1:" + healthPort + "/health/ready");
    this.workDir = workDir;
    this.log = workDir.resolve(name + ".log");
  }

  public String name() {
    return name;
  }

  /** Where the process's stdout and stderr go. */
  public Path log() {
    return log;
  }

  /** Starts the JVM and waits until it reports ready; fails with its log's tail otherwise. */
  public void start() {
    startInBackground();
    awaitReady();
  }

  /** Starts the JVM without waiting (a fault that must strike while it is still joining). */
  public void startInBackground() {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException(name + " is already running (pid " + process.pid() + ")");
    }
    process = ChildProcess.start(name, javaCommand(jvmOptions, mainClass, List.of()), workDir, env, log);
  }

  /** This JVM's java and class path running {@code mainClass} with {@code jvmOptions} and {@code args}. */
  public static List<String> javaCommand(List<String> jvmOptions, String mainClass, List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
    command.addAll(args);
    return command;
  }

  public void awaitReady() {
    process.awaitReady(START_TIMEOUT, this::isReady);
  }

  /** SIGKILL: no shutdown hook runs, nothing is flushed or committed. */
  public void kill() {
    process.kill();
  }

  /** SIGTERM and a graceful shutdown (up to 20 s). */
  public void stop() {
    if (process != null) {
      process.close();
    }
  }

  public boolean isAlive() {
    return process != null && process.isAlive();
  }

  public long pid() {
    return process == null ? -1 : process.pid();
  }

  /** The service's Prometheus text ({@code GET /metrics} of its health server). */
  public String scrapeMetrics() {
    try {
      HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(metrics).timeout(Duration.ofSeconds(5)).build(),
          HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IllegalStateException(name + ": GET /metrics answered " + response.statusCode());
      }
      return response.body();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(name + ": GET /metrics failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(name + ": interrupted reading /metrics", e);
    }
  }

  private boolean isReady() {
    try {
      HttpResponse<Void> response = HTTP.send(HttpRequest.newBuilder(ready).timeout(Duration.ofSeconds(2)).build(),
          HttpResponse.BodyHandlers.discarding());
      return response.statusCode() == 200;
    } catch (java.io.IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
