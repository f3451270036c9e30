package io.pullproof.cli.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.pullproof.audit.AuditQuery;
import io.pullproof.audit.AuditReplay;
import io.pullproof.audit.read.EventDecoder;
import io.pullproof.audit.report.AuditReport;
import io.pullproof.stack.process.ScratchDirectory;
import io.pullproof.cli.BadInputException;
import io.pullproof.cli.PullproofCommand;
import io.pullproof.decision.FleetPolicy;
import io.pullproof.decision.GrantId;
import io.pullproof.decision.events.LogEventMapper;
import io.pullproof.decision.events.VerdictEvents;
import io.pullproof.events.ContainerStartObserved;
import io.pullproof.events.ContainerStartRequested;
import io.pullproof.events.CredentialIdentity;
import io.pullproof.events.CredentialKind;
import io.pullproof.events.DecisionSource;
import io.pullproof.events.ImagePulled;
import io.pullproof.events.NodeRef;
import io.pullproof.events.PodRef;
import io.pullproof.events.PullPolicy;
import io.pullproof.events.SecretRef;
import io.pullproof.events.StartOutcome;
import io.pullproof.events.StartVerdictIssued;
import io.pullproof.events.Verdict;
import io.pullproof.events.VerdictReason;
import io.pullproof.kafka.KafkaClientConfig;
import io.pullproof.kafka.TopicLayout;
import io.pullproof.kafka.TopicNames;
import io.pullproof.kafka.TopicProvisioner;
import io.pullproof.stack.KafkaBroker;
import io.pullproof.stack.SchemaRegistryServer;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Audit replay rate against the raw baseline of the same run: plain consume + Avro decode of the
 * same records with the same decoder, nothing else (PERFORMANCE.md). The replay adds sorting,
 * the decision code for every start request, finding classification and the report model;
 * rendering a format is not timed. Starts its own Kafka and schema registry on 127.0.0.1 in a
 * temporary directory and stops them at the end.
 */
@Command(name = "audit", mixinStandardHelpOptions = true,
    description = {"Audit replay rate vs raw consume + Avro decode of the same events, measured in one run on embedded servers.",
        "Writes {events, replayEventsPerSecond, rawEventsPerSecond, ratio, ...parameters} to --json. Goal: >= 100k events/s."})
public final class AuditBenchCommand implements Callable<Integer> {
  @Option(names = "--quick", description = "300,000 events instead of 1,500,000.")
  boolean quick;

  @Option(names = "--events", paramLabel = "N", description = "Approximate number of events (overrides --quick).")
  Integer events;

  @Option(names = "--json", paramLabel = "FILE", required = true, description = "Where to write the result as JSON.")
  Path json;

  @Option(names = "--rounds", paramLabel = "N", defaultValue = "2",
      description = "Alternating baseline/replay rounds; the best of each is reported (default: ${DEFAULT-VALUE}).")
  int rounds;

  private static final int CLUSTERS = 5;
  private static final int NODES_PER_CLUSTER = 40;
  private static final int TENANTS = 50;
  private static final int IMAGES = 2_000;
  private static final Instant T0 = Instant.parse("2026-11-22T00:00:00Z");

  @Override
  public Integer call() throws Exception {
    int n = events != null ? events : quick ? 300_000 : 1_500_000;
    if (n < 10_000 || n > 20_000_000) {
      throw new BadInputException("--events " + n + ": must be from 10000 to 20000000");
    }
    if (rounds < 1 || rounds > 10) {
      throw new BadInputException("--rounds " + rounds + ": must be from 1 to 10");
    }
    Path dir = Files.createTempDirectory("pullproof-bench-audit-");
    System.out.println("bench audit: starting Kafka and schema registry under " + dir);
    CompletableFuture<SchemaRegistryServer> registryStart =
        CompletableFuture.supplyAsync(() -> SchemaRegistryServer.start(dir.resolve("registry")));
    try (KafkaBroker kafka = KafkaBroker.start(dir.resolve("kafka"));
        SchemaRegistryServer registry = registryStart.join()) {
      TopicNames topics = new TopicNames("bench.");
      KafkaClientConfig client = new KafkaClientConfig(kafka.bootstrapServers(), registry.url(), "bench-audit");
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
        new TopicProvisioner(admin).ensure(TopicLayout.singleBroker().specs(topics).values());
      }
      long produceStart = System.nanoTime();
      Workload workload = produce(client, topics, n);
      System.out.printf("produced %,d events (%,d pulls, %,d starts x request/verdict/outcome) in %.1f s%n",
          workload.events, workload.pulls, workload.starts, seconds(produceStart));

      AuditQuery query = new AuditQuery(T0, workload.end.plusMillis(1), Duration.ofMinutes(1), null, null, null,
          FleetPolicy.kubeletDefault(), "kubelet default");
      double bestRaw = 0;
      double bestReplay = 0;
      double bestRawCpu = 0;
      double bestReplayCpu = 0;
      AuditReport report = null;
      ThreadMXBean threads = ManagementFactory.getThreadMXBean();
      for (int round = 1; round <= rounds; round++) {
        long start = System.nanoTime();
        long cpuStart = threads.getCurrentThreadCpuTime();
        long raw = rawConsumeAndDecode(client, topics);
        double rawRate = raw / seconds(start);
        double rawCpuRate = raw / ((threads.getCurrentThreadCpuTime() - cpuStart) / 1e9);
        AuditReplay.Result result = AuditReplay.run(client, topics, query, (read, total) -> { });
        double replayRate = result.eventsPerSecond();
        double replayCpuRate = result.records() / (result.cpuNanos() / 1e9);
        if (raw != workload.events || result.records() != workload.events) {
          throw new IllegalStateException("read " + raw + " (raw) and " + result.records() + " (replay) events, produced "
              + workload.events);
        }
        System.out.printf("round %d: raw consume+decode %,.0f events/s (%,.0f per CPU second), audit replay %,.0f events/s"
                + " (%,.0f per CPU second; read %.2f s, replay %.2f s); load average %.1f%n",
            round, rawRate, rawCpuRate, replayRate, replayCpuRate, result.readNanos() / 1e9, result.replayNanos() / 1e9,
            ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        bestRaw = Math.max(bestRaw, rawRate);
        bestReplay = Math.max(bestReplay, replayRate);
        bestRawCpu = Math.max(bestRawCpu, rawCpuRate);
        bestReplayCpu = Math.max(bestReplayCpu, replayCpuRate);
        report = result.report();
      }
      int findings = 0;
      for (AuditReport.Category category : AuditReport.Category.values()) {
        findings += report.count(category);
      }

      Map<String, Object> result = new LinkedHashMap<>();
      result.put("events", workload.events);
      result.put("replayEventsPerSecond", Math.round(bestReplay));
      result.put("rawEventsPerSecond", Math.round(bestRaw));
      result.put("ratio", Math.round(bestReplay / bestRaw * 1000) / 1000.0);
      result.put("replayEventsPerCpuSecond", Math.round(bestReplayCpu));
      result.put("rawEventsPerCpuSecond", Math.round(bestRawCpu));
      result.put("cpuRatio", Math.round(bestReplayCpu / bestRawCpu * 1000) / 1000.0);
      result.put("cpuTime", "CPU time of the one thread that consumes, decodes and replays (Kafka's classic consumer"
          + " fetches and parses on it); steadier than the wall clock on a shared machine");
      result.put("loadAverageAtEnd", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
      result.put("goalEventsPerSecond", 100_000);
      result.put("startsReplayed", report.startsReplayed());
      result.put("findings", findings);
      result.put("quick", quick);
      result.put("rounds", rounds);
      result.put("pulls", workload.pulls);
      result.put("starts", workload.starts);
      result.put("images", IMAGES);
      result.put("tenants", TENANTS);
      result.put("nodes", CLUSTERS * NODES_PER_CLUSTER);
      result.put("partitions", TopicLayout.singleBroker().eventPartitions());
      result.put("replayMeasures", "consume all five topics + decode + sort + re-decide every start request with"
          + " libs/decision-policy + classify findings + build the report model (rendering not timed)");
      result.put("rawBaseline", "consume all five topics + Avro decode with the same decoder, nothing else");
      result.put("best", "best round of each, rounds alternate baseline then replay");
      result.put("availableProcessors", Runtime.getRuntime().availableProcessors());
      result.put("maxHeapBytes", Runtime.getRuntime().maxMemory());
      result.put("measuredAt", Instant.now().toString());
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), result);

      System.out.println();
      System.out.printf("%-38s %14s%n", "measure", "value");
      System.out.printf("%-38s %,14d%n", "events", workload.events);
      System.out.printf("%-38s %,14.0f   (goal >= 100,000)%n", "audit replay (events/s)", bestReplay);
      System.out.printf("%-38s %,14.0f%n", "raw consume + decode (events/s)", bestRaw);
      System.out.printf("%-38s %14.3f%n", "ratio", bestReplay / bestRaw);
      System.out.printf("%-38s %,14.0f%n", "audit replay (events per CPU second)", bestReplayCpu);
      System.out.printf("%-38s %,14.0f%n", "raw (events per CPU second)", bestRawCpu);
      System.out.printf("%-38s %14.3f%n", "ratio by CPU time", bestReplayCpu / bestRawCpu);
      System.out.printf("%-38s %,14d%n", "findings (workload has none)", findings);
      System.out.println("result written to " + json);
      return PullproofCommand.EXIT_OK;
    } finally {
      ScratchDirectory.deleteQuietly(dir);
    }
  }

  private record Workload(long events, long pulls, long starts, Instant end) {}

  /**
   * Pulls of {@value #IMAGES} images by their tenants' secrets, then starts of those images by the
   * tenants' pods on the pulling node, each answered ALLOW on the grant and started: the log a
   * healthy fleet writes, so the replay decides every start through the grant index.
   */
  private static Workload produce(KafkaClientConfig client, TopicNames topics, int n) {
    Map<String, Object> props = new HashMap<>(client.producerProperties());
    props.put("linger.ms", "20");
    props.put("batch.size", Integer.toString(256 * 1024));
    props.put("compression.type", "lz4");
    long starts = Math.max(1, (n - IMAGES) / 3);
    long events = 0;
    Instant at = T0;
    try (KafkaProducer<String, SpecificRecord> producer = new KafkaProducer<>(props)) {
      List<String> grantIds = new ArrayList<>(IMAGES);
      for (int g = 0; g < IMAGES; g++) {
        ImagePulled pull = ImagePulled.newBuilder().setEventId("p-" + g).setOccurredAt(at).setNode(node(g))
            .setPod(new PodRef(tenant(g), "puller-" + g, "puller-uid-" + g)).setImage(name(g) + ":1").setName(name(g))
            .setImageRef(digest(g)).setCredential(secret(g)).build();
        grantIds.add(GrantId.of(LogEventMapper.grant(pull)));
        send(producer, topics.pulls(), digest(g), pull);
        events++;
      }
      for (long i = 0; i < starts; i++) {
        at = T0.plusSeconds(1).plusNanos(i * 100_000L);
        int g = (int) (i % IMAGES);
        String id = "r-" + i;
        PodRef pod = new PodRef(tenant(g), "pod-" + i, "pod-uid-" + i);
        ContainerStartRequested request = ContainerStartRequested.newBuilder().setEventId(id).setOccurredAt(at)
            .setNode(node(g)).setPod(pod).setContainer("app").setImage(name(g) + ":1").setName(name(g)).setImageRef(digest(g))
            .setPullPolicy(PullPolicy.IF_NOT_PRESENT).setSecrets(List.of(secret(g))).setReplySlice(0).build();
        StartVerdictIssued verdict = StartVerdictIssued.newBuilder().setEventId(VerdictEvents.eventId(id)).setRequestId(id)
            .setOccurredAt(at.plusMillis(1)).setNode(node(g)).setPod(pod).setContainer("app").setName(name(g))
            .setImageRef(digest(g)).setVerdict(Verdict.ALLOW).setReason(VerdictReason.SECRET_HASH_MATCH)
            .setGrantId(grantIds.get(g)).setPolicy("NeverVerifyPreloadedImages").setDecidedBy("bench").build();
        ContainerStartObserved observed = ContainerStartObserved.newBuilder().setEventId("o-" + i).setRequestId(id)
            .setOccurredAt(at.plusMillis(2)).setNode(node(g)).setPod(pod).setContainer("app").setImage(name(g) + ":1")
            .setName(name(g)).setImageRef(digest(g)).setOutcome(StartOutcome.STARTED)
            .setDecisionSource(DecisionSource.VERDICT).setVerdict(Verdict.ALLOW).setReason(VerdictReason.SECRET_HASH_MATCH)
            .build();
        send(producer, topics.startRequests(), digest(g), request);
        send(producer, topics.verdicts(), node(g).getCluster() + "/" + node(g).getNode(), verdict);
        send(producer, topics.startOutcomes(), node(g).getCluster() + "/" + node(g).getNode(), observed);
        events += 3;
      }
      producer.flush();
    }
    return new Workload(events, IMAGES, starts, at.plusMillis(2));
  }

  private static void send(KafkaProducer<String, SpecificRecord> producer, String topic, String key, SpecificRecord event) {
    producer.send(new ProducerRecord<>(topic, key, event));
  }

  private static NodeRef node(int g) {
    int cluster = g % CLUSTERS;
    return new NodeRef("cluster-" + cluster, "node-" + cluster + "-" + (g / CLUSTERS) % NODES_PER_CLUSTER);
  }

  private static String tenant(int g) {
    return "team-" + g % TENANTS;
  }

  private static String name(int g) {
    return "registry.example/" + tenant(g) + "/app-" + g;
  }

  private static String digest(int g) {
    return "sha256:" + String.format("%064x", g);
  }

  private static CredentialIdentity secret(int g) {
    int t = g % TENANTS;
    return CredentialIdentity.newBuilder().setKind(CredentialKind.SECRET).setHash("hmac-sha256:k1:" + String.format("%064x", t))
        .setSecret(new SecretRef(tenant(g), "pull", "secret-uid-" + t)).build();
  }

  /** The baseline: every record of the five topics consumed and decoded, nothing kept. */
  private static long rawConsumeAndDecode(KafkaClientConfig client, TopicNames topics) {
    Map<String, Object> props = new HashMap<>(client.consumerProperties("bench-audit-raw"));
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000);
    props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 8 * 1024 * 1024);
    props.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 64 * 1024 * 1024);
    EventDecoder decoder = new EventDecoder(client.schemaRegistryUrl());
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
      List<TopicPartition> all = new ArrayList<>();
      for (String topic : List.of(topics.revocations(), topics.pulls(), topics.startRequests(), topics.verdicts(),
          topics.startOutcomes())) {
        for (PartitionInfo info : consumer.partitionsFor(topic)) {
          all.add(new TopicPartition(topic, info.partition()));
        }
      }
      consumer.assign(all);
      consumer.seekToBeginning(all);
      Map<TopicPartition, Long> end = consumer.endOffsets(all);
      long total = end.values().stream().mapToLong(Long::longValue).sum();
      long decoded = 0;
      long read = 0;
      while (read < total) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          read++;
          if (decoder.decode(record.value()) != null) {
            decoded++;
          }
        }
      }
      return decoded;
    }
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }

}
