package io.pullproof.sim.node;

import io.pullproof.agent.state.NodeState;
import io.pullproof.events.ImagePulled;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A simulated node's state in memory: the same bookkeeping as the agent's journal
 * ({@code NodeStateStore}) without the file, since ten thousand simulated nodes cannot each hold
 * an open, fsynced journal, and a simulated node never restarts.
 */
final class MemoryNodeState implements NodeState {
  private final Map<String, Instant> intents = new HashMap<>();
  private final Map<String, ImagePulled> outbox = new LinkedHashMap<>();

  @Override
  public synchronized void recordIntent(String name, Instant at) {
    intents.putIfAbsent(name, at);
  }

  @Override
  public synchronized void recordPull(ImagePulled event) {
    intents.remove(event.getName());
    outbox.put(event.getEventId(), event);
  }

  @Override
  public synchronized void markPublished(String eventId) {
    outbox.remove(eventId);
  }

  @Override
  public synchronized boolean pendingPull(String name) {
    return intents.containsKey(name) || outbox.values().stream().anyMatch(event -> event.getName().equals(name));
  }

  @Override
  public synchronized List<ImagePulled> unpublished() {
    return new ArrayList<>(outbox.values());
  }
}
