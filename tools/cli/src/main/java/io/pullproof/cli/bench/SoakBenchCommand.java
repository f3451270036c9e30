package io.pullproof.cli.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.pullproof.cli.BadInputException;
import io.pullproof.cli.PullproofCommand;
import io.pullproof.cli.bench.DecisionBenchAgents.StreamProgress;
import io.pullproof.cli.bench.SoakSeries.Sample;
import io.pullproof.decisionservice.DecisionConfig;
import io.pullproof.decisionservice.DecisionMain;
import io.pullproof.kafka.KafkaClientConfig;
import io.pullproof.kafka.TopicLayout;
import io.pullproof.kafka.TopicNames;
import io.pullproof.kafka.TopicProvisioner;
import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * A bounded soak of the decision service (issue 9, Load): the decision bench's servers, grants and
 * in-process service, one open-loop request stream at a goal rate for minutes, sampled at fixed
 * intervals for the heap's live set, the process RSS, threads, the service group's lag and the
 * round trips. Flat memory and no growing lag are read from the numbers; nothing here passes or
 * fails on them.
 */
@Command(name = "soak", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Runs the decision service in-process at a constant request rate for --minutes",
        "and samples it every --sample-seconds: requests sent and answered, p50/p99/max",
        "round trip of the interval, the service's consumer lag on the start-requests",
        "topic, heap used after a forced full GC (the live set; the pause is reported),",
        "process RSS and thread count. Summary: heap slope in MiB/minute (least squares",
        "after the first minute), lag at start/end and max, p99 of the first vs the last",
        "minute, unanswered requests. Reports numbers only, no pass/fail.",
        "The load generator runs in the same JVM as the service: heap, RSS and threads",
        "are of both. Starts its own Kafka, schema registry and PostgreSQL on 127.0.0.1",
        "and stops them at the end. Writes {parameters, start, heapSlopeMiBPerMinute,",
        "maxLagRecords, ..., samples: [...]} to --json."})
public final class SoakBenchCommand implements Callable<Integer> {
  @Option(names = "--minutes", paramLabel = "N", description = "Soak length in minutes, 1 to 120 (default 10, --quick 2).")
  Integer minutes;

  @Option(names = "--rate", paramLabel = "R", defaultValue = "5000",
      description = "Requests per second offered, 1 to 20000 (default ${DEFAULT-VALUE}: PERFORMANCE.md goal 1's middle rate).")
  int rate;

  @Option(names = "--grants", paramLabel = "N", description = "Grants loaded, 1000 to 5000000 (default 250000, --quick 100000).")
  Integer grants;

  @Option(names = "--sample-seconds", paramLabel = "S", defaultValue = "10",
      description = "Seconds per sample, 1 to 60 and at most the soak's length (default ${DEFAULT-VALUE}).")
  int sampleSeconds;

  @Option(names = "--quick", description = "2 minutes with 100,000 grants (explicit --minutes/--grants win).")
  boolean quick;

  @Option(names = "--json", paramLabel = "FILE", required = true, description = "Where to write the result as JSON.")
  Path json;

  private static final double MIB = 1024.0 * 1024.0;
  /** Seconds the answers of the last requests may take before they count as unanswered. */
  private static final int DRAIN_SECONDS = 15;

  @Override
  public Integer call() throws Exception {
    int soakMinutes = minutes != null ? minutes : quick ? 2 : 10;
    int grantCount = grants != null ? grants : quick ? 100_000 : 250_000;
    if (soakMinutes < 1 || soakMinutes > 120) {
      throw new BadInputException("--minutes " + soakMinutes + ": must be from 1 to 120");
    }
    if (rate < 1 || rate > 20_000) {
      throw new BadInputException("--rate " + rate + ": must be from 1 to 20000 requests/s");
    }
    if (grantCount < 1_000 || grantCount > 5_000_000) {
      throw new BadInputException("--grants " + grantCount + ": must be from 1000 to 5000000");
    }
    if (sampleSeconds < 1 || sampleSeconds > 60 || sampleSeconds > soakMinutes * 60) {
      throw new BadInputException("--sample-seconds " + sampleSeconds + ": must be from 1 to 60 and at most the soak's "
          + soakMinutes * 60 + " s");
    }
    int warmupSeconds = quick ? 10 : 20;
    int samples = soakMinutes * 60 / sampleSeconds;
    Path output = json.toAbsolutePath();
    if (output.getParent() != null && !Files.isDirectory(output.getParent())) {
      throw new BadInputException("--json " + json + ": directory " + output.getParent() + " does not exist");
    }

    Map<String, Object> parameters = new LinkedHashMap<>();
    parameters.put("minutes", soakMinutes);
    parameters.put("rate", rate);
    parameters.put("grants", grantCount);
    parameters.put("sampleSeconds", sampleSeconds);
    parameters.put("samples", samples);
    parameters.put("quick", quick);
    parameters.put("jitWarmupSeconds", warmupSeconds);
    parameters.put("policy", "AlwaysVerify (every request is checked against the grants)");
    parameters.put("sameJvm", "the load generator (producer, verdict reader) runs in the same JVM as the decision service:"
        + " heap, RSS and threads are of both; Kafka, the schema registry and PostgreSQL are separate processes");
    parameters.put("heapMeasure", "heap used right after System.gc() (a full collection: the live set), read at the end"
        + " of each sample; its pause (gcPauseMs) falls in the next interval");
    parameters.put("latencyFrom", "when each request was due (open loop) to when the agent's reader decoded the answer;"
        + " per interval, of the answers that arrived in it");
    parameters.put("lag", "sum over the start-requests partitions of end offset minus the service group's committed offset");
    parameters.put("availableProcessors", Runtime.getRuntime().availableProcessors());
    parameters.put("maxHeapBytes", Runtime.getRuntime().maxMemory());
    parameters.put("garbageCollectors", ManagementFactory.getGarbageCollectorMXBeans().stream()
        .map(GarbageCollectorMXBean::getName).collect(Collectors.joining(", ")));
    parameters.put("javaVersion", Runtime.version().toString());

    try (BenchServers servers = BenchServers.start("soak")) {
      TopicNames topics = new TopicNames("bench.");
      TopicLayout layout = TopicLayout.singleBroker();
      KafkaClientConfig client = new KafkaClientConfig(servers.kafka.bootstrapServers(), servers.registry.url(), "bench");
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", servers.kafka.bootstrapServers()))) {
        new TopicProvisioner(admin).ensure(layout.specs(topics).values());
        long copyStart = System.nanoTime();
        DecisionBenchCommand.writeSnapshot(servers.jdbcUrl(), grantCount);
        System.out.printf("ledger snapshot: %,d grants COPYed in %.1f s%n", grantCount, DecisionBenchCommand.seconds(copyStart));
        DecisionConfig config = DecisionBenchCommand.serviceConfig(servers.kafka.bootstrapServers(), servers.registry.url(),
            servers.jdbcUrl(), topics, servers.dir);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("parameters", parameters);
        try (DecisionBenchAgents agents = new DecisionBenchAgents(client)) {
          agents.read(client, topics.verdicts());
          try (DecisionMain.Running service = DecisionMain.start(config)) {
            DecisionBenchCommand.firstAnswer(agents, topics, layout, grantCount);
            int images = grantCount / 2;
            // The service has just started: its decode, decide and encode paths are still being
            // compiled. A soak that started now would show the JIT settling as a falling p99.
            agents.stream(topics.startRequests(), rate, warmupSeconds,
                i -> DecisionBenchCommand.request("w-" + i, i, images, layout), new StreamProgress());
            Thread.sleep(3_000);
            int warmupUnanswered = agents.outstanding();
            agents.forgetOutstanding();
            System.out.printf("JIT warm-up: %d s at %,d/s (not measured, %d unanswered)%n", warmupSeconds, rate, warmupUnanswered);
            result.put("warmupUnanswered", warmupUnanswered);

            Lag lag = new Lag(admin, config.consumerGroup(), topics.startRequests());
            SoakSeries series = soak(agents, topics, layout, images, soakMinutes, samples, lag, result);
            summarize(series, result);
          }
        }
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(output.toFile(), result);
        System.out.println("result written to " + output);
      }
      return PullproofCommand.EXIT_OK;
    }
  }

  /** The soak proper: the request stream on its own thread, sampled on this one. */
  private SoakSeries soak(DecisionBenchAgents agents, TopicNames topics, TopicLayout layout, int images, int soakMinutes,
      int samples, Lag lag, Map<String, Object> result) throws Exception {
    LatencyBuffer latencies = new LatencyBuffer();
    StreamProgress progress = new StreamProgress();
    Map<String, Object> start = new LinkedHashMap<>();
    long[] heap = heapAfterGc();
    start.put("lagRecords", lag.records());
    start.put("heapUsedBytes", heap[0]);
    start.put("gcPauseMs", DecisionBenchCommand.round(heap[1] / 1e6));
    start.put("heapCommittedBytes", ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted());
    start.put("nonHeapUsedBytes", ManagementFactory.getMemoryMXBean().getNonHeapMemoryUsage().getUsed());
    start.put("rssBytes", rssBytes());
    start.put("threads", ManagementFactory.getThreadMXBean().getThreadCount());
    start.put("loadAverage", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    result.put("start", start);
    System.out.printf("soak: %d min at %,d requests/s, a sample every %d s; start: heap %.1f MiB after GC, RSS %.1f MiB,"
        + " %s threads, lag %s (heap, RSS and threads include this load generator)%n", soakMinutes, rate, sampleSeconds,
        heap[0] / MIB, (long) start.get("rssBytes") / MIB, start.get("threads"), start.get("lagRecords"));

    agents.onLatency(latencies::add);
    long soakSeconds = soakMinutes * 60L;
    Throwable[] senderFailure = {null};
    Thread sender = new Thread(() -> {
      try {
        agents.stream(topics.startRequests(), rate, soakSeconds,
            i -> DecisionBenchCommand.request("s-" + i, i, images, layout), progress);
      } catch (RuntimeException | Error e) {
        senderFailure[0] = e;
      }
    }, "soak-sender");
    SoakSeries series = new SoakSeries();
    long startNanos = System.nanoTime();
    sender.start();
    try {
      long sentBefore = 0;
      for (int k = 1; k <= samples; k++) {
        long sampleAt = startNanos + TimeUnit.SECONDS.toNanos((long) k * sampleSeconds);
        long wait;
        while ((wait = sampleAt - System.nanoTime()) > 0) {
          TimeUnit.NANOSECONDS.sleep(wait);
        }
        if (senderFailure[0] != null) {
          throw new IllegalStateException("the request sender failed: " + senderFailure[0], senderFailure[0]);
        }
        long[] interval = latencies.take();
        long sent = progress.sent.get();
        double behindMs = Math.max(0, System.nanoTime() - progress.nextDueNanos) / 1e6;
        long lagRecords = lag.records();
        int inFlight = agents.outstanding();
        heap = heapAfterGc();
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        Sample sample = new Sample((k - 1.0) * sampleSeconds, (double) k * sampleSeconds, sent - sentBefore, interval.length,
            DecisionBenchCommand.round(DecisionBenchAgents.percentileMs(interval, 0.50)),
            DecisionBenchCommand.round(DecisionBenchAgents.percentileMs(interval, 0.99)),
            interval.length == 0 ? Double.NaN : DecisionBenchCommand.round(interval[interval.length - 1] / 1e6),
            lagRecords, inFlight, heap[0], DecisionBenchCommand.round(heap[1] / 1e6), memory.getHeapMemoryUsage().getCommitted(),
            memory.getNonHeapMemoryUsage().getUsed(), rssBytes(), ManagementFactory.getThreadMXBean().getThreadCount(),
            DecisionBenchCommand.round(behindMs), ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        series.add(sample, interval);
        sentBefore = sent;
        System.out.printf("%5.0f s  sent %,7d  answered %,7d  p50 %6.2f  p99 %7.2f  max %7.2f ms  lag %,6d  in flight %,6d"
            + "  heap %6.1f MiB (gc %4.0f ms)  rss %6.1f MiB  threads %3d  load %5.1f%n", sample.toSeconds(), sample.sent(),
            sample.answered(), sample.p50Ms(), sample.p99Ms(), sample.maxMs(), sample.lagRecords(), sample.inFlight(),
            sample.heapMiB(), sample.gcPauseMs(), sample.rssBytes() / MIB, sample.threads(), sample.loadAverage());
      }
      sender.join();
      long drainDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(DRAIN_SECONDS);
      while (agents.outstanding() > 0 && System.nanoTime() < drainDeadline) {
        Thread.sleep(10);
      }
    } finally {
      progress.stop = true;
      sender.join(TimeUnit.SECONDS.toMillis(DRAIN_SECONDS));
      agents.onLatency(null);
    }
    if (senderFailure[0] != null) {
      throw new IllegalStateException("the request sender failed: " + senderFailure[0], senderFailure[0]);
    }
    result.put("sent", progress.sent.get());
    result.put("unanswered", agents.outstanding());
    result.put("lateAnswers", latencies.take().length);
    return series;
  }

  private static void summarize(SoakSeries series, Map<String, Object> result) {
    @SuppressWarnings("unchecked")
    Map<String, Object> start = (Map<String, Object>) result.get("start");
    Sample last = series.samples().get(series.samples().size() - 1);
    double slope = series.heapSlopeMiBPerMinute();
    result.put("heapSlopeMiBPerMinute", DecisionBenchCommand.round(slope));
    result.put("heapSlopeOver", series.slopeSkipsFirstMinute() ? "samples after the first minute"
        : "all samples (the run is too short to leave out the first minute)");
    result.put("startLagRecords", start.get("lagRecords"));
    result.put("maxLagRecords", series.maxLagRecords());
    result.put("endLagRecords", series.endLagRecords());
    result.put("p99FirstMinuteMs", DecisionBenchCommand.round(series.p99FirstMinuteMs()));
    result.put("p99LastMinuteMs", DecisionBenchCommand.round(series.p99LastMinuteMs()));
    result.put("heapStartBytes", start.get("heapUsedBytes"));
    result.put("heapEndBytes", last.heapUsedBytes());
    result.put("rssStartBytes", start.get("rssBytes"));
    result.put("rssEndBytes", last.rssBytes());
    result.put("threadsStart", start.get("threads"));
    result.put("threadsEnd", last.threads());
    result.put("maxSenderBehindMs", series.samples().stream().mapToDouble(Sample::senderBehindMs).max().orElse(0));
    result.put("loadAverageMin", series.samples().stream().mapToDouble(Sample::loadAverage).min().orElse(Double.NaN));
    result.put("loadAverageMax", series.samples().stream().mapToDouble(Sample::loadAverage).max().orElse(Double.NaN));
    result.put("measuredAt", Instant.now().toString());
    result.put("samples", series.samples());

    System.out.println();
    System.out.printf("heap after GC: %.1f MiB at start, %.1f MiB at the end, slope %+.3f MiB/minute (%s)%n",
        ((long) start.get("heapUsedBytes")) / MIB, last.heapMiB(), slope, result.get("heapSlopeOver"));
    System.out.printf("RSS: %.1f MiB at start, %.1f MiB at the end; threads %s → %d%n", ((long) start.get("rssBytes")) / MIB,
        last.rssBytes() / MIB, start.get("threads"), last.threads());
    System.out.printf("consumer lag (records): %s at start, %,d at the end, %,d at most%n", start.get("lagRecords"),
        series.endLagRecords(), series.maxLagRecords());
    System.out.printf("round trip p99: %.2f ms in the first minute, %.2f ms in the last minute%n",
        series.p99FirstMinuteMs(), series.p99LastMinuteMs());
    System.out.printf("requests: %,d sent, %,d answered within the samples, %,d after them, %s unanswered after %d s%n",
        (long) result.get("sent"), series.answered(), (int) result.get("lateAnswers"), result.get("unanswered"), DRAIN_SECONDS);
    System.out.printf("machine load average (1 min) %.1f to %.1f during the soak on %d processors%n",
        (double) result.get("loadAverageMin"), (double) result.get("loadAverageMax"), Runtime.getRuntime().availableProcessors());
    System.out.println("(heap, RSS and threads are of this JVM: the decision service and the load generator together)");
  }

  /**
   * Heap used right after {@code System.gc()} and that collection's pause in nanoseconds. Why not
   * the old generation's "collection usage" (MemoryPoolMXBean), which costs no pause: with G1 on
   * Java 17 it is updated by young and mixed collections too, so it includes objects promoted
   * since the last marking cycle that have died since; with this machine's default heap (a quarter
   * of RAM) a marking cycle may not come at all in ten minutes, and that figure then climbs
   * steadily without any leak. A full collection leaves only what is reachable, so a slope of it
   * is a slope of the live set. Its pause falls in the next interval (every interval has one).
   */
  private static long[] heapAfterGc() {
    long start = System.nanoTime();
    System.gc();
    long pause = System.nanoTime() - start;
    return new long[] {ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(), pause};
  }

  /** This process's resident set (VmRSS of /proc/self/status), or -1 where there is none (not Linux). */
  private static long rssBytes() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          String[] fields = line.substring("VmRSS:".length()).trim().split("\\s+");
          return Long.parseLong(fields[0]) * 1024; // kB
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux: reported as -1
    }
    return -1;
  }

  /** The decision group's lag on the start-requests topic, through the admin client. */
  private record Lag(Admin admin, String group, String topic) {
    long records() throws Exception {
      // Commits first, then the ends: a commit can then not be ahead of the end it is compared with.
      Map<TopicPartition, Long> committed = new HashMap<>();
      for (Map.Entry<TopicPartition, OffsetAndMetadata> entry
          : admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS).entrySet()) {
        if (entry.getKey().topic().equals(topic) && entry.getValue() != null) {
          committed.put(entry.getKey(), entry.getValue().offset());
        }
      }
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      admin.describeTopics(java.util.List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic).partitions()
          .forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
      Map<TopicPartition, Long> ends = new HashMap<>();
      admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS).forEach((p, info) -> ends.put(p, info.offset()));
      return SoakSeries.lag(ends, committed);
    }
  }

  /** Round trips of the answers since the last {@link #take}, added on the reader thread. */
  private static final class LatencyBuffer {
    private long[] nanos = new long[1 << 16];
    private int size;

    synchronized void add(long roundTripNanos) {
      if (size == nanos.length) {
        nanos = Arrays.copyOf(nanos, size * 2);
      }
      nanos[size++] = roundTripNanos;
    }

    /** The round trips so far, ascending, and starts over. */
    long[] take() {
      long[] taken;
      synchronized (this) {
        taken = Arrays.copyOf(nanos, size);
        size = 0;
      }
      Arrays.sort(taken); // outside the lock: the reader thread must not wait for it
      return taken;
    }
  }
}
