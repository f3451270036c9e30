package io.pullproof.agent.publish;

import io.pullproof.agent.AgentMetrics;
import io.pullproof.agent.state.NodeState;
import io.pullproof.events.ContainerStartObserved;
import io.pullproof.events.ContainerStartRequested;
import io.pullproof.events.ImagePulled;
import io.pullproof.kafka.EventPublisher;
import io.pullproof.kafka.TopicNames;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's three outgoing event kinds, each to its topic with its key (DESIGN.md §1): pulls
 * and start requests keyed by image reference, outcomes by node. {@code ImagePulled} goes through
 * the durable outbox of {@link io.pullproof.agent.state.NodeStateStore}: recorded (fsynced) before it is sent, removed when
 * Kafka acknowledged it, resent at start-up and then every {@link #retryOutboxEvery retry interval}
 * otherwise, so a pull that failed during a Kafka outage does not wait for the agent's next restart.
 */
public final class AgentPublisher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AgentPublisher.class);

  private final EventPublisher<String, SpecificRecord> publisher;
  private final TopicNames topics;
  private final NodeState state;
  private final AgentMetrics metrics;
  /** Pulls sent and not yet answered by the producer: a retry skips them rather than queue them twice. */
  private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor(runnable -> {
    Thread thread = new Thread(runnable, "pullproof-agent-outbox-retry");
    thread.setDaemon(true);
    return thread;
  });

  public AgentPublisher(EventPublisher<String, SpecificRecord> publisher, TopicNames topics, NodeState state,
      AgentMetrics metrics) {
    this.publisher = publisher;
    this.topics = topics;
    this.state = state;
    this.metrics = metrics;
  }

  /** Completes when the broker acknowledged the request. */
  public CompletionStage<?> startRequested(ContainerStartRequested request) {
    String key = request.getImageRef() != null ? request.getImageRef() : request.getName();
    return publisher.publish(topics.startRequests(), key, request);
  }

  /** Sent without waiting: the start must not wait for the audit trail; a failure is counted and logged. */
  public void startObserved(ContainerStartObserved outcome) {
    String key = outcome.getNode().getCluster() + "/" + outcome.getNode().getNode();
    publisher.publish(topics.startOutcomes(), key, outcome).whenComplete((metadata, failure) -> {
      if (failure != null) {
        metrics.publishFailure(topics.startOutcomes());
        LOG.warn("start outcome {} of request {} not published: {}", outcome.getEventId(), outcome.getRequestId(),
            failure.toString());
      }
    });
  }

  /**
   * Records the pull durably, then publishes it; it stays in the outbox until acknowledged. The
   * stage completes when Kafka acknowledged it (and never fails: a failed send stays in the outbox).
   */
  public CompletionStage<Void> pulled(ImagePulled event) {
    state.recordPull(event);
    return send(event);
  }

  /**
   * Resends every pull in the outbox that is not on its way already: at start-up the pulls recorded
   * before a crash, later those whose send failed. Returns how many were sent.
   */
  public int republishOutbox() {
    int count = 0;
    for (ImagePulled event : state.unpublished()) {
      if (inFlight.contains(event.getEventId())) {
        continue;
      }
      send(event);
      count++;
    }
    if (count > 0) {
      LOG.info("republishing {} pulls recorded but not acknowledged by Kafka", count);
    }
    return count;
  }

  /** Calls {@link #republishOutbox} every {@code interval} until closed. */
  public void retryOutboxEvery(Duration interval) {
    retries.scheduleWithFixedDelay(() -> {
      try {
        republishOutbox();
      } catch (RuntimeException e) {
        LOG.warn("outbox retry failed; trying again in {}: {}", interval, e.toString());
      }
    }, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  private CompletionStage<Void> send(ImagePulled event) {
    CompletableFuture<Void> acknowledged = new CompletableFuture<>();
    String eventId = event.getEventId();
    inFlight.add(eventId);
    publisher.publish(topics.pulls(), event.getImageRef(), event).whenComplete((metadata, failure) -> {
      if (failure == null) {
        state.markPublished(eventId);
      } else {
        metrics.publishFailure(topics.pulls());
        LOG.warn("pull {} of {} not published yet (kept in the outbox and resent): {}",
            eventId, event.getName(), failure.toString());
      }
      inFlight.remove(eventId);
      acknowledged.complete(null);
    });
    return acknowledged;
  }

  @Override
  public void close() {
    retries.shutdownNow();
    publisher.close();
  }
}
