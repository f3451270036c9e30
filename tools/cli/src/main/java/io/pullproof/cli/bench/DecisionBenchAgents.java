package io.pullproof.cli.bench;

import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import io.pullproof.events.ContainerStartRequested;
import io.pullproof.events.StartVerdictIssued;
import io.pullproof.kafka.HeaderCachingSerializer;
import io.pullproof.kafka.KafkaClientConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntFunction;
import java.util.function.LongConsumer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The node agents of the decision benchmark: one producer publishing requests open-loop (each
 * request's latency counts from when it was due, not when it was sent, so a stalled sender cannot
 * hide queueing), and one reader per reply topic matching answers to requests by id. The same
 * code drives the decision service and the raw echo, so the two round trips differ only in what
 * sits between the topics.
 */
final class DecisionBenchAgents implements AutoCloseable {
  private final KafkaProducer<String, SpecificRecord> producer;
  /** Sends the open-loop requests, encoded before the run; same settings as {@link #producer}. */
  private final KafkaProducer<String, byte[]> encodedProducer;
  private final Serializer<ContainerStartRequested> serializer;
  private final List<Reader> readers = new ArrayList<>();
  /** requestId → when it was due and on which side of a run, for requests whose latency is measured. */
  private final Map<String, Due> due = new ConcurrentHashMap<>();
  private final Map<String, CompletableFuture<Answer>> waiting = new ConcurrentHashMap<>();
  /** Per side of the current {@link #interleaved} run: the measured round trips so far (guarded by this). */
  private long[][] latencies = new long[1][0];
  /** Parallel to {@link #latencies}: whether the request was due in the first tenth of its turn. */
  private boolean[][] atTurnStart = new boolean[1][0];
  private int[] recorded = new int[1];
  /** When set, takes the round trip of every answered request that {@link #due} knows, instead of {@link #latencies}. */
  private volatile LongConsumer latencySink;

  /** An answer as an agent sees it: when it arrived and, for verdicts, the verdict. */
  record Answer(long receivedNanos, StartVerdictIssued verdict) {}

  private record Due(long atNanos, int side, boolean turnStart) {}

  DecisionBenchAgents(KafkaClientConfig kafka) {
    Map<String, Object> properties = new HashMap<>(kafka.producerProperties());
    properties.put("linger.ms", "0");
    producer = new KafkaProducer<>(properties);
    properties.put("value.serializer", ByteArraySerializer.class.getName());
    encodedProducer = new KafkaProducer<>(properties);
    // Apicurio frames the first request; the rest are plain Avro behind the same header, so a
    // stream of requests encoded while they are due costs the sender microseconds each.
    serializer = new HeaderCachingSerializer<>(new AvroKafkaSerializer<>(), ContainerStartRequested.getClassSchema());
    serializer.configure(kafka.serializerConfig(), false);
  }

  /** Starts reading every partition of {@code topic} from its end; answers are decoded as Avro. */
  void read(KafkaClientConfig kafka, String topic) {
    Reader reader = new Reader(kafka, topic);
    readers.add(reader);
    reader.thread.start();
  }

  void send(String topic, String key, SpecificRecord event) {
    producer.send(new ProducerRecord<>(topic, key, event));
  }

  /** Sends a request and waits for its answer. */
  Answer ask(String topic, ContainerStartRequested request, Duration timeout) throws Exception {
    CompletableFuture<Answer> answer = new CompletableFuture<>();
    waiting.put(request.getEventId(), answer);
    try {
      send(topic, request.getImageRef(), request);
      return answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } finally {
      waiting.remove(request.getEventId());
    }
  }

  /** Result of one open-loop run: p50/p99 of the measured requests and how many never came back. */
  /**
   * Result of one open-loop run: p50/p99 of the measured requests and how many never came back;
   * {@code slowestAtTurnStart}: of the requests at or above the p99, the share that was due in the
   * first tenth of its side's turn (NaN with one side), to tell a slow hand-over between turns
   * from slowness spread over the run.
   */
  record Run(int rate, double seconds, int measured, int lost, double p50Ms, double p99Ms, double maxMs,
      double slowestAtTurnStart) {}

  /**
   * Offers {@code rate} requests a second for {@code warmup + measure} seconds to each topic (a
   * side), switching from one side to the next every {@code sliceMillis} in a single open-loop
   * stream; only requests due after a side's warm-up count. Interleaving gives every side the
   * same machine: a collection in the bench JVM (broker, agents) or a busy neighbour lands on
   * either side alike, where back-to-back runs let one run have it all. Waits up to 15 s for the
   * last answers.
   *
   * <p>The requests are built and encoded (Confluent framing, Avro binary) before the run: the
   * Apicurio serializer looks the schema up by its JSON text for every record, and doing that
   * on the sending thread at 20k/s made the load generator the busiest thread of the machine
   * (and the main source of garbage) during both measured round trips.
   *
   * @param sliceMillis how long each side is offered its rate before the next side's turn; divides
   *     1000
   * @param requests per side, the request for its n-th send
   * @return per side, in the order of {@code topics}
   */
  Run[] interleaved(List<String> topics, int rate, int warmupSeconds, int measureSeconds, int sliceMillis,
      List<IntFunction<ContainerStartRequested>> requests) throws InterruptedException {
    if (sliceMillis <= 0 || 1000 % sliceMillis != 0 || requests.size() != topics.size()) {
      throw new IllegalArgumentException("slice " + sliceMillis + " ms must divide a second; one request builder per topic");
    }
    int sides = topics.size();
    int perSide = rate * (warmupSeconds + measureSeconds);
    int firstMeasured = rate * warmupSeconds;
    int perSlice = Math.max(1, rate * sliceMillis / 1000);
    int total = perSide * sides;
    String[] ids = new String[total];
    String[] keys = new String[total];
    byte[][] values = new byte[total][];
    int[] sideOf = new int[total];
    boolean[] measuredAt = new boolean[total];
    int[] sent = new int[sides];
    for (int i = 0; i < total; i++) {
      int side = (i / perSlice) % sides;
      int n = sent[side]++;
      ContainerStartRequested next = requests.get(side).apply(n);
      ids[i] = next.getEventId();
      keys[i] = next.getImageRef();
      values[i] = serializer.serialize(topics.get(side), next);
      sideOf[i] = side;
      measuredAt[i] = n >= firstMeasured;
    }
    int measuredPerSide = perSide - firstMeasured;
    synchronized (this) {
      latencies = new long[sides][measuredPerSide];
      atTurnStart = new boolean[sides][measuredPerSide];
      recorded = new int[sides];
    }
    due.clear();
    long intervalNanos = 1_000_000_000L / rate;
    long start = System.nanoTime() + 10_000_000L;
    for (int i = 0; i < total; i++) {
      long dueAt = start + i * intervalNanos;
      parkUntil(dueAt);
      if (measuredAt[i]) {
        due.put(ids[i], new Due(dueAt, sideOf[i], i % perSlice < Math.max(1, perSlice / 10)));
      }
      encodedProducer.send(new ProducerRecord<>(topics.get(sideOf[i]), keys[i], values[i]));
      values[i] = null;
    }
    long drainDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (recordedTotal() < (long) measuredPerSide * sides && System.nanoTime() < drainDeadline) {
      Thread.sleep(10);
    }
    Run[] runs = new Run[sides];
    for (int side = 0; side < sides; side++) {
      long[] answered;
      boolean[] turnStart;
      synchronized (this) {
        answered = Arrays.copyOf(latencies[side], recorded[side]);
        turnStart = Arrays.copyOf(atTurnStart[side], recorded[side]);
      }
      long[] sorted = answered.clone();
      Arrays.sort(sorted);
      double p99 = percentileMs(sorted, 0.99);
      runs[side] = new Run(rate, measureSeconds, measuredPerSide, measuredPerSide - sorted.length,
          percentileMs(sorted, 0.50), p99, sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1] / 1e6,
          sides == 1 ? Double.NaN : shareAtTurnStart(answered, turnStart, p99));
    }
    return runs;
  }

  /** Of the latencies at or above {@code thresholdMs}, the share flagged in {@code turnStart}. */
  static double shareAtTurnStart(long[] latencies, boolean[] turnStart, double thresholdMs) {
    int slow = 0;
    int atStart = 0;
    for (int i = 0; i < latencies.length; i++) {
      if (latencies[i] / 1e6 >= thresholdMs) {
        slow++;
        if (turnStart[i]) {
          atStart++;
        }
      }
    }
    return slow == 0 ? Double.NaN : (double) atStart / slow;
  }

  private synchronized long recordedTotal() {
    long sum = 0;
    for (int count : recorded) {
      sum += count;
    }
    return sum;
  }

  /**
   * Parks, never spins: spinning to the microsecond kept one of the machine's two cores busy at
   * 20k/s, taken from the service and the echo alike. A request sent late (timer slack, ~0.05 ms)
   * still counts from when it was due.
   */
  private static void parkUntil(long dueAt) {
    long wait;
    while ((wait = dueAt - System.nanoTime()) > 0) {
      LockSupport.parkNanos(wait);
    }
  }

  /** How far a {@link #stream} has come, read by whoever samples it while it runs. */
  static final class StreamProgress {
    final AtomicLong sent = new AtomicLong();
    /** nanoTime when the next request is due; now minus this is how far the sender is behind. */
    volatile long nextDueNanos;
    /** Set by another thread to end the stream before its time. */
    volatile boolean stop;
  }

  /**
   * Offers {@code rate} requests a second on the calling thread for {@code seconds}, building and
   * encoding each when it is due (a soak's millions of requests would not fit in memory ahead of
   * time). Every request is tracked until answered; the round trips go to the sink set by
   * {@link #onLatency}, if any.
   */
  void stream(String topic, int rate, long seconds, IntFunction<ContainerStartRequested> request, StreamProgress progress) {
    long total = rate * seconds;
    long intervalNanos = 1_000_000_000L / rate;
    long start = System.nanoTime() + 10_000_000L;
    for (long i = 0; i < total && !progress.stop; i++) {
      long dueAt = start + i * intervalNanos;
      progress.nextDueNanos = dueAt;
      parkUntil(dueAt);
      ContainerStartRequested next = request.apply((int) i);
      byte[] value = serializer.serialize(topic, next);
      due.put(next.getEventId(), new Due(dueAt, 0, false));
      encodedProducer.send(new ProducerRecord<>(topic, next.getImageRef(), value));
      progress.sent.incrementAndGet();
    }
  }

  /** Where the round trips of {@link #stream}'s answers go (called on a reader thread); null: nowhere. */
  void onLatency(LongConsumer sink) {
    latencySink = sink;
  }

  /** Requests sent and not answered yet (all of them since the last {@link #forgetOutstanding}). */
  int outstanding() {
    return due.size();
  }

  void forgetOutstanding() {
    due.clear();
  }

  static double percentileMs(long[] sortedNanos, double quantile) {
    if (sortedNanos.length == 0) {
      return Double.NaN;
    }
    int index = (int) Math.ceil(quantile * sortedNanos.length) - 1;
    return sortedNanos[Math.max(0, Math.min(sortedNanos.length - 1, index))] / 1e6;
  }

  private void answered(String requestId, long receivedNanos, StartVerdictIssued verdict) {
    Due dueAt = due.remove(requestId);
    LongConsumer sink = latencySink;
    if (dueAt != null && sink != null) {
      sink.accept(receivedNanos - dueAt.atNanos());
    } else if (dueAt != null) {
      synchronized (this) {
        int side = dueAt.side();
        if (side < latencies.length && recorded[side] < latencies[side].length) {
          atTurnStart[side][recorded[side]] = dueAt.turnStart();
          latencies[side][recorded[side]++] = receivedNanos - dueAt.atNanos();
        }
      }
    }
    CompletableFuture<Answer> waiter = waiting.get(requestId);
    if (waiter != null) {
      waiter.complete(new Answer(receivedNanos, verdict));
    }
  }

  @Override
  public void close() throws InterruptedException {
    for (Reader reader : readers) {
      reader.closing = true;
      reader.consumer.wakeup();
      reader.thread.join(10_000);
    }
    producer.close();
    encodedProducer.close();
    serializer.close();
  }

  /** Reads one reply topic (verdicts, or the echo's output) on its own thread. */
  private final class Reader {
    final KafkaConsumer<byte[], byte[]> consumer;
    final Deserializer<Object> deserializer;
    final Thread thread;
    volatile boolean closing;

    Reader(KafkaClientConfig kafka, String topic) {
      consumer = new KafkaConsumer<>(kafka.consumerProperties("bench-agents"));
      deserializer = kafka.avroValueDeserializer();
      List<TopicPartition> partitions = new ArrayList<>();
      consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
      consumer.assign(partitions);
      consumer.seekToEnd(partitions);
      partitions.forEach(consumer::position);
      thread = new Thread(this::run, "bench-agent-reader-" + topic);
    }

    private void run() {
      try {
        while (!closing) {
          for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
            long now = System.nanoTime();
            Object value = deserializer.deserialize(record.topic(), record.headers(), record.value());
            if (value instanceof StartVerdictIssued verdict) {
              answered(verdict.getRequestId(), now, verdict);
            } else if (value instanceof ContainerStartRequested echoed) {
              answered(echoed.getEventId(), now, null);
            }
          }
        }
      } catch (WakeupException e) {
        // closing
      } finally {
        consumer.close();
        deserializer.close();
      }
    }
  }
}
