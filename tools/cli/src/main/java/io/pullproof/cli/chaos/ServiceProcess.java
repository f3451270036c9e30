package io.pullproof.cli.chaos;

import io.pullproof.stack.process.ChildProcess;
import io.pullproof.stack.process.FreePort;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One of our services (ledger, decision service, node agent) as a child JVM started from its
 * {@code main} with its settings in the environment, exactly as a container runs it, so a fault
 * can kill it with SIGKILL. Its health server is on a fixed port chosen once, so a restarted
 * process is found where the old one was; ready means {@code GET /health/ready} answers 200.
 */
final class ServiceProcess {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
  private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

  private final String name;
  private final String mainClass;
  private final Map<String, String> env;
  private final URI ready;
  private final Path log;
  private final Path workDir;
  private ChildProcess process;

  /** {@code healthPortKey}: the setting that names the health port; a free port is chosen for it. */
  ServiceProcess(String name, Class<?> mainClass, Map<String, String> env, String healthPortKey, Path workDir) {
    int healthPort = FreePort.pick();
    this.name = name;
    this.mainClass = mainClass.getName();
    this.env = new HashMap<>(env);
    this.env.put(healthPortKey, String.valueOf(healthPort));
    this.ready = URI.create("http://127.0.0.1:" + healthPort + "/health/ready");
    this.workDir = workDir;
    this.log = workDir.resolve(name + ".log");
  }

  String name() {
    return name;
  }

  /** Starts the JVM and waits until it reports ready; fails with its log's tail otherwise. */
  void start() {
    startInBackground();
    awaitReady();
  }

  /** Starts the JVM without waiting (a fault that must strike while it is still joining). */
  void startInBackground() {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException(name + " is already running (pid " + process.pid() + ")");
    }
    // Small heaps and the client compiler: several of these share two cores with the servers.
    List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-cp", System.getProperty("java.class.path"), mainClass);
    process = ChildProcess.start(name, command, workDir, env, log);
  }

  void awaitReady() {
    process.awaitReady(START_TIMEOUT, this::isReady);
  }

  /** SIGKILL: no shutdown hook runs, nothing is flushed or committed. */
  void kill() {
    process.kill();
  }

  /** SIGTERM and a graceful shutdown (up to 20 s). */
  void stop() {
    if (process != null) {
      process.close();
    }
  }

  boolean isAlive() {
    return process != null && process.isAlive();
  }

  long pid() {
    return process == null ? -1 : process.pid();
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
