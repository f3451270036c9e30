package io.pullproof.kafka;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Partitions and retention of every Pullproof topic, in one place, so services, tests, the demo
 * and the operator's guide agree. Partition counts bound parallelism: start requests and pulls are
 * keyed by image reference (one decision instance sees all events of an image), verdicts are
 * written to the partition an agent named in its request ({@code replySlice}), so an agent reads
 * one partition of {@link #verdictPartitions()}, never the whole topic.
 *
 * @param eventPartitions   partitions of pulls, start requests, start outcomes and revocations
 * @param verdictPartitions partitions of the verdicts topic = number of reply slices
 * @param replicationFactor 1 on the embedded stack, 3 in production
 * @param auditRetentionMs  retention of the replayable topics (-1 = forever); audits need long retention
 */
public record TopicLayout(int eventPartitions, int verdictPartitions, short replicationFactor, long auditRetentionMs) {
  /** Verdicts are answers, not history: the ledger keeps them; a day on the topic is plenty. */
  public static final long VERDICT_RETENTION_MS = 24L * 3600 * 1000;

  public TopicLayout {
    if (eventPartitions < 1 || eventPartitions > 1000) {
      throw new IllegalArgumentException("eventPartitions=" + eventPartitions + ": must be 1..1000");
    }
    if (verdictPartitions < 1 || verdictPartitions > 1000) {
      throw new IllegalArgumentException("verdictPartitions=" + verdictPartitions + ": must be 1..1000");
    }
    if (replicationFactor < 1) {
      throw new IllegalArgumentException("replicationFactor=" + replicationFactor + ": must be at least 1");
    }
  }

  /** The embedded stack and tests: one broker, enough partitions to exercise rebalances. */
  public static TopicLayout singleBroker() {
    return new TopicLayout(6, 12, (short) 1, -1);
  }

  /** Every topic with its partition count and configs, ready for {@link TopicProvisioner}. */
  public Map<String, TopicSpec> specs(TopicNames names) {
    Map<String, TopicSpec> specs = new LinkedHashMap<>();
    String retention = Long.toString(auditRetentionMs);
    for (String topic : new String[] {names.pulls(), names.startRequests(), names.startOutcomes(), names.revocations()}) {
      specs.put(topic, new TopicSpec(topic, eventPartitions, replicationFactor, Map.of("retention.ms", retention)));
    }
    specs.put(names.verdicts(), new TopicSpec(names.verdicts(), verdictPartitions, replicationFactor,
        Map.of("retention.ms", Long.toString(VERDICT_RETENTION_MS))));
    specs.put(names.deadLetters(), new TopicSpec(names.deadLetters(), 1, replicationFactor, Map.of("retention.ms", retention)));
    return specs;
  }

  /** Which verdict partition an agent on {@code cluster}/{@code node} reads: stable, spread by hash. */
  public int replySlice(String cluster, String node) {
    return Math.floorMod((cluster + "/" + node).hashCode(), verdictPartitions);
  }

  /** One topic to create. */
  public record TopicSpec(String name, int partitions, short replicationFactor, Map<String, String> configs) {}
}
