package io.pullproof.agent.verdict;

import io.pullproof.kafka.TopicLayout;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which waiting {@link VerdictClient} a verdict belongs to, by the node that asked, and every ALLOW
 * cache a revocation must flush. A node agent registers its one node; the fleet simulator
 * registers thousands of simulated nodes behind one {@link VerdictReader}, so they share one
 * Kafka consumer instead of opening one each.
 */
public final class VerdictRoutes {
  private record Node(VerdictClient client, AllowCache cache) {}

  private final Map<String, Node> nodes = new ConcurrentHashMap<>();

  /** Verdicts for {@code cluster}/{@code node} go to {@code client}; revocations flush {@code cache}. */
  public VerdictRoutes add(String cluster, String node, VerdictClient client, AllowCache cache) {
    nodes.put(key(cluster, node), new Node(client, cache));
    return this;
  }

  /** The client waiting for this node's verdicts, or null when the node is not served here. */
  VerdictClient client(String cluster, String node) {
    Node entry = nodes.get(key(cluster, node));
    return entry == null ? null : entry.client();
  }

  /** Flushes every registered cache; returns how many entries were dropped. */
  int flushCaches() {
    int dropped = 0;
    for (Node entry : nodes.values()) {
      dropped += entry.cache().size();
      entry.cache().flush();
    }
    return dropped;
  }

  /** The verdict partition a node reads, given how many partitions the verdicts topic has. */
  public static int replySlice(int verdictPartitions, String cluster, String node) {
    // Only the verdict partition count matters for the slice; the other layout values are unused here.
    return new TopicLayout(1, verdictPartitions, (short) 1, -1).replySlice(cluster, node);
  }

  private static String key(String cluster, String node) {
    return cluster + "/" + node;
  }
}
