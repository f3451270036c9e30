package io.pullproof.stack.process;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Installs the Debian packages a server needs when they are missing, so a fresh machine needs no
 * manual step: `apt-get update` once, then `apt-get install -y`. Only as root and only where apt
 * exists; otherwise a message with the exact command to run.
 */
public final class DebianPackages {
  private DebianPackages() {}

  /** A package and a file that proves it is installed. */
  public record Requirement(String pkg, Path marker) {}

  public static final Requirement DOCKER_REGISTRY = new Requirement("docker-registry", Path.of("/usr/bin/docker-registry"));
  /** Headless rendering checks of HTML reports (the audit's). */
  public static final Requirement CHROMIUM = new Requirement("chromium", Path.of("/usr/bin/chromium"));
  /** containerd 1.6 with its CRI plugin (brings runc). */
  public static final Requirement CONTAINERD = new Requirement("containerd", Path.of("/usr/bin/containerd"));

  public static synchronized void ensureInstalled(List<Requirement> requirements, Consumer<String> progress) {
    List<String> missing = new ArrayList<>();
    for (Requirement requirement : requirements) {
      if (!Files.exists(requirement.marker())) {
        missing.add(requirement.pkg());
      }
    }
    if (missing.isEmpty()) {
      return;
    }
    String command = "apt-get update && apt-get install -y " + String.join(" ", missing);
    if (!Files.isExecutable(Path.of("/usr/bin/apt-get")) || !"root".equals(System.getProperty("user.name"))) {
      throw new IllegalStateException("missing Debian package(s) " + missing + "; install them as root: " + command);
    }
    progress.accept("installing Debian package(s) " + missing + " (apt-get; takes a minute the first time)");
    Path log;
    try {
      log = Files.createTempFile("pullproof-apt-", ".log");
    } catch (java.io.IOException e) {
      throw new IllegalStateException("cannot create a log file for apt-get", e);
    }
    // Another JVM (a parallel test module, the stack) may hold the dpkg lock: wait for it rather than fail.
    List<String> lockWait = List.of("-o", "DPkg::Lock::Timeout=300");
    run("apt-get update", concat(List.of("apt-get"), lockWait, List.of("update", "-q")), log);
    run("apt-get install", concat(List.of("apt-get"), lockWait, List.of("install", "-y", "-q", "--no-install-recommends"), missing), log);
    for (Requirement requirement : requirements) {
      if (!Files.exists(requirement.marker())) {
        throw new IllegalStateException(requirement.pkg() + " was installed but " + requirement.marker() + " is still missing; see " + log);
      }
    }
  }

  private static void run(String what, List<String> command, Path log) {
    ChildProcess process = ChildProcess.start(what, command, Path.of("/"), Map.of("DEBIAN_FRONTEND", "noninteractive"), log);
    int exit = process.waitForExit(Duration.ofMinutes(10));
    if (exit != 0) {
      throw new IllegalStateException(what + " failed with exit code " + exit + " (is the Debian mirror reachable?):\n" + process.logTail(20));
    }
  }

  @SafeVarargs
  private static List<String> concat(List<String>... parts) {
    List<String> all = new ArrayList<>();
    for (List<String> part : parts) {
      all.addAll(part);
    }
    return all;
  }
}
