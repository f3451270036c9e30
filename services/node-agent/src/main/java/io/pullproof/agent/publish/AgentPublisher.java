package io.pullproof.agent.publish;

import io.pullproof.agent.AgentMetrics;
import io.pullproof.agent.state.NodeState;
import io.pullproof.events.ContainerStartObserved;
import io.pullproof.events.ContainerStartRequested;
import io.pullproof.events.ImagePulled;
import io.pullproof.kafka.EventPublisher;
import io.pullproof.kafka.TopicNames;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.avro.specific.SpecificRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's three outgoing event kinds, each to its topic with its key (DESIGN.md §1): pulls
 * and start requests keyed by image reference, outcomes by node. {@code ImagePulled} goes through
 * the durable outbox of {@link io.pullproof.agent.state.NodeStateStore}: recorded (fsynced) before it is sent, removed when
 * Kafka acknowledged it, resent at start-up otherwise.
 */
public final class AgentPublisher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AgentPublisher.class);

  private final EventPublisher<String, SpecificRecord> publisher;
  private final TopicNames topics;
  private final NodeState state;
  private final AgentMetrics metrics;

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

  /** Start-up reconciliation: resends every pull recorded before a crash but never acknowledged. */
  public int republishOutbox() {
    int count = 0;
    for (ImagePulled event : state.unpublished()) {
      send(event);
      count++;
    }
    if (count > 0) {
      LOG.info("republishing {} pulls recorded before the last stop but not acknowledged", count);
    }
    return count;
  }

  private CompletionStage<Void> send(ImagePulled event) {
    CompletableFuture<Void> acknowledged = new CompletableFuture<>();
    publisher.publish(topics.pulls(), event.getImageRef(), event).whenComplete((metadata, failure) -> {
      if (failure == null) {
        state.markPublished(event.getEventId());
      } else {
        metrics.publishFailure(topics.pulls());
        LOG.warn("pull {} of {} not published yet (kept in the outbox, resent at start-up): {}",
            event.getEventId(), event.getName(), failure.toString());
      }
      acknowledged.complete(null);
    });
    return acknowledged;
  }

  @Override
  public void close() {
    publisher.close();
  }
}
