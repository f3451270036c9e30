package io.pullproof.agent.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pullproof.events.CredentialIdentity;
import io.pullproof.events.CredentialKind;
import io.pullproof.events.ImagePulled;
import io.pullproof.events.NodeRef;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeStateStoreTest {
  @TempDir
  Path dir;

  private static ImagePulled pull(String id, String name, String ref) {
    return ImagePulled.newBuilder().setEventId(id).setOccurredAt(Instant.ofEpochMilli(1_000)).setNode(new NodeRef("c", "n"))
        .setPod(null).setImage(name).setName(name).setImageRef(ref)
        .setCredential(CredentialIdentity.newBuilder().setKind(CredentialKind.ANONYMOUS).setHash(null).setSecret(null)
            .setServiceAccount(null).setRegistryKey(null).build())
        .setVerification(false).build();
  }

  @Test
  void aRestartedAgentStillKnowsIntentsAndPulls() {
    try (NodeStateStore store = NodeStateStore.open(dir)) {
      store.recordIntent("r.io/a", Instant.now());
      store.recordPull(pull("e1", "r.io/b", "sha256:b"));
      store.markPublished("e1");
    }
    try (NodeStateStore store = NodeStateStore.open(dir)) {
      assertThat(store.pendingPull("r.io/a")).isTrue();
      assertThat(store.pulledHere("r.io/b", "sha256:b")).isTrue();
      assertThat(store.pendingPull("r.io/b")).isFalse();
      assertThat(store.unpublished()).isEmpty();
    }
  }

  @Test
  void aPullClearsTheIntentForItsName() {
    try (NodeStateStore store = NodeStateStore.open(dir)) {
      store.recordIntent("r.io/a", Instant.now());
      store.recordPull(pull("e1", "r.io/a", "sha256:a"));
      store.markPublished("e1");
      assertThat(store.pendingPull("r.io/a")).isFalse();
    }
  }

  @Test
  void unacknowledgedPullsAreKeptForRepublishingAndCountAsPending() {
    try (NodeStateStore store = NodeStateStore.open(dir)) {
      store.recordPull(pull("e1", "r.io/a", "sha256:a"));
    }
    try (NodeStateStore store = NodeStateStore.open(dir)) {
      assertThat(store.unpublished()).extracting(ImagePulled::getEventId).containsExactly("e1");
      assertThat(store.unpublished().get(0)).isEqualTo(pull("e1", "r.io/a", "sha256:a"));
      assertThat(store.pendingPull("r.io/a")).isTrue();
    }
  }

  @Test
  void aTornLastLineFromACrashIsIgnored() throws Exception {
    try (NodeStateStore store = NodeStateStore.open(dir)) {
      store.recordIntent("r.io/a", Instant.now());
    }
    Files.writeString(dir.resolve(NodeStateStore.JOURNAL), "{\"type\":\"intent\",\"na", StandardCharsets.UTF_8,
        StandardOpenOption.APPEND);
    try (NodeStateStore store = NodeStateStore.open(dir)) {
      assertThat(store.pendingPull("r.io/a")).isTrue();
    }
    assertThat(Files.readString(dir.resolve(NodeStateStore.JOURNAL))).doesNotContain("\"na\n").endsWith("\n");
  }

  @Test
  void damageBeforeTheLastLineStopsStartUpNamingTheLine() throws Exception {
    Files.writeString(dir.resolve(NodeStateStore.JOURNAL), "garbage\n{\"type\":\"intent\",\"name\":\"x\",\"at\":1}\n");
    assertThatThrownBy(() -> NodeStateStore.open(dir)).hasMessageContaining("line 1");
  }

  @Test
  void compactionLeavesNoTemporaryFileAndKeepsTheState() throws Exception {
    try (NodeStateStore store = NodeStateStore.open(dir)) {
      for (int i = 0; i < 50; i++) {
        store.recordPull(pull("e" + i, "r.io/a", "sha256:" + i));
        store.markPublished("e" + i);
      }
    }
    long before = Files.size(dir.resolve(NodeStateStore.JOURNAL));
    try (NodeStateStore store = NodeStateStore.open(dir)) {
      assertThat(store.pulledHere("r.io/a", "sha256:49")).isTrue();
    }
    assertThat(Files.size(dir.resolve(NodeStateStore.JOURNAL))).isLessThan(before);
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly(NodeStateStore.JOURNAL);
    }
  }
}
