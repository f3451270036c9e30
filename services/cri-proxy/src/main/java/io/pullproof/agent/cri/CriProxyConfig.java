package io.pullproof.agent.cri;

import io.pullproof.agent.AgentConfig;
import io.pullproof.kit.config.ConfigKey;
import io.pullproof.kit.config.ConfigSource;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The CRI proxy's settings: the node agent's ({@link AgentConfig}, read from the same source)
 * plus the two sockets and the runtime timeouts, each key declared once below and validated when read.
 *
 * @param agent the node agent settings (cluster, node, Kafka, fleet key, state dir, verdict timeout...)
 * @param listenSocket where the kubelet connects ({@code --container-runtime-endpoint})
 * @param runtimeSocket the real runtime's CRI socket
 * @param runtimeCheckTimeout how long the start-up Version/ImageStatus check waits
 * @param imageStatusTimeout how long the proxy's own ImageStatus lookups wait
 * @param eventLoopThreads netty threads serving the two sockets
 */
public record CriProxyConfig(AgentConfig agent, Path listenSocket, Path runtimeSocket, Duration runtimeCheckTimeout,
    Duration imageStatusTimeout, int eventLoopThreads) {

  private static final Function<String, Path> ABSOLUTE_PATH = s -> {
    Path path = Path.of(ConfigKey.NON_EMPTY.apply(s).trim());
    if (!path.isAbsolute()) {
      throw new IllegalArgumentException("must be an absolute path");
    }
    return path;
  };
  private static final Function<String, Duration> POSITIVE_DURATION = s -> {
    Duration d = ConfigKey.DURATION.apply(s);
    if (d.isZero() || d.isNegative()) {
      throw new IllegalArgumentException("must be positive");
    }
    return d;
  };

  public static final ConfigKey<Path> LISTEN_SOCKET = ConfigKey.optional("PULLPROOF_CRI_LISTEN_SOCKET",
      "/run/pullproof/cri.sock", ABSOLUTE_PATH,
      "Unix socket the proxy serves CRI v1 on; the kubelet's --container-runtime-endpoint=unix://<this>");
  public static final ConfigKey<Path> RUNTIME_SOCKET = ConfigKey.optional("PULLPROOF_CRI_RUNTIME_SOCKET",
      "/run/containerd/containerd.sock", ABSOLUTE_PATH, "The real runtime's CRI socket (containerd, CRI-O)");
  public static final ConfigKey<Duration> RUNTIME_CHECK_TIMEOUT = ConfigKey.optional("PULLPROOF_CRI_RUNTIME_CHECK_TIMEOUT",
      "10s", POSITIVE_DURATION, "Start-up check that the runtime speaks CRI runtime.v1 waits this long, then fails");
  public static final ConfigKey<Duration> IMAGE_STATUS_TIMEOUT = ConfigKey.optional("PULLPROOF_CRI_IMAGE_STATUS_TIMEOUT",
      "5s", POSITIVE_DURATION, "Timeout of the proxy's own ImageStatus calls (manifest digest of a present image)");
  public static final ConfigKey<Integer> EVENT_LOOP_THREADS = ConfigKey.optional("PULLPROOF_CRI_EVENT_LOOP_THREADS",
      "2", ConfigKey.intRange(1, 64), "Netty event-loop threads for the two sockets (calls never block them)");

  /** The proxy's own keys; {@link #KEYS} adds the agent's. */
  public static final List<ConfigKey<?>> OWN_KEYS = List.of(LISTEN_SOCKET, RUNTIME_SOCKET, RUNTIME_CHECK_TIMEOUT,
      IMAGE_STATUS_TIMEOUT, EVENT_LOOP_THREADS);
  public static final List<ConfigKey<?>> KEYS;

  static {
    List<ConfigKey<?>> all = new ArrayList<>(OWN_KEYS);
    all.addAll(AgentConfig.KEYS);
    KEYS = List.copyOf(all);
  }

  public static CriProxyConfig from(ConfigSource source) {
    CriProxyConfig config = new CriProxyConfig(AgentConfig.from(source), source.get(LISTEN_SOCKET),
        source.get(RUNTIME_SOCKET), source.get(RUNTIME_CHECK_TIMEOUT), source.get(IMAGE_STATUS_TIMEOUT),
        source.get(EVENT_LOOP_THREADS));
    if (config.listenSocket().equals(config.runtimeSocket())) {
      throw new io.pullproof.kit.config.InvalidConfigException(LISTEN_SOCKET.name() + "='" + config.listenSocket()
          + "': must differ from " + RUNTIME_SOCKET.name() + " (the proxy would call itself)");
    }
    return config;
  }
}
