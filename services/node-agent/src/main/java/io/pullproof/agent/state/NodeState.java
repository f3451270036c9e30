package io.pullproof.agent.state;

import io.pullproof.events.ImagePulled;
import java.time.Instant;
import java.util.List;

/**
 * What enforcement and publishing need to remember about one node: pull intents, the pulls seen
 * here, and the outbox of {@code ImagePulled} events not yet acknowledged. A real agent keeps it
 * in the crash-safe {@link NodeStateStore}; the fleet simulator keeps thousands of simulated
 * nodes' state in memory behind the same interface, so the enforcement code is the same.
 */
public interface NodeState {
  /** The runtime is about to pull {@code name}: from now on it counts as pulled on this node. */
  void recordIntent(String name, Instant at);

  /** A pull or verification succeeded: remembered, the intent cleared, the event kept in the outbox. */
  void recordPull(ImagePulled event);

  /** Kafka acknowledged the event: it leaves the outbox. */
  void markPublished(String eventId);

  /** True while this node has an unfinished intent or an unacknowledged pull of {@code name}. */
  boolean pendingPull(String name);

  /** Events recorded but not yet acknowledged, oldest first. */
  List<ImagePulled> unpublished();
}
