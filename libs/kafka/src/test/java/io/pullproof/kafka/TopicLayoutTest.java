package io.pullproof.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class TopicLayoutTest {

  @Test
  void everyTopicHasASpecAndVerdictsHaveOnePartitionPerReplySlice() {
    TopicLayout layout = new TopicLayout(6, 12, (short) 1, -1);
    Map<String, TopicLayout.TopicSpec> specs = layout.specs(new TopicNames("p."));
    assertThat(specs).containsOnlyKeys("p.pulls", "p.start-requests", "p.verdicts", "p.start-outcomes", "p.revocations", "p.dead-letters");
    assertThat(specs.get("p.verdicts").partitions()).isEqualTo(12);
    assertThat(specs.get("p.pulls").configs()).containsEntry("retention.ms", "-1");
  }

  @Test
  void replySlicesAreStableAndInRange() {
    TopicLayout layout = TopicLayout.singleBroker();
    int slice = layout.replySlice("cluster-1", "node-7");
    assertThat(slice).isBetween(0, layout.verdictPartitions() - 1).isEqualTo(layout.replySlice("cluster-1", "node-7"));
  }

  @Test
  void badPartitionCountsAreNamed() {
    assertThatThrownBy(() -> new TopicLayout(0, 12, (short) 1, -1)).hasMessageContaining("eventPartitions=0");
  }
}
