package io.pullproof.cli.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.pullproof.stack.process.ScratchDirectory;
import io.pullproof.cli.BadInputException;
import io.pullproof.cli.PullproofCommand;
import io.pullproof.cli.demo.LocalServices;
import io.pullproof.cli.process.ServiceProcess;
import io.pullproof.cli.bench.DecisionBenchAgents.Answer;
import io.pullproof.cli.bench.DecisionBenchAgents.Run;
import io.pullproof.decision.ClusterPolicy;
import io.pullproof.decision.Grant;
import io.pullproof.decision.GrantId;
import io.pullproof.decision.Policy;
import io.pullproof.decision.PullPolicy;
import io.pullproof.decision.PullSecret;
import io.pullproof.decision.StartRequest;
import io.pullproof.decision.VerdictPolicy;
import io.pullproof.decision.VerificationPolicy;
import io.pullproof.decisionservice.DecisionConfig;
import io.pullproof.decisionservice.DecisionMain;
import io.pullproof.decisionservice.state.FleetState;
import io.pullproof.decisionservice.state.LedgerSnapshotReader;
import io.pullproof.events.ContainerStartRequested;
import io.pullproof.events.CredentialIdentity;
import io.pullproof.events.CredentialKind;
import io.pullproof.events.CredentialRevoked;
import io.pullproof.events.ImagePulled;
import io.pullproof.events.NodeRef;
import io.pullproof.events.PodRef;
import io.pullproof.events.RevocationScope;
import io.pullproof.events.SecretRef;
import io.pullproof.events.VerdictReason;
import io.pullproof.jdbc.Database;
import io.pullproof.jdbc.DatabaseConfig;
import io.pullproof.kafka.KafkaClientConfig;
import io.pullproof.kafka.TopicLayout;
import io.pullproof.kafka.TopicNames;
import io.pullproof.kafka.TopicProvisioner;
import io.pullproof.kit.config.ConfigSource;
import io.pullproof.stack.KafkaBroker;
import io.pullproof.stack.PostgresServer;
import io.pullproof.stack.SchemaRegistryServer;
import io.pullproof.stack.process.ChildProcess;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.postgresql.PGConnection;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The decision round trip (agent → start-requests → decision service → verdicts → agent) against a
 * raw Kafka echo between two topics with the same shape and client settings, at the same offered
 * open-loop rates, in one run (PERFORMANCE.md goals 1, 3, 5); plus heap bytes per grant, cold
 * start, in-process evaluations per second, and pull/revocation freshness. Starts its own Kafka,
 * schema registry and PostgreSQL on 127.0.0.1 in a temporary directory and stops them at the end.
 */
@Command(name = "decision", mixinStandardHelpOptions = true,
    description = {"Decision round trip vs a raw Kafka echo at 1k/5k/20k requests/s, with N grants loaded, in one run;",
        "the service and the echo take turns of 0.5 s at each rate, so both meet the same machine.",
        "Also: bytes per grant (heap after GC with and without the grants), cold start, freshness, revocation.",
        "Writes {rates: [{rate, decisionP99Ms, echoP99Ms, ratio}], evaluationsPerSecond, bytesPerGrant, ...} to --json."})
public final class DecisionBenchCommand implements Callable<Integer> {
  @Option(names = "--quick", description = "250,000 grants and 5 s per rate instead of 1,000,000 and 15 s (under 3 minutes).")
  boolean quick;

  @Option(names = "--grants", paramLabel = "N", description = "Grants loaded (overrides --quick's and the default).")
  Integer grantsOption;

  @Option(names = "--json", paramLabel = "FILE", required = true, description = "Where to write the result as JSON.")
  Path json;

  @Option(names = "--service-metrics", description = "Also print the service's batch metrics (Prometheus text) after the rates.")
  boolean serviceMetrics;

  private static final int[] RATES = {1_000, 5_000, 20_000};
  /**
   * The service and the echo take turns of this length at each rate, so both meet the same
   * collections and neighbours (see {@link DecisionBenchAgents#interleaved}).
   */
  private static final int SLICE_MILLIS = 500;
  private static final int NAMESPACES = 1000;
  private static final int CLUSTERS = 5;
  private static final int NODES_PER_CLUSTER = 40;
  private static final Instant VERIFIED = Instant.parse("2026-11-22T00:00:00Z");
  private static final String SCHEMA = "bench_ledger";
  private static final String ECHO_IN = "bench.echo-in";
  private static final String ECHO_OUT = "bench.echo-out";

  @Override
  public Integer call() throws Exception {
    int grants = grantsOption != null ? grantsOption : quick ? 250_000 : 1_000_000;
    if (grants < 1_000 || grants > 5_000_000) {
      throw new BadInputException("--grants " + grants + ": must be from 1000 to 5000000");
    }
    int measureSeconds = quick ? 5 : 15;
    int warmupSeconds = quick ? 1 : 3;
    int samples = quick ? 50 : 200;
    Path dir = Files.createTempDirectory("pullproof-bench-decision-");
    System.out.println("bench decision: starting Kafka, schema registry and PostgreSQL under " + dir);
    CompletableFuture<SchemaRegistryServer> registryStart = CompletableFuture.supplyAsync(() -> SchemaRegistryServer.start(dir.resolve("registry")));
    CompletableFuture<PostgresServer> postgresStart = CompletableFuture.supplyAsync(() -> PostgresServer.start(dir.resolve("postgres")));
    try (KafkaBroker kafka = KafkaBroker.start(dir.resolve("kafka"));
        SchemaRegistryServer registry = registryStart.join();
        PostgresServer postgres = postgresStart.join()) {
      TopicNames topics = new TopicNames("bench.");
      KafkaClientConfig client = new KafkaClientConfig(kafka.bootstrapServers(), registry.url(), "bench");
      TopicLayout layout = TopicLayout.singleBroker();
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
        Map<String, TopicLayout.TopicSpec> specs = new LinkedHashMap<>(layout.specs(topics));
        specs.put(ECHO_IN, new TopicLayout.TopicSpec(ECHO_IN, layout.eventPartitions(), (short) 1, Map.of()));
        specs.put(ECHO_OUT, new TopicLayout.TopicSpec(ECHO_OUT, layout.verdictPartitions(), (short) 1, Map.of()));
        new TopicProvisioner(admin).ensure(specs.values());
      }
      String url = postgres.jdbcUrl("postgres");
      long copyStart = System.nanoTime();
      writeSnapshot(url, grants);
      System.out.printf("ledger snapshot: %,d grants COPYed in %.1f s%n", grants, seconds(copyStart));

      Map<String, Object> result = new LinkedHashMap<>();
      measureState(url, topics, layout, grants, result);

      Map<String, String> settings = serviceSettings(kafka.bootstrapServers(), registry.url(), url, topics, dir);
      DecisionConfig config = DecisionConfig.from(ConfigSource.of(settings));

      // The service and the echo each run in a JVM of their own with the same flags, as deployed
      // and as PERFORMANCE.md's echo baseline is defined; the agents (load generator and readers)
      // stay here, so their garbage collections pause neither side.
      try (DecisionBenchAgents agents = new DecisionBenchAgents(client);
          ChildProcess echo = ChildProcess.start("bench-echo", childJvm(DecisionBenchEcho.class.getName(),
              kafka.bootstrapServers(), registry.url(), ECHO_IN, ECHO_OUT, String.valueOf(config.maxPollRecords()),
              String.valueOf(config.fetchMaxWaitMs())), dir, Map.of(), dir.resolve("echo.log"))) {
        agents.read(client, topics.verdicts());
        agents.read(client, ECHO_OUT);
        echo.awaitReady(Duration.ofSeconds(60), () -> echo.logContains(DecisionBenchEcho.READY_LINE));

        // The bench's own garbage (the state measured above) is collected now, not by a
        // collector thread competing with the starting service for the two cores.
        System.gc();
        long coldStart = System.nanoTime();
        System.out.printf("decision service process started at %s%n", LocalTime.now());
        ServiceProcess service = new ServiceProcess("decision", DecisionMain.class, settings,
            DecisionConfig.HEALTH_PORT.name(), dir, CHILD_JVM);
        service.startInBackground();
        try {
          Answer first = firstAnswer(agents, topics, layout, grants);
          double coldStartSeconds = (first.receivedNanos() - coldStart) / 1e9;
          System.out.printf("cold start (process start → first verdict, %,d grants): %.2f s; first verdict %s%n", grants,
              coldStartSeconds, first.verdict().getReason());
          result.put("coldStartSeconds", round(coldStartSeconds));
          printStartUpMilestones(service.log());

          int[] counter = {0};
          // The service has just started: its decode, decide and encode paths are still being
          // compiled, the echo's tiny loop is not. Both sides run unmeasured first, so the first
          // rate compares warmed-up code on both sides rather than the JIT.
          int jitWarmupSeconds = quick ? 10 : 20;
          long warmupStart = System.nanoTime();
          agents.interleaved(List.of(topics.startRequests(), ECHO_IN), RATES[1], jitWarmupSeconds, 0, SLICE_MILLIS,
              List.of(i -> request("wd-" + i, counter[0]++, grants / 2, layout),
                  i -> request("we-" + i, counter[0]++, grants / 2, layout)));
          Thread.sleep(3_000); // let both drain what the unmeasured runs left queued
          System.out.printf("JIT warm-up: %d s at %,d/s through the service and through the echo (not measured), %.1f s%n",
              jitWarmupSeconds, RATES[1], seconds(warmupStart));
          result.put("jitWarmupSeconds", jitWarmupSeconds);
          List<Map<String, Object>> rates = new ArrayList<>();
          for (int rate : RATES) {
            BatchTimes before = BatchTimes.parse(service.scrapeMetrics());
            Run[] both = agents.interleaved(List.of(topics.startRequests(), ECHO_IN), rate, warmupSeconds,
                measureSeconds, SLICE_MILLIS,
                List.of(i -> request("d" + rate + "-" + i, counter[0]++, grants / 2, layout),
                    i -> request("e" + rate + "-" + i, counter[0]++, grants / 2, layout)));
            BatchTimes batches = BatchTimes.parse(service.scrapeMetrics()).since(before);
            Run decision = both[0];
            Run raw = both[1];
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("rate", rate);
            row.put("decisionP99Ms", round(decision.p99Ms()));
            row.put("echoP99Ms", round(raw.p99Ms()));
            row.put("ratio", round(decision.p99Ms() / raw.p99Ms()));
            row.put("decisionP50Ms", round(decision.p50Ms()));
            row.put("echoP50Ms", round(raw.p50Ms()));
            row.put("decisionMaxMs", round(decision.maxMs()));
            row.put("echoMaxMs", round(raw.maxMs()));
            row.put("decisionSlowestAtTurnStart", round(decision.slowestAtTurnStart()));
            row.put("echoSlowestAtTurnStart", round(raw.slowestAtTurnStart()));
            row.put("measuredRequests", decision.measured());
            row.put("decisionUnanswered", decision.lost());
            row.put("echoUnanswered", raw.lost());
            row.put("serviceBatches", batches.batches());
            row.put("serviceMeanBatchSize", round(batches.meanSize()));
            row.put("serviceMeanBatchMs", round(batches.meanLoopMs()));
            row.put("serviceMeanDecideAndAckMs", round(batches.meanHandlerMs()));
            rates.add(row);
            System.out.printf("rate %,6d/s: decision p50 %.2f p99 %.2f ms | echo p50 %.2f p99 %.2f ms | ratio %.2f | unanswered %d/%d%n",
                rate, decision.p50Ms(), decision.p99Ms(), raw.p50Ms(), raw.p99Ms(), decision.p99Ms() / raw.p99Ms(),
                decision.lost(), raw.lost());
            System.out.printf("             slowest 1 %% due in the first tenth of their turn: decision %.0f %%, echo %.0f %%"
                + " (10 %% if the turns' hand-overs play no part)%n",
                100 * decision.slowestAtTurnStart(), 100 * raw.slowestAtTurnStart());
            System.out.printf("             service: %,d batches of %.1f requests; per batch %.2f ms in the consumer loop"
                + " (poll to done, the next batch not waiting for the acks), %.2f ms deciding until the verdicts were"
                + " acknowledged%n", batches.batches(), batches.meanSize(),
                batches.meanLoopMs(), batches.meanHandlerMs());
          }
          result.put("rates", rates);
          if (serviceMetrics) {
            service.scrapeMetrics().lines().filter(l -> l.startsWith("pullproof_decision_batch") || l.startsWith("pullproof_kafka_batch")
                || l.startsWith("pullproof_kafka_async") || l.startsWith("pullproof_kafka_acknowledgement")).forEach(System.out::println);
          }
          freshnessAndRevocation(agents, topics, layout, grants, samples, result);
        } finally {
          service.stop();
        }
      }
      result.put("grants", grants);
      result.put("quick", quick);
      result.put("measureSecondsPerRate", measureSeconds);
      result.put("warmupSecondsPerRate", warmupSeconds);
      result.put("interleavedSliceMs", SLICE_MILLIS);
      result.put("freshnessSamples", samples);
      result.put("eventPartitions", layout.eventPartitions());
      result.put("replySlices", layout.verdictPartitions());
      result.put("policy", "AlwaysVerify (every request is checked against the grants)");
      result.put("requests", "secret-matching starts of random loaded images on " + CLUSTERS * NODES_PER_CLUSTER
          + " nodes; reply slice from TopicLayout.replySlice");
      result.put("echo", "raw consumer group copying bytes echo-in (" + layout.eventPartitions() + " partitions) → echo-out ("
          + layout.verdictPartitions() + "), same consumer/producer settings, linger.ms 0, async commit, no decoding");
      result.put("latencyFrom", "when each request was due (open loop) to when the agent's reader decoded the answer");
      result.put("availableProcessors", Runtime.getRuntime().availableProcessors());
      result.put("maxHeapBytes", Runtime.getRuntime().maxMemory());
      result.put("measuredAt", Instant.now().toString());
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), result);
      printTable(result);
      System.out.println("result written to " + json);
      return PullproofCommand.EXIT_OK;
    } finally {
      ScratchDirectory.deleteQuietly(dir);
    }
  }

  /**
   * The in-process decision service of a bench: on the given servers, reading the grants of
   * {@link #writeSnapshot}, policy {@code AlwaysVerify} (every request reads the grants), health on
   * a free port; its policy file goes to {@code dir}.
   */
  static DecisionConfig serviceConfig(String bootstrapServers, String registryUrl, String jdbcUrl, TopicNames topics, Path dir)
      throws java.io.IOException {
    return DecisionConfig.from(ConfigSource.of(serviceSettings(bootstrapServers, registryUrl, jdbcUrl, topics, dir)));
  }

  /** {@link #serviceConfig} as the settings (environment) of a decision service process. */
  static Map<String, String> serviceSettings(String bootstrapServers, String registryUrl, String jdbcUrl, TopicNames topics,
      Path dir) throws java.io.IOException {
    Path policy = dir.resolve("policy.json");
    Files.writeString(policy, "{\"default\": {\"verificationPolicy\": \"AlwaysVerify\"}}");
    return LocalServices.decisionSettings(bootstrapServers, registryUrl, jdbcUrl, topics, SCHEMA, policy, "bench");
  }

  /**
   * The service's own log lines that divide its cold start (first line, start-up steps, the
   * partition load), so a slow start shows where the time went.
   */
  private static void printStartUpMilestones(Path log) {
    try (var lines = Files.lines(log)) {
      List<String> all = lines.toList();
      for (int i = 0; i < all.size(); i++) {
        String line = all.get(i);
        if (i == 0 || line.contains("started log feed") || line.contains("partitions assigned")
            || line.contains("loaded partitions") || line.contains("started decision")) {
          System.out.println("  service log: " + (line.length() > 160 ? line.substring(0, 160) + "…" : line));
        }
      }
    } catch (IOException | UncheckedIOException e) {
      System.out.println("  service log unreadable: " + e);
    }
  }

  /** Heap and collector of the service's and the echo's JVMs: the same for both, G1 as by default. */
  static final List<String> CHILD_JVM = childJvmFlags(System.getenv("PULLPROOF_BENCH_CHILD_JAVA_OPTS"));

  /**
   * The service's and the echo's JVM flags: {@code -Xmx2g}, G1, plus {@code extra} (whitespace
   * separated, e.g. a GC log) for a diagnosis; both sides always get the same flags.
   */
  static List<String> childJvmFlags(String extra) {
    List<String> flags = new ArrayList<>(List.of("-Xmx2g", "-XX:+UseG1GC"));
    if (extra != null && !extra.isBlank()) {
      flags.addAll(Arrays.asList(extra.trim().split("\\s+")));
    }
    return List.copyOf(flags);
  }

  private static List<String> childJvm(String mainClass, String... args) {
    return ServiceProcess.javaCommand(CHILD_JVM, System.getProperty("java.class.path"), mainClass, Arrays.asList(args));
  }

  /** Asks until the service just started answers (its group forming, its partitions loading); at most 2 minutes. */
  static Answer firstAnswer(DecisionBenchAgents agents, TopicNames topics, TopicLayout layout, int grants) throws Exception {
    for (int attempt = 0; attempt < 600; attempt++) {
      try {
        return agents.ask(topics.startRequests(), request("probe-" + attempt, attempt, grants / 2, layout), Duration.ofMillis(200));
      } catch (java.util.concurrent.TimeoutException notYet) {
        // the group is still forming or partitions still loading
      }
    }
    throw new IllegalStateException("the decision service did not answer within 2 minutes of starting");
  }

  /** The grants table a ledger would hold: two secret grants per image, 1000 namespaces' secrets shared. */
  static void writeSnapshot(String url, int grants) throws Exception {
    try (Database ledger = Database.open(new DatabaseConfig(url, null, null, SCHEMA, 2), "bench-ledger", "classpath:db/ledger")) {
      StringBuilder rows = new StringBuilder();
      int chunk = 50_000;
      for (int from = 0; from < grants; from += chunk) {
        rows.setLength(0);
        for (int g = from; g < Math.min(grants, from + chunk); g++) {
          Grant grant = grant(g);
          rows.append(GrantId.of(grant)).append('\t').append(grant.imageRef()).append('\t').append(grant.name())
              .append("\tSECRET\t").append(grant.credentialHash()).append('\t').append(grant.subject().namespace())
              .append('\t').append(grant.subject().name()).append('\t').append(grant.subject().uid())
              .append("\tcluster-0\tnode-0-0\t2026-11-22 00:00:00+00\t2026-11-22 00:00:00+00\tbench\n");
        }
        String text = rows.toString();
        ledger.inTransaction(connection -> {
          try {
            return connection.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY grants (grant_id, image_ref, name, kind,"
                + " credential_hash, secret_namespace, secret_name, secret_uid, cluster, node, first_verified_at,"
                + " last_verified_at, last_event_id) FROM STDIN", new StringReader(text));
          } catch (java.io.IOException e) {
            throw new java.sql.SQLException(e);
          }
        });
      }
    }
  }

  /** Grant {@code g}: image g/2, secret of namespace (g/2 + g%2) % 1000. */
  private static Grant grant(int g) {
    int image = g / 2;
    return Grant.secret(imageRef(image), imageName(image), secret((image + g % 2) % NAMESPACES), VERIFIED);
  }

  private static String imageRef(int image) {
    return "sha256:" + hex64(image);
  }

  /** {@code value} as 64 lowercase hex digits (String.format is too slow for a million rows). */
  private static String hex64(long value) {
    String hex = Long.toHexString(value);
    return "0".repeat(64 - hex.length()) + hex;
  }

  private static String imageName(int image) {
    return "registry.example/team-" + image % NAMESPACES + "/app-" + image;
  }

  private static PullSecret secret(int namespace) {
    return PullSecret.of("team-" + namespace, "pull", "secret-uid-" + namespace,
        "hmac-sha256:k1:" + hex64(namespace + 1_000_000L));
  }

  /**
   * Heap bytes per grant (used heap after GC with the partition indexes of all grants, minus
   * without), loaded exactly as the service loads them; then in-process evaluations per second.
   */
  private static void measureState(String url, TopicNames topics, TopicLayout layout, int grants, Map<String, Object> result)
      throws Exception {
    long without = usedHeapAfterGc();
    long loadStart = System.nanoTime();
    FleetState state = new FleetState();
    Map<Integer, FleetState.PartitionLoad> loads = new HashMap<>();
    int partitions = layout.eventPartitions();
    IntStream.range(0, partitions).forEach(p -> loads.put(p, state.newPartitionLoad(grants / partitions)));
    try (LedgerSnapshotReader reader = new LedgerSnapshotReader(new DatabaseConfig(url, null, null, SCHEMA, DecisionMain.SNAPSHOT_READERS),
        "none", DecisionMain.SNAPSHOT_READERS)) {
      reader.readGrants(topics.pulls(), loads.keySet(), partitions, (p, grant) -> loads.get(p).put(grant));
    }
    loads.forEach(state::install);
    double loadSeconds = seconds(loadStart);
    loads.clear();
    long with = usedHeapAfterGc();
    double bytesPerGrant = (double) (with - without) / grants;
    System.out.printf("state: %,d grants in %d partitions, %.1f bytes/grant (heap after GC %,d → %,d), snapshot load %.2f s%n",
        state.grantCount(), partitions, bytesPerGrant, without, with, loadSeconds);
    result.put("bytesPerGrant", round(bytesPerGrant));
    result.put("heapWithoutGrantsBytes", without);
    result.put("heapWithGrantsBytes", with);
    result.put("snapshotLoadSeconds", round(loadSeconds));

    VerdictPolicy policy = new VerdictPolicy(ClusterPolicy.of(new Policy(VerificationPolicy.ALWAYS_VERIFY, null, null)));
    int distinct = 10_000;
    StartRequest[] requests = new StartRequest[distinct];
    int[] partitionOf = new int[distinct];
    java.util.Random random = new java.util.Random(42);
    for (int i = 0; i < distinct; i++) {
      int image = random.nextInt(grants / 2);
      requests[i] = new StartRequest("cluster-1/node-1-" + i % NODES_PER_CLUSTER, imageName(image) + ":1", imageName(image),
          imageRef(image), PullPolicy.IF_NOT_PRESENT, "team-" + image % NAMESPACES, List.of(secret(image % NAMESPACES)),
          null, null, VERIFIED.plusSeconds(3600));
      partitionOf[i] = io.pullproof.decisionservice.state.KeyPartitioner.partition(imageRef(image), partitions);
    }
    long evaluations = 0;
    long allowed = 0;
    long end = System.nanoTime() + 3_000_000_000L;
    long start = System.nanoTime();
    while (System.nanoTime() < end) {
      long[] counts = state.read(reader -> {
        long ok = 0;
        for (int i = 0; i < distinct; i++) {
          if (policy.decide(reader.forRequest(partitionOf[i], false), requests[i]).outcome() == io.pullproof.decision.Outcome.ALLOW) {
            ok++;
          }
        }
        return new long[] {distinct, ok};
      });
      evaluations += counts[0];
      allowed += counts[1];
    }
    double perSecond = evaluations / seconds(start);
    System.out.printf("in-process decisions: %,.0f evaluations/s on one thread (%,d of %,d ALLOW)%n", perSecond, allowed, evaluations);
    result.put("evaluationsPerSecond", Math.round(perSecond));
    result.put("evaluationsMeasuredWith", "one thread, VerdictPolicy.decide over the loaded FleetState (10,000 distinct"
        + " requests, state lock taken per 10,000), not JMH");
    java.lang.ref.Reference.reachabilityFence(state);
  }

  private static long usedHeapAfterGc() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(200);
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  /** A secret-matching start of a loaded image picked by {@code n} (spread over images and the fleet's nodes). */
  static ContainerStartRequested request(String id, int n, int images, TopicLayout layout) {
    int image = Math.floorMod(n * 7919, images);
    int cluster = n % CLUSTERS;
    String node = "node-" + cluster + "-" + (n / CLUSTERS) % NODES_PER_CLUSTER;
    return startRequest(id, image, "cluster-" + cluster, node, secret(image % NAMESPACES), layout);
  }

  private static ContainerStartRequested startRequest(String id, int image, String cluster, String node, PullSecret secret,
      TopicLayout layout) {
    return ContainerStartRequested.newBuilder().setEventId(id).setOccurredAt(Instant.now())
        .setNode(new NodeRef(cluster, node)).setPod(new PodRef(secret.ref().namespace(), "pod-" + id, "uid-" + id))
        .setContainer("app").setImage(imageName(image) + ":1").setName(imageName(image)).setImageRef(imageRef(image))
        .setPullPolicy(io.pullproof.events.PullPolicy.IF_NOT_PRESENT)
        .setSecrets(List.of(CredentialIdentity.newBuilder().setKind(CredentialKind.SECRET).setHash(secret.credentialHash())
            .setSecret(new SecretRef(secret.ref().namespace(), secret.ref().name(), secret.ref().uid())).build()))
        .setReplySlice(layout.replySlice(cluster, node)).build();
  }

  /**
   * Freshness: a new image pulled with a new secret on one node, then the same credential asks on
   * another node until ALLOW; time from publishing the pull to the ALLOW. Revocation: that secret
   * revoked, then asked until REVOKED; time from publishing the revocation to the REPULL.
   */
  private static void freshnessAndRevocation(DecisionBenchAgents agents, TopicNames topics, TopicLayout layout, int grants,
      int samples, Map<String, Object> result) throws Exception {
    // Sample 0 is not counted: it is the first pull and revocation this run publishes, so the
    // agents' serializers and the service's log feed look their schemas up in the registry then
    // (100-170 ms in the quick runs of 2026-11-23, where the next slowest sample took under 50 ms).
    long[] firstUse = new long[2];
    long[] freshness = new long[samples];
    long[] revocation = new long[samples];
    for (int sample = 0; sample <= samples; sample++) {
      int i = sample - 1;
      int image = grants / 2 + 1 + i;
      PullSecret secret = PullSecret.of("fresh", "pull-" + i, "fresh-uid-" + i, "hmac-sha256:k1:" + hex64(i + 7L));
      ImagePulled pull = ImagePulled.newBuilder().setEventId("pull-" + i).setOccurredAt(Instant.now())
          .setNode(new NodeRef("cluster-0", "node-0-1")).setPod(null).setImage(imageName(image) + ":1")
          .setName(imageName(image)).setImageRef(imageRef(image))
          .setCredential(CredentialIdentity.newBuilder().setKind(CredentialKind.SECRET).setHash(secret.credentialHash())
              .setSecret(new SecretRef("fresh", "pull-" + i, "fresh-uid-" + i)).build()).build();
      long pulledAt = System.nanoTime();
      agents.send(topics.pulls(), imageRef(image), pull);
      long fresh = askUntil(agents, topics, layout, image, secret, "f" + i, VerdictReason.SECRET_HASH_MATCH) - pulledAt;

      CredentialRevoked revoked = CredentialRevoked.newBuilder().setEventId("revoke-" + i).setOccurredAt(Instant.now())
          .setScope(RevocationScope.SECRET_UID).setValue("fresh-uid-" + i).setReason("bench").setActor("bench").build();
      long revokedAt = System.nanoTime();
      agents.send(topics.revocations(), "fresh-uid-" + i, revoked);
      long revoke = askUntil(agents, topics, layout, image, secret, "r" + i, VerdictReason.REVOKED) - revokedAt;
      if (i < 0) {
        firstUse[0] = fresh;
        firstUse[1] = revoke;
      } else {
        freshness[i] = fresh;
        revocation[i] = revoke;
      }
    }
    System.out.printf("first pull and revocation of the run (schema look-ups, not counted): freshness %.1f ms,"
        + " revocation %.1f ms%n", firstUse[0] / 1e6, firstUse[1] / 1e6);
    result.put("firstUseFreshnessMs", round(firstUse[0] / 1e6));
    result.put("firstUseRevocationMs", round(firstUse[1] / 1e6));
    System.out.printf("slowest samples (sample: ms): freshness %s; revocation %s%n", slowest(freshness, 3),
        slowest(revocation, 3));
    Arrays.sort(freshness);
    Arrays.sort(revocation);
    result.put("freshnessP99Ms", round(DecisionBenchAgents.percentileMs(freshness, 0.99)));
    result.put("freshnessP50Ms", round(DecisionBenchAgents.percentileMs(freshness, 0.50)));
    result.put("revocationP99Ms", round(DecisionBenchAgents.percentileMs(revocation, 0.99)));
    result.put("revocationP50Ms", round(DecisionBenchAgents.percentileMs(revocation, 0.50)));
    System.out.printf("freshness (pull → ALLOW on another node): p50 %.1f p99 %.1f ms; revocation (→ REVOKED): p50 %.1f p99 %.1f ms (%d samples)%n",
        DecisionBenchAgents.percentileMs(freshness, 0.5), DecisionBenchAgents.percentileMs(freshness, 0.99),
        DecisionBenchAgents.percentileMs(revocation, 0.5), DecisionBenchAgents.percentileMs(revocation, 0.99), samples);
  }

  /** The {@code count} largest of {@code nanos} as "#index: ms", largest first. */
  private static String slowest(long[] nanos, int count) {
    return IntStream.range(0, nanos.length).boxed()
        .sorted((a, b) -> Long.compare(nanos[b], nanos[a]))
        .limit(count)
        .map(i -> String.format("#%d: %.1f", i, nanos[i] / 1e6))
        .collect(Collectors.joining(", "));
  }

  /** Asks (from node-1-2, so never the pulling node) until the verdict has {@code reason}; returns when it arrived. */
  private static long askUntil(DecisionBenchAgents agents, TopicNames topics, TopicLayout layout, int image, PullSecret secret,
      String idPrefix, VerdictReason reason) throws Exception {
    long deadline = System.nanoTime() + 30_000_000_000L;
    for (int attempt = 0; System.nanoTime() < deadline; attempt++) {
      Answer answer = agents.ask(topics.startRequests(),
          startRequest(idPrefix + "-" + attempt, image, "cluster-1", "node-1-2", secret, layout), Duration.ofSeconds(10));
      if (answer.verdict().getReason() == reason) {
        return answer.receivedNanos();
      }
    }
    throw new IllegalStateException("no " + reason + " verdict for image " + image + " within 30 s");
  }

  /**
   * The service's batch timers (cumulative): the consumer loop's time per batch (decode, handle,
   * hand the positions over to be committed once acknowledged) and the handler's
   * decide-publish-acknowledged time, which overlaps the next batch; for one rate's deltas.
   */
  private record BatchTimes(long batches, double loopMs, double handlerMs, double requests) {
    /** From the service's Prometheus text (its {@code /metrics}). */
    static BatchTimes parse(String prometheus) {
      return new BatchTimes((long) sample(prometheus, "pullproof_kafka_batch_duration_seconds_count{", "consumer=\"decision\""),
          sample(prometheus, "pullproof_kafka_batch_duration_seconds_sum{", "consumer=\"decision\"") * 1000,
          sample(prometheus, "pullproof_decision_batch_duration_seconds_sum", "") * 1000,
          sample(prometheus, "pullproof_decision_batch_size_sum", ""));
    }

    /** The value of the first sample line starting with {@code prefix} and containing {@code label}; 0 if none. */
    private static double sample(String prometheus, String prefix, String label) {
      for (String line : prometheus.split("\n")) {
        if (line.startsWith(prefix) && line.contains(label)) {
          return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        }
      }
      return 0;
    }

    BatchTimes since(BatchTimes before) {
      return new BatchTimes(batches - before.batches, loopMs - before.loopMs, handlerMs - before.handlerMs,
          requests - before.requests);
    }

    double meanSize() {
      return batches == 0 ? Double.NaN : requests / batches;
    }

    double meanLoopMs() {
      return batches == 0 ? Double.NaN : loopMs / batches;
    }

    double meanHandlerMs() {
      return batches == 0 ? Double.NaN : handlerMs / batches;
    }
  }

  private static void printTable(Map<String, Object> result) {
    System.out.println();
    System.out.printf("%-10s %14s %14s %8s   (goal ratio <= 1.25)%n", "rate/s", "decision p99", "echo p99", "ratio");
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> rates = (List<Map<String, Object>>) result.get("rates");
    for (Map<String, Object> row : rates) {
      System.out.printf("%-10s %11s ms %11s ms %8s%n", row.get("rate"), row.get("decisionP99Ms"), row.get("echoP99Ms"), row.get("ratio"));
    }
    System.out.printf("%-34s %12s   (goal >= 1,000,000, JMH)%n", "evaluations/s (in-process)", result.get("evaluationsPerSecond"));
    System.out.printf("%-34s %12s   (goal <= 150)%n", "bytes per grant", result.get("bytesPerGrant"));
    System.out.printf("%-34s %12s   (goal <= 10 at 1M grants)%n", "cold start s (" + result.get("grants") + " grants)", result.get("coldStartSeconds"));
    System.out.printf("%-34s %12s   (goal <= 100)%n", "freshness p99 ms", result.get("freshnessP99Ms"));
    System.out.printf("%-34s %12s   (goal <= 1000)%n", "revocation p99 ms", result.get("revocationP99Ms"));
  }

  static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  static double round(double value) {
    return Double.isNaN(value) ? value : Math.round(value * 100) / 100.0;
  }

}
