package io.pullproof.stack.containerd;

import io.pullproof.stack.process.ChildProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real containerd (Debian's, 1.6) serving CRI on a Unix socket under a work dir of its own: its
 * root, state and sockets live there, the snapshotter is {@code native} (no overlay or btrfs
 * needed), and registries are trusted per host through {@code certs.d/HOST:PORT/hosts.toml}
 * (read at every pull, so {@link #trustRegistry} works after start). Needs root. Files:
 * {@code config.toml}, {@code containerd.log}, {@code root/}, {@code state/}, {@code certs.d/}.
 */
public final class ContainerdRuntime implements AutoCloseable {
  public static final Path BINARY = Path.of("/usr/bin/containerd");
  private static final Logger LOG = LoggerFactory.getLogger(ContainerdRuntime.class);
  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

  private final ChildProcess process;
  private final Path workDir;

  private ContainerdRuntime(ChildProcess process, Path workDir) {
    this.process = process;
    this.workDir = workDir;
  }

  /**
   * @param sandboxImage the pause image RunPodSandbox uses (the packaged default names a public
   *     registry, unreachable from a sandbox without network)
   */
  public static ContainerdRuntime start(Path workDir, String sandboxImage) {
    if (!Files.isExecutable(BINARY)) {
      throw new IllegalStateException(BINARY + " is missing: run `apt-get install -y containerd`");
    }
    if (!"root".equals(System.getProperty("user.name"))) {
      throw new IllegalStateException("containerd needs root (it mounts snapshots and owns its state)");
    }
    Path config;
    try {
      Files.createDirectories(workDir.resolve("certs.d"));
      config = Files.writeString(workDir.resolve("config.toml"), configToml(workDir, sandboxImage), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write containerd config in " + workDir + ": " + e.getMessage(), e);
    }
    long startedAt = System.nanoTime();
    ChildProcess process = ChildProcess.start("containerd",
        List.of(BINARY.toString(), "--config", config.toAbsolutePath().toString()),
        workDir, Map.of(), workDir.resolve("containerd.log"));
    ContainerdRuntime runtime = new ContainerdRuntime(process, workDir);
    // The CRI plugin logs this once its services are registered on the socket.
    process.awaitReady(START_TIMEOUT, () -> Files.exists(runtime.socket())
        && process.logContains("serving...") && process.logContains("Start subscribing containerd event"));
    LOG.info("containerd ready on {} in {} ms, pid {}, log {}", runtime.socket(),
        (System.nanoTime() - startedAt) / 1_000_000, process.pid(), process.logFile());
    return runtime;
  }

  /** TOML strings are written as JSON strings (same escapes), so paths may hold anything. */
  static String configToml(Path workDir, String sandboxImage) {
    Path dir = workDir.toAbsolutePath();
    return """
        version = 2
        root = %s
        state = %s
        # Snapshotters this machine may lack: failing to load them is noise, not an error.
        disabled_plugins = ["io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", \
        "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.aufs"]
        [grpc]
          address = %s
        [ttrpc]
          address = %s
        [plugins."io.containerd.grpc.v1.cri"]
          sandbox_image = %s
          stream_server_address = "127.0.0.1"
          stream_server_port = "0"
          [plugins."io.containerd.grpc.v1.cri".containerd]
            snapshotter = "native"
          [plugins."io.containerd.grpc.v1.cri".registry]
            config_path = %s
        """.formatted(quoted(dir.resolve("root")), quoted(dir.resolve("state")),
            quoted(dir.resolve("containerd.sock")), quoted(dir.resolve("containerd.sock.ttrpc")),
            quoted(sandboxImage), quoted(dir.resolve("certs.d")));
  }

  private static String quoted(Object value) {
    return "\"" + value.toString().replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  /** Trusts {@code caPem} for {@code https://hostPort} (e.g. {@code 127.0.0.1:5000}); effective from the next pull. */
  public void trustRegistry(String hostPort, Path caPem) {
    Path dir = workDir.resolve("certs.d").resolve(hostPort);
    String hosts = """
        server = %s
        [host.%s]
          capabilities = ["pull", "resolve"]
          ca = %s
        """.formatted(quoted("https://" + hostPort), quoted("https://" + hostPort), quoted(caPem.toAbsolutePath()));
    try {
      Files.createDirectories(dir);
      Files.writeString(dir.resolve("hosts.toml"), hosts, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + dir.resolve("hosts.toml") + ": " + e.getMessage(), e);
    }
  }

  /** The CRI socket (containerd serves its own API and CRI v1 on the same one). */
  public Path socket() {
    return workDir.resolve("containerd.sock").toAbsolutePath();
  }

  public Path logFile() {
    return process.logFile();
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  @Override
  public void close() {
    process.close();
    LOG.info("containerd on {} stopped", socket());
  }
}
