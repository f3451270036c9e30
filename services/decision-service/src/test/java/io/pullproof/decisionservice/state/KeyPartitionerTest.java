package io.pullproof.decisionservice.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.junit.jupiter.api.Test;

class KeyPartitionerTest {
  @Test
  void routesKeysAsKafkasDefaultPartitionerDoes() {
    for (int i = 0; i < 1000; i++) {
      String key = "sha256:" + String.format("%064x", i * 7919L);
      for (int partitions : new int[] {1, 6, 12, 7}) {
        assertThat(KeyPartitioner.partition(key, partitions))
            .isEqualTo(BuiltInPartitioner.partitionForKey(key.getBytes(StandardCharsets.UTF_8), partitions));
      }
    }
  }
}
