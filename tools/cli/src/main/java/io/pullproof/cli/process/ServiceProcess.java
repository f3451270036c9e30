package io.pullproof.cli.process;

import io.pullproof.stack.process.ChildProcess;
import io.pullproof.stack.process.FreePort;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
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
  private final String classpath;
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
    this.classpath = imageClasspath(mainClass);
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
    process = ChildProcess.start(name, javaCommand(jvmOptions, classpath, mainClass, List.of()), workDir, env, log);
  }

  /** This JVM's java running {@code mainClass} on {@code classpath} with {@code jvmOptions} and {@code args}. */
  public static List<String> javaCommand(List<String> jvmOptions, String classpath, String mainClass, List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", classpath, mainClass));
    command.addAll(args);
    return command;
  }

  /**
   * The class path of {@code mainClass}'s module as its image has it: the module's classes and the
   * runtime dependencies its build recorded in {@code target/runtime.classpath} (parent POM). Not
   * this JVM's class path: the CLI's holds every tool, the embedded servers and the test kit (136
   * entries against the decision service's 86), and on it a service took about 1 s longer to start
   * (1.5–2.1 s against 0.5 s to its first log line). Falls back to this JVM's class path, with a
   * warning, when the module was built without the file.
   */
  public static String imageClasspath(Class<?> mainClass) {
    Path code;
    try {
      code = Path.of(mainClass.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException | RuntimeException e) {
      code = null;
    }
    return imageClasspath(mainClass.getSimpleName(), code);
  }

  /** {@code code}: the module's classes directory or jar, in its build's {@code target} directory. */
  static String imageClasspath(String service, Path code) {
    Path recorded = code == null || code.getParent() == null ? null : code.getParent().resolve("runtime.classpath");
    if (recorded == null || !Files.isRegularFile(recorded)) {
      System.err.printf("note: %s starts on the CLI's class path: %s is missing (build the module with mvn package)%n",
          service, recorded);
      return System.getProperty("java.class.path");
    }
    try {
      String dependencies = Files.readString(recorded).strip();
      return dependencies.isEmpty() ? code.toString() : code + File.pathSeparator + dependencies;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + recorded, e);
    }
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
