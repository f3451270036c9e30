package io.pullproof.ledger.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pullproof.ledger.store.LedgerWrites.NodePullKey;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StoredNodePullsTest {
  private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

  private static NodePullKey key(String node) {
    return new NodePullKey("c1", node, "r.example/app", "sha256:" + "ab".repeat(32));
  }

  private static Map<NodePullKey, Instant> batch(String... nodes) {
    Map<NodePullKey, Instant> batch = new LinkedHashMap<>();
    for (String node : nodes) {
      batch.put(key(node), T0);
    }
    return batch;
  }

  @Test
  void onlyCommittedKeysAreLeftOutAndTheBatchOrderIsKept() {
    StoredNodePulls stored = new StoredNodePulls(10);
    assertThat(stored.unknown(batch("n1", "n2"))).extracting(Map.Entry::getKey).containsExactly(key("n1"), key("n2"));

    stored.committed(List.of(key("n1")));
    assertThat(stored.unknown(batch("n3", "n1", "n2"))).extracting(Map.Entry::getKey).containsExactly(key("n3"), key("n2"));
  }

  @Test
  void atCapacityItStartsOverSoForgottenKeysAreInsertedAgain() {
    StoredNodePulls stored = new StoredNodePulls(3);
    stored.committed(List.of(key("n1"), key("n2")));
    stored.committed(List.of(key("n3"), key("n4")));
    assertThat(stored.size()).isEqualTo(2);
    assertThat(stored.unknown(batch("n1", "n2", "n3", "n4"))).extracting(Map.Entry::getKey)
        .containsExactly(key("n1"), key("n2"));

    stored.committed(List.of(key("n5"), key("n6"), key("n7"), key("n8")));
    assertThat(stored.size()).as("a batch larger than the capacity is not remembered").isZero();
  }

  @Test
  void capacityMustBePositive() {
    assertThatThrownBy(() -> new StoredNodePulls(0)).hasMessageContaining("capacity 0");
  }
}
