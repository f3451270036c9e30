package io.pullproof.agent;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.pullproof.agent.api.AgentRoutes;
import io.pullproof.agent.enforce.Enforcer;
import io.pullproof.agent.enforce.PullReporter;
import io.pullproof.agent.enforce.RegistryTrust;
import io.pullproof.agent.enforce.RegistryVerifier;
import io.pullproof.agent.publish.AgentEvents;
import io.pullproof.agent.publish.AgentPublisher;
import io.pullproof.agent.publish.CredentialIdentities;
import io.pullproof.agent.state.NodeStateStore;
import io.pullproof.agent.verdict.AllowCache;
import io.pullproof.agent.verdict.VerdictClient;
import io.pullproof.agent.verdict.VerdictReader;
import io.pullproof.agent.verdict.VerdictRoutes;
import io.pullproof.credentials.CredentialHasher;
import io.pullproof.credentials.CredentialSource;
import io.pullproof.credentials.DockerConfig;
import io.pullproof.kafka.EventPublisher;
import io.pullproof.kit.config.InvalidConfigException;
import io.pullproof.kit.http.HealthCheck;
import io.pullproof.kit.http.HealthServer;
import io.pullproof.kit.lifecycle.ServiceMain;
import io.pullproof.kit.lifecycle.ShutdownSequence;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node agent's composition root (STYLE.md §2): reads {@link AgentConfig}, logs it with secrets
 * masked, builds every object with {@code new}, starts them in dependency order and registers each
 * with one {@link ShutdownSequence} that stops them in reverse.
 */
public final class AgentMain {
  private static final Logger LOG = LoggerFactory.getLogger(AgentMain.class);
  private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(30);
  /**
   * How often pulls whose send failed are sent again. A send fails only after the producer gave up
   * (delivery timeout, or the full hand-off queue), so this only adds to an outage's end.
   */
  private static final Duration OUTBOX_RETRY_INTERVAL = Duration.ofSeconds(30);
  /** Events that may wait for an unavailable broker before publishing fails fast (a few MiB). */
  private static final int PUBLISH_QUEUE = 20_000;

  private AgentMain() {}

  public static void main(String[] args) {
    System.exit(run(args.length > 0 ? Path.of(args[0]) : null, System.getenv()));
  }

  /** Runs until SIGTERM/SIGINT; the exit codes of {@link ServiceMain}. */
  public static int run(Path configFile, Map<String, String> env) {
    return ServiceMain.run("agent", configFile, env, AgentConfig.KEYS, AgentConfig::from, AgentMain::start);
  }

  /** A started agent; {@link #close()} stops it. */
  public static final class Running implements AutoCloseable {
    private final ShutdownSequence shutdown;
    private final int apiPort;
    private final int healthPort;
    private final int replySlice;

    Running(ShutdownSequence shutdown, int apiPort, int healthPort, int replySlice) {
      this.shutdown = shutdown;
      this.apiPort = apiPort;
      this.healthPort = healthPort;
      this.replySlice = replySlice;
    }

    public int apiPort() {
      return apiPort;
    }

    public int healthPort() {
      return healthPort;
    }

    /** The verdict partition this agent reads. */
    public int replySlice() {
      return replySlice;
    }

    @Override
    public void close() {
      shutdown.close();
    }
  }

  public static Running start(AgentConfig config) {
    LOG.info("starting node agent for {}/{}: {}", config.cluster(), config.node(), config);
    return ShutdownSequence.build(shutdown -> build(config, shutdown));
  }

  /**
   * What every front end of the agent shares (the local HTTP API here, the CRI proxy in
   * services/cri-proxy): enforcement, pull reporting, and the Kafka plumbing behind them.
   */
  public record Core(Enforcer enforcer, PullReporter pulls, NodeStateStore state, VerdictReader reader,
      PrometheusMeterRegistry registry, AgentMetrics metrics, List<CredentialSource> nodeCredentials, int replySlice) {}

  /** Builds and starts the {@link Core}, registering each part with {@code shutdown}. */
  public static Core startCore(AgentConfig config, ShutdownSequence shutdown) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    AgentMetrics metrics = new AgentMetrics(registry);
    Clock clock = Clock.systemUTC();
    List<CredentialSource> nodeCredentials = nodeCredentials(config.nodeDockerConfig());

    NodeStateStore state = shutdown.started("node state", NodeStateStore.open(config.stateDir()));
    AgentPublisher publisher = shutdown.started("event publisher", new AgentPublisher(
        EventPublisher.handingOff(new KafkaProducer<String, SpecificRecord>(config.kafka().producerProperties()),
            PUBLISH_QUEUE),
        config.topics(), state, metrics));
    publisher.republishOutbox();
    publisher.retryOutboxEvery(OUTBOX_RETRY_INTERVAL);

    Consumer<byte[], byte[]> consumer = new KafkaConsumer<>(config.kafka().consumerProperties("pullproof-agent"));
    int replySlice;
    TopicPartition slice;
    try {
      List<PartitionInfo> verdictPartitions = consumer.partitionsFor(config.topics().verdicts(), METADATA_TIMEOUT);
      if (verdictPartitions == null || verdictPartitions.isEmpty()) {
        throw new IllegalStateException("topic " + config.topics().verdicts() + " does not exist");
      }
      replySlice = VerdictRoutes.replySlice(verdictPartitions.size(), config.cluster(), config.node());
      slice = new TopicPartition(config.topics().verdicts(), replySlice);
    } catch (RuntimeException e) {
      consumer.close();
      throw e;
    }
    VerdictClient verdicts = new VerdictClient(config.verdictTimeout());
    AllowCache cache = new AllowCache(config.allowCacheTtl(), config.allowCacheMaxEntries(), System::nanoTime);
    metrics.cacheSize(cache::size);
    VerdictReader reader = shutdown.started("verdict reader", new VerdictReader(consumer,
        config.kafka().avroValueDeserializer(), slice, config.topics().revocations(), config.cluster(), config.node(),
        verdicts, cache, metrics).start(METADATA_TIMEOUT));

    AgentEvents events = new AgentEvents(config.cluster(), config.node(), clock);
    CredentialIdentities identities = new CredentialIdentities(new CredentialHasher(config.fleetKey()));
    RegistryVerifier verifier = new RegistryVerifier(RegistryTrust.sslContext(config.registryCaFile()),
        config.registryConnectTimeout(), config.registryRequestTimeout(), metrics);
    Enforcer enforcer = new Enforcer(events, identities, publisher, verdicts, cache, verifier, state, metrics,
        nodeCredentials, replySlice, clock);
    PullReporter pulls = new PullReporter(events, identities, publisher, nodeCredentials, metrics);

    return new Core(enforcer, pulls, state, reader, registry, metrics, nodeCredentials, replySlice);
  }

  private static Running build(AgentConfig config, ShutdownSequence shutdown) {
    Core core = startCore(config, shutdown);
    Enforcer enforcer = core.enforcer();
    PullReporter pulls = core.pulls();
    VerdictReader reader = core.reader();
    PrometheusMeterRegistry registry = core.registry();
    int replySlice = core.replySlice();

    Vertx vertx = Vertx.vertx();
    shutdown.started("vertx", () -> vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS));
    AgentRoutes api = shutdown.started("local API", AgentRoutes.start(vertx, config.apiHost(), config.apiPort(),
        config.enforceThreads(), enforcer, pulls, config.apiTls()));
    HealthServer health = shutdown.started("health server", HealthServer.start(vertx, config.healthHost(),
        config.healthPort(), registry, List.of(HealthCheck.of("verdict-reader", reader::problem),
            HealthCheck.of("node-state", () -> Files.isWritable(config.stateDir()) ? Optional.empty()
                : Optional.of(config.stateDir() + " is not writable")))));
    LOG.info("node agent {}/{} ready: local API on {}:{}, health on {}:{}, reply slice {}", config.cluster(),
        config.node(), config.apiHost(), api.port(), config.healthHost(), health.port(), replySlice);
    return new Running(shutdown, api.port(), health.port(), replySlice);
  }

  private static List<CredentialSource> nodeCredentials(Path file) {
    if (file == null) {
      return List.of();
    }
    try {
      return List.of(new CredentialSource.NodeCredentials(file.toString(), DockerConfig.parse(Files.readAllBytes(file))));
    } catch (IOException e) {
      throw new InvalidConfigException(AgentConfig.NODE_DOCKER_CONFIG.name() + "='" + file + "': cannot be read: "
          + e.getMessage());
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigException(AgentConfig.NODE_DOCKER_CONFIG.name() + "='" + file + "': " + e.getMessage());
    }
  }
}
