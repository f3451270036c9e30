package io.pullproof.agent.cri;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.netty.channel.EventLoopGroup;
import io.pullproof.agent.AgentMain;
import io.pullproof.agent.cri.api.VersionResponse;
import io.pullproof.agent.cri.guard.CriMetrics;
import io.pullproof.agent.cri.guard.PresentImages;
import io.pullproof.agent.cri.guard.PullObserver;
import io.pullproof.agent.cri.guard.StartGuard;
import io.pullproof.agent.cri.kube.PodDirectory;
import io.pullproof.agent.cri.proxy.CriProxyServer;
import io.pullproof.agent.cri.proxy.RuntimeVersionCheck;
import io.pullproof.agent.cri.proxy.UnaryHook;
import io.pullproof.agent.cri.proxy.UnixSockets;
import io.pullproof.kit.http.HealthCheck;
import io.pullproof.kit.http.HealthServer;
import io.pullproof.kit.lifecycle.ServiceMain;
import io.pullproof.kit.lifecycle.ShutdownSequence;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CRI proxy's composition root (STYLE.md §2): the kubelet's runtime endpoint. Checks first
 * that the runtime speaks CRI v1 (before anything else starts, so a wrong socket fails in a
 * second), then builds the node agent's core, the pod watch and the proxy server.
 */
public final class CriProxyMain {
  private static final Logger LOG = LoggerFactory.getLogger(CriProxyMain.class);
  static final String PULL_IMAGE = "runtime.v1.ImageService/PullImage";
  static final String CREATE_CONTAINER = "runtime.v1.RuntimeService/CreateContainer";

  private CriProxyMain() {}

  /** {@code java ... io.pullproof.agent.cri.CriProxyMain [CONFIG_FILE]}: the container image's entry point. */
  public static void main(String[] args) {
    System.exit(run(args.length > 0 ? Path.of(args[0]) : null, System.getenv()));
  }

  /** Runs until SIGTERM; the exit codes of {@link ServiceMain}. */
  public static int run(Path configFile, Map<String, String> env) {
    // In a pod: the service account; elsewhere: KUBECONFIG or ~/.kube/config.
    return ServiceMain.run("cri-proxy", configFile, env, CriProxyConfig.KEYS, CriProxyConfig::from,
        config -> start(config, new KubernetesClientBuilder().build()));
  }

  /** A started proxy; {@link #close()} stops it. */
  public static final class Running implements AutoCloseable {
    private final ShutdownSequence shutdown;
    private final VersionResponse runtime;
    private final int healthPort;

    Running(ShutdownSequence shutdown, VersionResponse runtime, int healthPort) {
      this.shutdown = shutdown;
      this.runtime = runtime;
      this.healthPort = healthPort;
    }

    /** What the runtime answered to Version at start-up. */
    public VersionResponse runtime() {
      return runtime;
    }

    public int healthPort() {
      return healthPort;
    }

    @Override
    public void close() {
      shutdown.close();
    }
  }

  /** {@code kube} is closed with the proxy. */
  public static Running start(CriProxyConfig config, KubernetesClient kube) {
    return ShutdownSequence.build(shutdown -> build(config, kube, shutdown));
  }

  private static Running build(CriProxyConfig config, KubernetesClient kube, ShutdownSequence shutdown) {
    shutdown.started("kubernetes client", kube);
    EventLoopGroup loops = UnixSockets.eventLoops(config.eventLoopThreads());
    shutdown.started("event loops", () -> loops.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly());
    ManagedChannel runtime = UnixSockets.channel(config.runtimeSocket(), loops);
    shutdown.started("runtime channel", () -> runtime.shutdown().awaitTermination(10, TimeUnit.SECONDS));
    VersionResponse version = RuntimeVersionCheck.require(runtime, config.runtimeSocket(), config.runtimeCheckTimeout());
    LOG.info("runtime at {}: {} {} (CRI {})", config.runtimeSocket(), version.getRuntimeName(),
        version.getRuntimeVersion(), version.getRuntimeApiVersion());

    AgentMain.Core core = AgentMain.startCore(config.agent(), shutdown);
    CriMetrics metrics = new CriMetrics(core.registry());
    PodDirectory pods = shutdown.started("pod watch", PodDirectory.start(kube, config.agent().node()));
    PresentImages images = new PresentImages(runtime, config.imageStatusTimeout());
    ExecutorService workers = Executors.newFixedThreadPool(config.agent().enforceThreads(), named("cri-hook"));
    shutdown.started("hook workers", () -> {
      workers.shutdown();
      workers.awaitTermination(30, TimeUnit.SECONDS);
    });
    Map<String, UnaryHook> hooks = Map.of(
        PULL_IMAGE, new PullObserver(core.pulls(), core.state(), pods, images, core.nodeCredentials(), metrics,
            Clock.systemUTC()),
        CREATE_CONTAINER, new StartGuard(core.enforcer(), pods, images, metrics));
    Server server = CriProxyServer.start(config.listenSocket(), runtime, hooks, workers, loops);
    shutdown.started("CRI server", () -> server.shutdown().awaitTermination(30, TimeUnit.SECONDS));

    Vertx vertx = Vertx.vertx();
    shutdown.started("vertx", () -> vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS));
    HealthServer health = shutdown.started("health server", HealthServer.start(vertx, config.agent().healthHost(),
        config.agent().healthPort(), core.registry(), List.of(
            HealthCheck.of("verdict-reader", core.reader()::problem),
            HealthCheck.of("pod-watch", pods::problem),
            HealthCheck.of("runtime", () -> runtime.getState(false) == ConnectivityState.TRANSIENT_FAILURE
                ? Optional.of("runtime socket " + config.runtimeSocket() + " unreachable") : Optional.empty()))));
    LOG.info("CRI proxy for {}/{} ready: serving {} in front of {}, health on {}:{}", config.agent().cluster(),
        config.agent().node(), config.listenSocket(), config.runtimeSocket(), config.agent().healthHost(), health.port());
    return new Running(shutdown, version, health.port());
  }

  private static java.util.concurrent.ThreadFactory named(String prefix) {
    AtomicInteger count = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, prefix + "-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }
}
