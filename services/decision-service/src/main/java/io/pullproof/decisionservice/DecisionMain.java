package io.pullproof.decisionservice;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.pullproof.decisionservice.messaging.StartRequestHandler;
import io.pullproof.decisionservice.messaging.VerdictPublisher;
import io.pullproof.decisionservice.messaging.VerdictSerializers;
import io.pullproof.decisionservice.state.FleetState;
import io.pullproof.decisionservice.state.LedgerSnapshotReader;
import io.pullproof.decisionservice.state.LogFeed;
import io.pullproof.decisionservice.state.PartitionLoader;
import io.pullproof.events.ContainerStartRequested;
import io.pullproof.events.StartVerdictIssued;
import io.pullproof.jdbc.DatabaseConfig;
import io.pullproof.kafka.ConsumerLoop;
import io.pullproof.kafka.OffsetStorage;
import io.pullproof.kafka.KafkaClientConfig;
import io.pullproof.kafka.TopicLayout;
import io.pullproof.kafka.TopicNames;
import io.pullproof.kafka.TopicProvisioner;
import io.pullproof.kit.config.InvalidConfigException;
import io.pullproof.kit.http.HealthCheck;
import io.pullproof.kit.http.HealthServer;
import io.pullproof.kit.lifecycle.ServiceMain;
import io.pullproof.kit.lifecycle.ShutdownSequence;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The decision service's one composition root (STYLE.md §2): config (policy file validated),
 * effective config logged with secrets masked, every object built with {@code new}, started in
 * dependency order — fleet snapshot (node pulls, revocations) from PostgreSQL, log feed caught up,
 * verdict producer, start-request consumer loop (whose assignment hook loads each partition's
 * grants before answering for it), health server — and stopped in reverse by one
 * {@link ShutdownSequence}.
 */
public final class DecisionMain {
  private static final Logger LOG = LoggerFactory.getLogger(DecisionMain.class);
  /**
   * Connections that read a partition load's ledger snapshot in parallel: decoding a million rows
   * is CPU work the JDBC driver does on the reading thread, so one per core, up to 4.
   */
  public static final int SNAPSHOT_READERS = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));

  private DecisionMain() {}

  /** {@code DecisionMain [CONFIG_FILE]}: settings from the file, overridden by the environment. */
  public static void main(String[] args) {
    System.exit(run(args.length > 0 ? Path.of(args[0]) : null, System.getenv()));
  }

  /** Runs until the JVM is asked to stop (SIGTERM / SIGINT); the exit codes of {@link ServiceMain}. */
  public static int run(Path configFile, Map<String, String> env) {
    return ServiceMain.run("decision", configFile, env, DecisionConfig.KEYS, DecisionConfig::from, config -> {
      Running running = start(config);
      LOG.info("decision service ready: health and metrics on port {}", running.healthPort());
      return running;
    });
  }

  /** A started decision service; {@link #close()} stops it in reverse start order. */
  public record Running(int healthPort, FleetState state, PrometheusMeterRegistry metrics, ShutdownSequence shutdown)
      implements AutoCloseable {
    @Override
    public void close() {
      shutdown.close();
    }
  }

  /** Builds and starts every component; on a failure, what was started is stopped again. */
  public static Running start(DecisionConfig config) {
    return ShutdownSequence.build(shutdown -> startInto(config, shutdown));
  }

  private static Running startInto(DecisionConfig config, ShutdownSequence shutdown) {
    LOG.info("starting decision service with {}", config);
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    DecisionMetrics metrics = new DecisionMetrics(registry);
    TopicNames topics = config.topics();
    KafkaClientConfig kafka = config.kafka();

    if (config.provisionTopics()) {
      provision(kafka, topics);
    }
    Map<String, Object> feedProperties = new HashMap<>(kafka.consumerProperties(config.consumerGroup() + "-feed"));
    feedProperties.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
    KafkaConsumer<byte[], byte[]> feedConsumer = new KafkaConsumer<>(feedProperties);
    FleetState state = new FleetState();
    metrics.grantsHeld(state::grantCount);
    LogFeed feed = shutdown.started("log feed", new LogFeed(feedConsumer, kafka.avroValueDeserializer(), state,
        topics.pulls(), topics.revocations(), metrics::applied));
    int partitions = keyedPartitions(feedConsumer, topics);
    LedgerSnapshotReader snapshot = shutdown.started("ledger snapshot reader", new LedgerSnapshotReader(
        database(config), config.ledgerGroup(), SNAPSHOT_READERS));
    startFeed(config, topics, snapshot, state, feed);

    Map<String, Object> producerProperties = new HashMap<>(kafka.producerProperties());
    producerProperties.put(ProducerConfig.LINGER_MS_CONFIG, Integer.toString(config.lingerMs()));
    producerProperties.remove(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG);
    producerProperties.remove(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG);
    KafkaProducer<String, StartVerdictIssued> verdictProducer = new KafkaProducer<>(producerProperties,
        new StringSerializer(), VerdictSerializers.forVerdicts(kafka));
    VerdictPublisher publisher = shutdown.started("verdict publisher", new VerdictPublisher(verdictProducer,
        topics.verdicts(), verdictProducer.partitionsFor(topics.verdicts()).size()));
    KafkaProducer<byte[], byte[]> deadLetterProducer =
        shutdown.started("dead-letter producer", new KafkaProducer<>(kafka.deadLetterProducerProperties()));

    Map<String, Object> consumerProperties = new HashMap<>(kafka.consumerProperties(config.consumerGroup()));
    consumerProperties.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, config.maxPollRecords());
    consumerProperties.putIfAbsent(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, config.fetchMaxWaitMs());
    // Cooperative: a rebalance moves only the partitions that change owner, so an instance joining
    // does not make every other instance reload all its grants.
    consumerProperties.putIfAbsent(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
        CooperativeStickyAssignor.class.getName());
    ConsumerLoop<ContainerStartRequested> loop = ConsumerLoop.<ContainerStartRequested>builder("decision")
        .consumer(new KafkaConsumer<>(consumerProperties))
        .topics(topics.startRequests())
        .deserializer(kafka.avroValueDeserializer())
        .handler(new StartRequestHandler(state, config.policy(), publisher, config.dryRun(), config.instanceId(),
            Clock.systemUTC(), metrics))
        .deadLetters(deadLetterProducer, topics.deadLetters())
        // A re-read request gets the same verdict event id (VerdictEvents.eventId), so waiting for
        // each commit (5 ms of coordinator linger per batch on Kafka 4.x) would buy nothing.
        .offsetStorage(OffsetStorage.KAFKA_ASYNC)
        .assignmentHook(new PartitionLoader(snapshot, state, feed, topics.pulls(), partitions, config.loadTimeout(), metrics))
        .rebalanceBudget(config.loadTimeout())
        .meterRegistry(registry)
        .build();
    loop.start();
    shutdown.started("consumer loop", loop);

    Vertx vertx = Vertx.vertx();
    shutdown.started("vert.x", () -> vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS));
    List<HealthCheck> checks = List.of(
        HealthCheck.of("ledger snapshot", snapshot::problem),
        HealthCheck.of("log feed", () -> feed.isRunning() ? Optional.empty()
            : Optional.of("pulls/revocations feed stopped: " + feed.failure())),
        HealthCheck.of("consumer", () -> loop.isRunning() ? Optional.empty()
            : Optional.of("consumer loop stopped: " + loop.failure().map(Throwable::getMessage).orElse("closed"))));
    HealthServer health = shutdown.started("health server",
        HealthServer.start(vertx, config.httpHost(), config.healthPort(), registry, checks));
    return new Running(health.port(), state, registry, shutdown);
  }

  /** Node pulls and revocations from the ledger snapshot, then the log after its offsets, up to now. */
  private static void startFeed(DecisionConfig config, TopicNames topics, LedgerSnapshotReader snapshot,
      FleetState state, LogFeed feed) {
    long start = System.nanoTime();
    LedgerSnapshotReader.FleetSnapshot fleet;
    try {
      fleet = snapshot.readFleet(topics.pulls(), topics.revocations(), new LedgerSnapshotReader.FleetSink() {
        @Override
        public void nodePull(String node, String name) {
          state.recordNodePull(node, name);
        }

        @Override
        public void revocation(String id, io.pullproof.decision.Revocation revocation) {
          state.applyRevocation(id, revocation);
        }
      });
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read the ledger snapshot from " + DecisionConfig.DB_URL.name()
          + " schema " + config.ledgerSchema() + ": " + e.getMessage(), e);
    }
    Map<TopicPartition, Long> offsets = new HashMap<>();
    fleet.pullsOffsets().forEach((p, o) -> offsets.put(new TopicPartition(topics.pulls(), p), o));
    fleet.revocationsOffsets().forEach((p, o) -> offsets.put(new TopicPartition(topics.revocations(), p), o));
    feed.start(offsets);
    try {
      feed.caughtUp().get(config.loadTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while catching up on the pulls and revocations log", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("pulls/revocations log catch-up did not finish within "
          + DecisionConfig.LOAD_TIMEOUT.name() + "=" + config.loadTimeout() + ": " + e, e);
    }
    LOG.info("fleet state ready in {} ms: {} node pulls and {} revocations from the snapshot, then the log",
        (System.nanoTime() - start) / 1_000_000, fleet.nodePulls(), fleet.revocations());
  }

  /** Partitions of the start-requests topic, which must equal the pulls topic's (both keyed by image reference). */
  private static int keyedPartitions(KafkaConsumer<?, ?> consumer, TopicNames topics) {
    int requests = consumer.partitionsFor(topics.startRequests()).size();
    int pulls = consumer.partitionsFor(topics.pulls()).size();
    if (requests == 0 || requests != pulls) {
      throw new InvalidConfigException("topics " + topics.startRequests() + " (" + requests + " partitions) and "
          + topics.pulls() + " (" + pulls + " partitions) must have the same partition count: both are keyed by image"
          + " reference and partition p of one must hold the images of partition p of the other");
    }
    return requests;
  }

  private static DatabaseConfig database(DecisionConfig config) {
    try {
      return new DatabaseConfig(config.dbUrl(), config.dbUser().isEmpty() ? null : config.dbUser(),
          config.dbPassword().isEmpty() ? null : config.dbPassword(), config.ledgerSchema(), SNAPSHOT_READERS + 1);
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigException(DecisionConfig.DB_URL.name() + ": " + e.getMessage());
    }
  }

  private static void provision(KafkaClientConfig kafka, TopicNames topics) {
    Map<String, Object> adminProperties = new HashMap<>();
    kafka.consumerProperties("decision-admin").forEach((key, value) -> {
      if (key.equals("bootstrap.servers") || key.startsWith("security.") || key.startsWith("sasl.") || key.startsWith("ssl.")) {
        adminProperties.put(key, value);
      }
    });
    try (Admin admin = Admin.create(adminProperties)) {
      List<String> created = new TopicProvisioner(admin).ensure(TopicLayout.singleBroker().specs(topics).values());
      if (!created.isEmpty()) {
        LOG.info("created topics {}", created);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while provisioning topics", e);
    }
  }
}
