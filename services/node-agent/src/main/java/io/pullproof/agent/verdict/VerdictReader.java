package io.pullproof.agent.verdict;

import io.pullproof.agent.AgentMetrics;
import io.pullproof.events.CredentialRevoked;
import io.pullproof.events.StartVerdictIssued;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads this agent's reply slice of the verdicts topic and every partition of the revocations
 * topic with {@code assign()} (no consumer group: every agent needs every revocation, and only its
 * own slice of verdicts), from the end: a verdict older than the agent answers nobody waiting. No
 * offsets are committed. Verdicts for nodes not in {@link VerdictRoutes} (other nodes sharing the
 * slice) are skipped. One reader may serve several nodes (the fleet simulator's, which share one
 * consumer): it then reads every reply slice they use. A record that
 * cannot be decoded is counted and skipped: the agent does not own these topics' dead letters, and
 * a missing verdict only means a registry verification.
 *
 * <p>One named thread owns the consumer; {@link #start} positions it before returning, so no
 * verdict for a request sent after start-up can be missed.
 */
public final class VerdictReader implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(VerdictReader.class);

  private final Consumer<byte[], byte[]> consumer;
  private final Deserializer<Object> deserializer;
  private final List<TopicPartition> replySlices;
  private final String revocationsTopic;
  private final VerdictRoutes routes;
  private final AgentMetrics metrics;
  private final AtomicReference<String> failure = new AtomicReference<>();
  private volatile boolean running;
  private Thread thread;

  /** One node's reader: its reply slice, its client and its cache. */
  public VerdictReader(Consumer<byte[], byte[]> consumer, Deserializer<Object> deserializer, TopicPartition replySlice,
      String revocationsTopic, String cluster, String node, VerdictClient client, AllowCache cache, AgentMetrics metrics) {
    this(consumer, deserializer, List.of(replySlice), revocationsTopic,
        new VerdictRoutes().add(cluster, node, client, cache), metrics);
  }

  /** A reader shared by the nodes of {@code routes}, reading {@code replySlices} (every slice they use). */
  public VerdictReader(Consumer<byte[], byte[]> consumer, Deserializer<Object> deserializer,
      List<TopicPartition> replySlices, String revocationsTopic, VerdictRoutes routes, AgentMetrics metrics) {
    this.consumer = consumer;
    this.deserializer = deserializer;
    this.replySlices = List.copyOf(replySlices);
    this.revocationsTopic = revocationsTopic;
    this.routes = routes;
    this.metrics = metrics;
  }

  /** Assigns, seeks to the end, resolves the positions, then starts the poll thread. */
  public VerdictReader start(Duration metadataTimeout) {
    List<TopicPartition> partitions = new ArrayList<>();
    partitions.addAll(replySlices);
    List<PartitionInfo> revocations = consumer.partitionsFor(revocationsTopic, metadataTimeout);
    if (revocations == null || revocations.isEmpty()) {
      throw new IllegalStateException("topic " + revocationsTopic + " does not exist");
    }
    revocations.forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
    consumer.assign(partitions);
    consumer.seekToEnd(partitions);
    for (TopicPartition partition : partitions) {
      consumer.position(partition, metadataTimeout);
    }
    running = true;
    thread = new Thread(this::run, "pullproof-agent-verdicts");
    thread.setDaemon(true);
    thread.start();
    LOG.info("reading verdicts from {} and revocations from {} partitions of {}",
        replySlices.size() == 1 ? replySlices.get(0) : replySlices.size() + " partitions", revocations.size(), revocationsTopic);
    return this;
  }

  /** Empty while reading; the fatal failure that stopped the thread otherwise. */
  public Optional<String> problem() {
    String why = failure.get();
    if (why != null) {
      return Optional.of(why);
    }
    return running ? Optional.empty() : Optional.of("not running");
  }

  private void run() {
    try {
      while (running) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
          dispatch(record);
        }
      }
    } catch (WakeupException e) {
      // close() woke us
    } catch (RuntimeException e) {
      // Authentication, authorization or a broken consumer: retrying here cannot fix it. Starts
      // keep working (they time out into registry verification); readiness reports it.
      failure.set(e.toString());
      LOG.error("verdict reader stopped: starts will be verified with the registry until a restart", e);
    } finally {
      running = false;
      consumer.close();
      deserializer.close();
    }
  }

  private void dispatch(ConsumerRecord<byte[], byte[]> record) {
    Object event;
    try {
      event = deserializer.deserialize(record.topic(), record.headers(), record.value());
    } catch (RuntimeException e) {
      metrics.unreadableRecord(record.topic());
      LOG.warn("skipping unreadable record {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), e.toString());
      return;
    }
    if (event instanceof StartVerdictIssued verdict) {
      VerdictClient client = routes.client(verdict.getNode().getCluster(), verdict.getNode().getNode());
      if (client != null) {
        client.complete(verdict);
      }
    } else if (event instanceof CredentialRevoked revoked) {
      int dropped = routes.flushCaches();
      LOG.info("revocation {} ({} {}): flushed {} cached ALLOW verdicts", revoked.getEventId(), revoked.getScope(),
          revoked.getScope() == io.pullproof.events.RevocationScope.CREDENTIAL_HASH ? "<hash>" : revoked.getValue(),
          dropped);
      metrics.cacheFlush();
    } else {
      metrics.unreadableRecord(record.topic());
      LOG.warn("skipping unexpected {} at {}-{}@{}", event == null ? "null" : event.getClass().getSimpleName(),
          record.topic(), record.partition(), record.offset());
    }
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    consumer.wakeup();
    if (thread != null) {
      thread.join(10_000);
    }
  }
}
