package io.pullproof.decisionservice.state;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Utils;

/**
 * The partition Kafka's default partitioner gives a String key (murmur2 of its UTF-8 bytes), so a
 * grant row read from PostgreSQL can be routed to the start-request partition its image reference
 * is keyed to. Pulls and start requests are both keyed by image reference and have the same
 * partition count, so pulls partition p and start-requests partition p hold the same images.
 */
public final class KeyPartitioner {
  private KeyPartitioner() {}

  public static int partition(String key, int partitions) {
    return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
  }
}
