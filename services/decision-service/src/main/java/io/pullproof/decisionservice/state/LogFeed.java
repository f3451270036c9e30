package io.pullproof.decisionservice.state;

import io.pullproof.decision.events.LogEventMapper;
import io.pullproof.events.CredentialRevoked;
import io.pullproof.events.ImagePulled;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads every partition of the pulls and revocations topics (no consumer group: each instance
 * needs all of them — revocations are broadcast, node pulls are fleet-wide) and applies them to
 * the {@link FleetState} as they arrive, so a pull turns the next start into ALLOW without waiting
 * for the ledger. Starts at the ledger snapshot's offsets; {@link #rewind} re-reads a pulls
 * partition from a newer snapshot's offset when a start-request partition is (re)loaded.
 *
 * <p>The consumer is touched only by the feed's own thread; other threads queue requests, which
 * the thread runs between polls (a short poll timeout bounds the wait). {@code wakeup()} is used
 * only by {@link #close()}: a wakeup lands in whatever blocking call comes next, not only in
 * {@code poll}.
 */
public final class LogFeed implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LogFeed.class);
  private static final Duration POLL_TIMEOUT = Duration.ofMillis(50);

  private final org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> consumer;
  private final Deserializer<Object> deserializer;
  private final FleetState state;
  private final String pullsTopic;
  private final String revocationsTopic;
  private final Consumer<LogEvent> appliedListener;
  private final Thread thread;
  private final Queue<Runnable> requests = new ConcurrentLinkedQueue<>();
  private final List<Waiter> waiters = new ArrayList<>();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile boolean closing;
  private volatile boolean started;
  private volatile Throwable failure;
  private Map<TopicPartition, Long> startOffsets = Map.of();

  /**
   * @param consumer an unsubscribed consumer; the feed assigns, polls and closes it
   * @param appliedListener told about every applied event (metrics); runs on the feed thread
   */
  public LogFeed(org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> consumer, Deserializer<Object> deserializer,
      FleetState state, String pullsTopic, String revocationsTopic, Consumer<LogEvent> appliedListener) {
    this.consumer = consumer;
    this.deserializer = deserializer;
    this.state = state;
    this.pullsTopic = pullsTopic;
    this.revocationsTopic = revocationsTopic;
    this.appliedListener = appliedListener;
    this.thread = new Thread(this::run, "pullproof-decision-log-feed");
  }

  /**
   * Assigns every partition of both topics, each starting at its offset in {@code start} (the
   * ledger snapshot's), or at the beginning when the snapshot has none; then polls.
   */
  public void start(Map<TopicPartition, Long> start) {
    this.startOffsets = Map.copyOf(start);
    started = true;
    thread.start();
  }

  /** Completes when every partition has been read up to its end offset as of this call. */
  public CompletableFuture<Void> caughtUp() {
    CompletableFuture<Void> done = new CompletableFuture<>();
    submit(() -> {
      Map<TopicPartition, Long> ends = consumer.endOffsets(consumer.assignment());
      waiters.add(new Waiter(ends, done));
    }, done);
    return done;
  }

  /**
   * Re-reads pulls partition {@code partition} from {@code offset} (if the feed is past it) and
   * completes once it has read up to the partition's end offset as of the rewind.
   */
  public CompletableFuture<Void> rewind(int partition, long offset) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    TopicPartition tp = new TopicPartition(pullsTopic, partition);
    submit(() -> {
      if (consumer.position(tp) > offset) {
        consumer.seek(tp, offset);
      }
      waiters.add(new Waiter(consumer.endOffsets(List.of(tp)), done));
    }, done);
    return done;
  }

  /** True while the feed polls; false after {@link #close()} or a fatal failure. */
  public boolean isRunning() {
    return thread.isAlive() && failure == null && !closing;
  }

  public Throwable failure() {
    return failure;
  }

  @Override
  public void close() {
    closing = true;
    consumer.wakeup();
    if (!started) {
      consumer.close();
      deserializer.close();
    } else if (Thread.currentThread() != thread) {
      try {
        stopped.await(15, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void submit(Runnable request, CompletableFuture<Void> done) {
    if (closing || failure != null) {
      done.completeExceptionally(new IllegalStateException("log feed is not running", failure));
      return;
    }
    requests.add(() -> {
      try {
        request.run();
      } catch (RuntimeException e) {
        done.completeExceptionally(e);
      }
    });
  }

  private void run() {
    try {
      assignAll();
      while (!closing) {
        for (Runnable request; (request = requests.poll()) != null; ) {
          request.run();
        }
        completeWaiters();
        ConsumerRecords<byte[], byte[]> records;
        try {
          records = consumer.poll(POLL_TIMEOUT);
        } catch (WakeupException e) {
          continue;
        }
        apply(records);
        completeWaiters();
      }
    } catch (WakeupException e) {
      if (!closing) {
        failure = e;
        LOG.error("log feed stopped by an unexpected wakeup", e);
      }
    } catch (RuntimeException | Error e) {
      failure = e;
      LOG.error("log feed stopped: decisions no longer see new pulls and revocations", e);
    } finally {
      waiters.forEach(w -> w.done.completeExceptionally(new IllegalStateException("log feed stopped", failure)));
      requests.clear();
      try {
        consumer.close(Duration.ofSeconds(5));
      } finally {
        deserializer.close();
        stopped.countDown();
      }
    }
  }

  private void assignAll() {
    List<TopicPartition> all = new ArrayList<>();
    for (String topic : List.of(pullsTopic, revocationsTopic)) {
      consumer.partitionsFor(topic).forEach(info -> all.add(new TopicPartition(topic, info.partition())));
    }
    consumer.assign(all);
    List<TopicPartition> fromStart = new ArrayList<>();
    for (TopicPartition tp : all) {
      Long offset = startOffsets.get(tp);
      if (offset == null) {
        fromStart.add(tp);
      } else {
        consumer.seek(tp, offset);
      }
    }
    if (!fromStart.isEmpty()) {
      // An empty collection would mean "every assigned partition" to seekToBeginning.
      consumer.seekToBeginning(fromStart);
    }
    LOG.info("log feed reading {} partitions ({} from the snapshot's offsets)", all.size(), all.size() - fromStart.size());
  }

  private void apply(ConsumerRecords<byte[], byte[]> records) {
    if (records.isEmpty()) {
      return;
    }
    List<LogEvent> events = new ArrayList<>(records.count());
    for (ConsumerRecord<byte[], byte[]> record : records) {
      LogEvent event = decode(record);
      if (event != null) {
        events.add(event);
      }
    }
    state.apply(events);
    events.forEach(appliedListener);
  }

  /** The event, or null for records the ledger dead-letters (logged here, never fatal). */
  private LogEvent decode(ConsumerRecord<byte[], byte[]> record) {
    if (record.value() == null) {
      return null;
    }
    try {
      Object value = deserializer.deserialize(record.topic(), record.headers(), record.value());
      if (value instanceof ImagePulled pulled) {
        return new LogEvent.Pull(record.partition(), LogEventMapper.nodeKey(pulled.getNode()), LogEventMapper.grant(pulled));
      }
      if (value instanceof CredentialRevoked revoked) {
        return new LogEvent.Revoked(revoked.getEventId(), LogEventMapper.revocation(revoked));
      }
      LOG.warn("skipping {}-{}@{}: unexpected event type {}", record.topic(), record.partition(), record.offset(),
          value == null ? "null" : value.getClass().getSimpleName());
    } catch (RuntimeException e) {
      LOG.warn("skipping {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), e.toString());
    }
    return null;
  }

  private void completeWaiters() {
    for (Iterator<Waiter> it = waiters.iterator(); it.hasNext(); ) {
      Waiter waiter = it.next();
      if (reached(waiter.ends)) {
        waiter.done.complete(null);
        it.remove();
      }
    }
  }

  private boolean reached(Map<TopicPartition, Long> ends) {
    for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
      if (consumer.position(end.getKey()) < end.getValue()) {
        return false;
      }
    }
    return true;
  }

  private record Waiter(Map<TopicPartition, Long> ends, CompletableFuture<Void> done) {}
}
