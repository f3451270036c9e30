package io.pullproof.ledger;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.pullproof.jdbc.Database;
import io.pullproof.kafka.ConsumerLoop;
import io.pullproof.kafka.EventPublisher;
import io.pullproof.kafka.KafkaClientConfig;
import io.pullproof.kafka.OffsetStorage;
import io.pullproof.kafka.TopicLayout;
import io.pullproof.kafka.TopicNames;
import io.pullproof.kafka.TopicProvisioner;
import io.pullproof.kit.http.HealthCheck;
import io.pullproof.kit.http.HealthServer;
import io.pullproof.kit.lifecycle.ServiceMain;
import io.pullproof.kit.lifecycle.ShutdownSequence;
import io.pullproof.ledger.api.BearerTokens;
import io.pullproof.ledger.api.LedgerRoutes;
import io.pullproof.ledger.ingest.LedgerIngestor;
import io.pullproof.ledger.ingest.RevocationPublisher;
import io.pullproof.ledger.ingest.StoredOffsets;
import io.pullproof.ledger.store.LedgerQueries;
import io.pullproof.ledger.store.LedgerStore;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ledger's one composition root (STYLE.md §2): config, effective config logged with secrets
 * masked, every object built with {@code new}, started in dependency order (database, topics,
 * producers, consumer loop, API, health), stopped in reverse by one {@link ShutdownSequence}.
 */
public final class LedgerMain {
  private static final Logger LOG = LoggerFactory.getLogger(LedgerMain.class);

  private LedgerMain() {}

  /** {@code LedgerMain [CONFIG_FILE]}: settings from the file, overridden by the environment. */
  public static void main(String[] args) {
    System.exit(run(args.length > 0 ? Path.of(args[0]) : null, System.getenv()));
  }

  /** Runs until the JVM is asked to stop (SIGTERM / SIGINT); the exit codes of {@link ServiceMain}. */
  public static int run(Path configFile, Map<String, String> env) {
    return ServiceMain.run("ledger", configFile, env, LedgerConfig.KEYS, LedgerConfig::from, config -> {
      Running running = start(config);
      LOG.info("ledger ready: API on port {}, health and metrics on port {}", running.apiPort(), running.healthPort());
      return running;
    });
  }

  /** A started ledger; {@link #close()} stops it in reverse start order. */
  public record Running(int apiPort, int healthPort, ShutdownSequence shutdown) implements AutoCloseable {
    @Override
    public void close() {
      shutdown.close();
    }
  }

  /** Builds and starts every component; on a failure, what was started is stopped again. */
  public static Running start(LedgerConfig config) {
    return ShutdownSequence.build(shutdown -> startInto(config, shutdown));
  }

  private static Running startInto(LedgerConfig config, ShutdownSequence shutdown) {
    LOG.info("starting ledger with {}", config);
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    LedgerMetrics metrics = new LedgerMetrics(registry);
    TopicNames topics = config.topics();
    KafkaClientConfig kafka = config.kafka();

    Database database = shutdown.started("database", Database.open(config.database(), "ledger", "classpath:db/ledger"));
    LedgerStore store = new LedgerStore(database, config.consumerGroup());
    LedgerQueries queries = new LedgerQueries(database);

    Admin admin = shutdown.started("kafka admin", Admin.create(new HashMap<>(kafka.consumerProperties("ledger-admin"))
        .entrySet().stream().filter(e -> isAdminProperty(e.getKey()))
        .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue))));
    if (config.provisionTopics()) {
      provision(admin, topics);
    }

    KafkaProducer<byte[], byte[]> deadLetterProducer =
        shutdown.started("dead-letter producer", new KafkaProducer<>(kafka.deadLetterProducerProperties()));
    EventPublisher<String, SpecificRecord> publisher =
        shutdown.started("revocation publisher", new EventPublisher<>(new KafkaProducer<>(kafka.producerProperties())));
    List<ConsumerLoop<Object>> loops = new ArrayList<>();
    for (int i = 1; i <= config.ingestConsumers(); i++) {
      loops.add(startIngest(config, "ledger-" + i, shutdown, store, metrics, registry, deadLetterProducer));
    }

    Vertx vertx = Vertx.vertx();
    shutdown.started("vert.x", () -> vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS));
    BearerTokens tokens = BearerTokens.load(config.tokensFile(), config.tokens(),
        LedgerConfig.TOKENS_FILE.name(), LedgerConfig.TOKENS.name());
    LedgerRoutes routes = new LedgerRoutes(vertx, queries,
        new RevocationPublisher(publisher, topics.revocations(), Clock.systemUTC()), tokens, metrics, config.maxPageSize());
    HttpServerOptions options = new HttpServerOptions();
    if (config.tlsCert().isPresent()) {
      options.setSsl(true).setKeyCertOptions(new PemKeyCertOptions()
          .setCertPath(config.tlsCert().get().toString()).setKeyPath(config.tlsKey().orElseThrow().toString()));
    }
    HttpServer api = await(vertx.createHttpServer(options).requestHandler(routes.router())
        .listen(config.httpPort(), config.httpHost()));
    shutdown.started("API server", () -> await(api.close()));

    List<HealthCheck> checks = List.of(
        HealthCheck.of("postgres", () -> queries.isReachable() ? Optional.empty() : Optional.of("PostgreSQL does not answer")),
        HealthCheck.of("kafka", () -> kafkaProblem(admin)),
        HealthCheck.of("consumer", () -> loops.stream().filter(loop -> !loop.isRunning()).findFirst()
            .map(loop -> "consumer loop " + loop.name() + " stopped: "
                + loop.failure().map(Throwable::getMessage).orElse("closed"))));
    HealthServer health = shutdown.started("health server",
        HealthServer.start(vertx, config.httpHost(), config.healthPort(), registry, checks));
    return new Running(api.actualPort(), health.port(), shutdown);
  }

  /**
   * One consumer of the ledger's group with its own writer thread (so its own connection at a
   * time). Each partition belongs to one consumer, and the consumer stores the partition's offsets
   * with its rows, so several of them keep the exactly-once effect; they only write in parallel.
   */
  private static ConsumerLoop<Object> startIngest(LedgerConfig config, String name, ShutdownSequence shutdown,
      LedgerStore store, LedgerMetrics metrics, PrometheusMeterRegistry registry,
      KafkaProducer<byte[], byte[]> deadLetterProducer) {
    KafkaClientConfig kafka = config.kafka();
    TopicNames topics = config.topics();
    ExecutorService writer = Executors.newSingleThreadExecutor(r -> new Thread(r, "pullproof-" + name + "-writer"));
    shutdown.started(name + " writer", () -> {
      writer.shutdown();
      writer.awaitTermination(30, TimeUnit.SECONDS);
    });
    Map<String, Object> consumerProperties = new HashMap<>(kafka.consumerProperties(config.consumerGroup()));
    consumerProperties.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, config.maxPollRecords());
    consumerProperties.put(ConsumerConfig.CLIENT_ID_CONFIG, consumerProperties.get(ConsumerConfig.CLIENT_ID_CONFIG) + "-" + name);
    ConsumerLoop<Object> loop = ConsumerLoop.builder(name)
        .consumer(new KafkaConsumer<>(consumerProperties))
        .topics(topics.pulls(), topics.startRequests(), topics.verdicts(), topics.startOutcomes(), topics.revocations())
        .deserializer(kafka.avroValueDeserializer())
        .handler(new LedgerIngestor(store, writer, metrics))
        .deadLetters(deadLetterProducer, topics.deadLetters())
        .offsetStorage(OffsetStorage.EXTERNAL)
        .assignmentHook(new StoredOffsets(store))
        .meterRegistry(registry)
        .build();
    loop.start();
    return shutdown.started(name + " consumer loop", loop);
  }

  private static void provision(Admin admin, TopicNames topics) {
    try {
      List<String> created = new TopicProvisioner(admin).ensure(TopicLayout.singleBroker().specs(topics).values());
      if (!created.isEmpty()) {
        LOG.info("created topics {}", created);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while provisioning topics", e);
    }
  }

  private static Optional<String> kafkaProblem(Admin admin) {
    try {
      admin.describeCluster(new DescribeClusterOptions().timeoutMs(2000)).clusterId().get(3, TimeUnit.SECONDS);
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.of("interrupted");
    } catch (Exception e) {
      return Optional.of("Kafka does not answer: " + e.getMessage());
    }
  }

  /** The consumer properties an admin client understands (connection and security, not consumer tuning). */
  private static boolean isAdminProperty(String key) {
    return key.equals("bootstrap.servers") || key.startsWith("security.") || key.startsWith("sasl.")
        || key.startsWith("ssl.") || key.equals("client.id");
  }

  private static <T> T await(io.vertx.core.Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("HTTP server: " + e.getMessage(), e);
    }
  }
}
