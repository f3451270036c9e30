package io.pullproof.decisionservice;

import static org.assertj.core.api.Assertions.assertThat;

import io.pullproof.decision.Grant;
import io.pullproof.decision.GrantId;
import io.pullproof.decision.PullSecret;
import io.pullproof.decisionservice.DecisionTestBed.Received;
import io.pullproof.events.ContainerStartRequested;
import io.pullproof.events.RecordedGrant;
import io.pullproof.events.RevocationScope;
import io.pullproof.events.SecretRef;
import io.pullproof.events.Verdict;
import io.pullproof.events.VerdictReason;
import io.pullproof.testkit.Events;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The decision service on a real Kafka broker, schema registry and PostgreSQL (libs/testkit):
 * request/reply, dry run, revocation, restart from the ledger snapshot + log, and a rebalance.
 */
class DecisionServiceIT {
  private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
  private static final String HASH_A = "hmac-sha256:k1:" + "a".repeat(64);
  private static final String HASH_B = "hmac-sha256:k1:" + "b".repeat(64);

  @TempDir
  Path dir;

  private Map<String, String> alwaysVerify(DecisionTestBed bed, String instance) throws Exception {
    Path policy = dir.resolve("policy-" + instance + ".json");
    Files.writeString(policy, "{\"default\": {\"verificationPolicy\": \"AlwaysVerify\"}}");
    Map<String, String> settings = bed.settings(instance);
    settings.put(DecisionConfig.POLICY_FILE.name(), policy.toString());
    return settings;
  }

  private static Events.StartRequestedBuilder requestFor(String image, String node, int slice) {
    return Events.startRequested().image(image + ":1", image, Events.digest(image)).node("cluster-1", node)
        .pod("team-a", "pod-" + node, "pod-uid-" + node).replySlice(slice);
  }

  private static io.pullproof.events.ImagePulled pullOf(String image, String hash, String secretUid) {
    return Events.imagePulled().image(image + ":1", image, Events.digest(image)).node("cluster-1", "node-1")
        .secret("team-a", "pull", secretUid, hash).at(T0).build();
  }

  /** Asks until the verdict has {@code reason}: the pull or revocation reaches the service asynchronously. */
  private static Received askUntil(DecisionTestBed bed, Events.StartRequestedBuilder request, VerdictReason reason)
      throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    Received received;
    do {
      received = bed.ask(request.eventId(null).build());
      if (received.verdict().getReason() == reason) {
        return received;
      }
      Thread.sleep(20);
    } while (System.nanoTime() < deadline);
    assertThat(received.verdict().getReason()).isEqualTo(reason);
    return received;
  }

  /** Publishes a pull of {@code image} with secret {@code secretUid} and waits until a start with it is allowed. */
  private static Events.StartRequestedBuilder pulled(DecisionTestBed bed, String image, String node, int slice, String secretUid)
      throws Exception {
    bed.publish(pullOf(image, HASH_A, secretUid));
    Events.StartRequestedBuilder request = requestFor(image, node, slice).secret("team-a", "pull", secretUid, HASH_A);
    askUntil(bed, request, VerdictReason.SECRET_HASH_MATCH);
    return request;
  }

  /** Starts an AlwaysVerify instance and waits until a pull of {@code image} is allowed on it. */
  private void startAlwaysVerifyWithPull(DecisionTestBed bed, String instance, String image, String node, int slice,
      String secretUid) throws Exception {
    bed.start(alwaysVerify(bed, instance));
    pulled(bed, image, node, slice, secretUid);
  }

  @Test
  void everyRequestIsAnsweredOnceOnItsReplySliceCorrelatedByRequestId() throws Exception {
    try (DecisionTestBed bed = new DecisionTestBed("decision_reply")) {
      String image = "registry.example/team-a/app";
      startAlwaysVerifyWithPull(bed, "d-reply", image, "node-2", 0, "secret-uid-a");

      String grantId = GrantId.of(Grant.secret(Events.digest(image), image,
          PullSecret.of("team-a", "pull", "secret-uid-a", HASH_A), T0));
      List<ContainerStartRequested> requests = new ArrayList<>();
      for (int i = 0; i < 48; i++) {
        Events.StartRequestedBuilder builder = requestFor(image, "node-" + i, i % 12);
        switch (i % 4) {
          case 0 -> builder.secret("team-a", "pull", "secret-uid-a", HASH_A);
          case 1 -> builder.secret("team-b", "other", "secret-uid-b", HASH_B);
          case 2 -> builder.imageRef(null);
          default -> builder.image("registry.example/team-z/unknown:1", "registry.example/team-z/unknown",
              Events.digest("registry.example/team-z/unknown"));
        }
        requests.add(builder.build());
      }
      ContainerStartRequested badSlice = requestFor(image, "node-x", 99).build();
      bed.publish(badSlice);
      for (ContainerStartRequested request : requests) {
        bed.publish(request);
      }
      for (ContainerStartRequested request : requests) {
        bed.awaitVerdict(request.getEventId(), Duration.ofSeconds(30));
      }
      Thread.sleep(1000);

      for (int i = 0; i < requests.size(); i++) {
        ContainerStartRequested request = requests.get(i);
        List<Received> answers = bed.verdicts.get(request.getEventId());
        assertThat(answers).as("verdicts for request %d", i).hasSize(1);
        Received answer = answers.get(0);
        assertThat(answer.partition()).isEqualTo(request.getReplySlice());
        assertThat(answer.key()).isEqualTo("cluster-1/" + request.getNode().getNode());
        assertThat(answer.verdict().getNode()).isEqualTo(request.getNode());
        assertThat(answer.verdict().getPod()).isEqualTo(request.getPod());
        assertThat(answer.verdict().getDecidedBy()).isEqualTo("d-reply");
        assertThat(answer.verdict().getPolicy()).isEqualTo("AlwaysVerify");
        assertThat(answer.verdict().getDryRun()).isFalse();
        switch (i % 4) {
          case 0 -> {
            assertThat(answer.verdict().getVerdict()).isEqualTo(Verdict.ALLOW);
            assertThat(answer.verdict().getReason()).isEqualTo(VerdictReason.SECRET_HASH_MATCH);
            assertThat(answer.verdict().getGrantId()).isEqualTo(grantId);
          }
          case 1 -> assertThat(answer.verdict().getReason()).isEqualTo(VerdictReason.NO_MATCHING_CREDENTIAL);
          case 2 -> assertThat(answer.verdict().getReason()).isEqualTo(VerdictReason.IMAGE_NOT_PRESENT);
          default -> assertThat(answer.verdict().getReason()).isEqualTo(VerdictReason.NO_RECORD);
        }
        if (i % 4 != 0) {
          assertThat(answer.verdict().getVerdict()).isEqualTo(Verdict.REPULL);
          assertThat(answer.verdict().getGrantId()).isNull();
        }
      }
      assertThat(bed.verdicts).as("a request naming a reply slice that does not exist is dead-lettered, not answered")
          .doesNotContainKey(badSlice.getEventId());
      assertThat(deadLetters(bed)).isGreaterThanOrEqualTo(1);
    }
  }

  @Test
  void dryRunFlagsVerdictsAndKeepsTheComputedOutcome() throws Exception {
    try (DecisionTestBed bed = new DecisionTestBed("decision_dry")) {
      Map<String, String> settings = alwaysVerify(bed, "d-dry");
      settings.put(DecisionConfig.MODE.name(), "dryRun");
      bed.start(settings);
      Received received = bed.ask(requestFor("registry.example/team-a/never-pulled", "node-1", 3).build());
      assertThat(received.verdict().getDryRun()).isTrue();
      assertThat(received.verdict().getVerdict()).isEqualTo(Verdict.REPULL);
      assertThat(received.verdict().getReason()).isEqualTo(VerdictReason.NO_RECORD);
      assertThat(received.partition()).isEqualTo(3);
    }
  }

  @Test
  void revocationTurnsAllowIntoRevokedRepull() throws Exception {
    try (DecisionTestBed bed = new DecisionTestBed("decision_revoke")) {
      bed.start(alwaysVerify(bed, "d-revoke"));
      String image = "registry.example/team-a/revoked";
      Events.StartRequestedBuilder request = pulled(bed, image, "node-5", 1, "secret-uid-r");

      bed.publish(Events.credentialRevoked().scope(RevocationScope.SECRET_UID, "secret-uid-r").at(T0.plusSeconds(60)).build());
      Received revoked = askUntil(bed, request, VerdictReason.REVOKED);
      assertThat(revoked.verdict().getVerdict()).isEqualTo(Verdict.REPULL);
      assertThat(revoked.verdict().getGrantId()).as("the grant that would have matched").isNotNull();

      // A re-verification after the revocation is a new proof: ALLOW again.
      bed.publish(Events.imagePulled().image(image + ":1", image, Events.digest(image)).node("cluster-1", "node-5")
          .secret("team-a", "pull", "secret-uid-r", HASH_A).verification(true).at(T0.plusSeconds(120)).build());
      askUntil(bed, request, VerdictReason.SECRET_HASH_MATCH);
    }
  }

  @Test
  void aRotationIsAllowedAndItsNewHashIsPublishedForTheLedger() throws Exception {
    try (DecisionTestBed bed = new DecisionTestBed("decision_rotation")) {
      String image = "registry.example/team-a/rotated";
      startAlwaysVerifyWithPull(bed, "d-rotation", image, "node-1", 4, "secret-uid-rot");

      Events.StartRequestedBuilder rotatedSecret = requestFor(image, "node-2", 4).secret("team-a", "pull", "secret-uid-rot", HASH_B);
      Received rotated = bed.ask(rotatedSecret.build());
      assertThat(rotated.verdict().getReason()).isEqualTo(VerdictReason.SECRET_ROTATED);
      RecordedGrant recorded = rotated.verdict().getRecordedGrant();
      assertThat(recorded).as("what the ledger stores").isNotNull();
      assertThat(recorded.getCredential().getHash()).isEqualTo(HASH_B);
      assertThat(recorded.getCredential().getSecret()).isEqualTo(new SecretRef("team-a", "pull", "secret-uid-rot"));
      assertThat(recorded.getVerifiedAt()).as("the pull's proof, not the decision's time").isEqualTo(T0);

      // The new hash replaced the old one: it now matches as it is, and nothing more is recorded.
      Received again = bed.ask(rotatedSecret.eventId(null).build());
      assertThat(again.verdict().getReason()).isEqualTo(VerdictReason.SECRET_HASH_MATCH);
      assertThat(again.verdict().getRecordedGrant()).isNull();
    }
  }

  @Test
  void restartRebuildsTheStateFromTheLedgerSnapshotAndTheLogAfterIt() throws Exception {
    try (DecisionTestBed bed = new DecisionTestBed("decision_restart")) {
      String before = "registry.example/team-a/before-snapshot";
      String inSnapshot = "registry.example/team-a/in-snapshot";
      String revokedInSnapshot = "registry.example/team-a/revoked-in-snapshot";
      String afterSnapshot = "registry.example/team-a/after-snapshot";
      // Log before the snapshot's offsets: the ledger has consumed it, so it is the ledger's to
      // report. This fixture leaves it out of the tables to show the service starts at the offsets.
      bed.publish(pullOf(before, HASH_A, "secret-uid-a"));
      writeLedgerSnapshot(bed, List.of(
          Grant.secret(Events.digest(inSnapshot), inSnapshot, PullSecret.of("team-a", "pull", "secret-uid-a", HASH_A), T0),
          Grant.secret(Events.digest(revokedInSnapshot), revokedInSnapshot,
              PullSecret.of("team-a", "old", "secret-uid-old", HASH_B), T0)));
      bed.publish(pullOf(afterSnapshot, HASH_A, "secret-uid-a"));

      DecisionMain.Running first = bed.start(bed.settings("d-first"));
      assertRecoveredState(bed, before, inSnapshot, revokedInSnapshot, afterSnapshot, "d-first");
      bed.stop(first);

      bed.start(bed.settings("d-second"));
      assertRecoveredState(bed, before, inSnapshot, revokedInSnapshot, afterSnapshot, "d-second");
    }
  }

  private static void assertRecoveredState(DecisionTestBed bed, String before, String inSnapshot, String revokedInSnapshot,
      String afterSnapshot, String instance) throws Exception {
    // node-1 pulled these names (node_pulls snapshot and log), so NeverVerifyPreloadedImages verifies them there.
    Received snapshot = bed.ask(requestFor(inSnapshot, "node-1", 2).secret("team-a", "pull", "secret-uid-a", HASH_A).build());
    assertThat(snapshot.verdict().getReason()).isEqualTo(VerdictReason.SECRET_HASH_MATCH);
    assertThat(snapshot.verdict().getDecidedBy()).isEqualTo(instance);
    Received log = bed.ask(requestFor(afterSnapshot, "node-1", 2).secret("team-a", "pull", "secret-uid-a", HASH_A).build());
    assertThat(log.verdict().getReason()).isEqualTo(VerdictReason.SECRET_HASH_MATCH);
    Received revoked = bed.ask(requestFor(revokedInSnapshot, "node-1", 2).secret("team-a", "old", "secret-uid-old", HASH_B).build());
    assertThat(revoked.verdict().getReason()).isEqualTo(VerdictReason.REVOKED);
    Received wrongSecret = bed.ask(requestFor(inSnapshot, "node-1", 2).secret("team-b", "x", "secret-uid-x", HASH_B).build());
    assertThat(wrongSecret.verdict().getReason()).as("node-1 pulled it (node_pulls snapshot)").isEqualTo(VerdictReason.NO_MATCHING_CREDENTIAL);
    Received preloaded = bed.ask(requestFor(inSnapshot, "node-9", 2).secret("team-b", "x", "secret-uid-x", HASH_B).build());
    assertThat(preloaded.verdict().getReason()).isEqualTo(VerdictReason.PRELOADED);
    Received skipped = bed.ask(requestFor(before, "node-1", 2).secret("team-a", "pull", "secret-uid-a", HASH_A).build());
    assertThat(skipped.verdict().getReason()).as("log before the snapshot's offsets is not re-read: never pulled here")
        .isEqualTo(VerdictReason.PRELOADED);
  }

  /** What the ledger service would have committed: grants, node pulls, a revocation, and its offsets. */
  private static void writeLedgerSnapshot(DecisionTestBed bed, List<Grant> grants) throws Exception {
    Map<TopicPartition, Long> ends;
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(bed.kafka.consumerProperties("it-offsets"))) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (String topic : List.of(bed.topics.pulls(), bed.topics.revocations())) {
        consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
      }
      ends = consumer.endOffsets(partitions);
    }
    bed.ledger.inTransaction(connection -> {
      try (PreparedStatement insert = connection.prepareStatement("""
          INSERT INTO grants (grant_id, image_ref, name, kind, credential_hash, secret_namespace, secret_name, secret_uid,
                              cluster, node, first_verified_at, last_verified_at, last_event_id)
          VALUES (?, ?, ?, 'SECRET', ?, ?, ?, ?, 'cluster-1', 'node-1', ?, ?, 'fixture')""");
          PreparedStatement nodePull = connection.prepareStatement("""
              INSERT INTO node_pulls (cluster, node, name, image_ref, first_pulled_at)
              VALUES ('cluster-1', 'node-1', ?, ?, ?)""")) {
        for (Grant grant : grants) {
          insert.setString(1, GrantId.of(grant));
          insert.setString(2, grant.imageRef());
          insert.setString(3, grant.name());
          insert.setString(4, grant.credentialHash());
          insert.setString(5, grant.subject().namespace());
          insert.setString(6, grant.subject().name());
          insert.setString(7, grant.subject().uid());
          insert.setTimestamp(8, Timestamp.from(grant.verifiedAt()));
          insert.setTimestamp(9, Timestamp.from(grant.verifiedAt()));
          insert.executeUpdate();
          nodePull.setString(1, grant.name());
          nodePull.setString(2, grant.imageRef());
          nodePull.setTimestamp(3, Timestamp.from(grant.verifiedAt()));
          nodePull.executeUpdate();
        }
      }
      try (PreparedStatement revocation = connection.prepareStatement("""
          INSERT INTO revocations (revocation_id, occurred_at, scope, value, reason, actor)
          VALUES ('rev-fixture', ?, 'SECRET_UID', 'secret-uid-old', 'fixture', 'it')""")) {
        revocation.setTimestamp(1, Timestamp.from(T0.plusSeconds(30)));
        revocation.executeUpdate();
      }
      try (PreparedStatement offsets = connection.prepareStatement(
          "INSERT INTO consumed_offsets (consumer_group, topic, partition, next_offset) VALUES ('pullproof-ledger', ?, ?, ?)")) {
        for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
          offsets.setString(1, end.getKey().topic());
          offsets.setInt(2, end.getKey().partition());
          offsets.setLong(3, end.getValue());
          offsets.executeUpdate();
        }
      }
      return null;
    });
  }

  @Test
  void instancesJoiningAndLeavingKeepAnsweringWithoutWrongVerdicts() throws Exception {
    try (DecisionTestBed bed = new DecisionTestBed("decision_rebalance")) {
      DecisionMain.Running first = bed.start(alwaysVerify(bed, "d-one"));
      List<String> images = new ArrayList<>();
      for (int i = 0; i < 24; i++) {
        String image = "registry.example/team-a/app-" + i;
        images.add(image);
        pulled(bed, image, "node-3", 0, "secret-uid-a");
      }

      List<String> sent = new CopyOnWriteArrayList<>();
      AtomicBoolean sending = new AtomicBoolean(true);
      Thread agents = new Thread(() -> {
        int i = 0;
        while (sending.get()) {
          ContainerStartRequested request = requestFor(images.get(i % images.size()), "node-" + (i % 7), i % 12)
              .secret("team-a", "pull", "secret-uid-a", HASH_A).build();
          try {
            bed.publish(request);
            sent.add(request.getEventId());
            Thread.sleep(5);
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
          i++;
        }
      }, "it-agents");
      agents.start();
      Thread.sleep(1000);
      bed.start(alwaysVerify(bed, "d-two"));
      Thread.sleep(4000);
      bed.stop(first);
      Thread.sleep(3000);
      sending.set(false);
      agents.join();

      Set<String> deciders = new HashSet<>();
      int duplicates = 0;
      for (String requestId : sent) {
        bed.awaitVerdict(requestId, Duration.ofSeconds(30));
      }
      for (String requestId : sent) {
        List<Received> answers = bed.verdicts.get(requestId);
        duplicates += answers.size() - 1;
        for (Received answer : answers) {
          assertThat(answer.verdict().getReason()).as("request %s decided by %s", requestId, answer.verdict().getDecidedBy())
              .isEqualTo(VerdictReason.SECRET_HASH_MATCH);
          deciders.add(answer.verdict().getDecidedBy());
        }
      }
      assertThat(deciders).containsExactlyInAnyOrder("d-one", "d-two");
      assertThat(sent).hasSizeGreaterThan(500);
      System.out.printf("rebalance IT: %d requests, %d duplicate verdicts, deciders %s%n", sent.size(), duplicates, deciders);
    }
  }

  private static long deadLetters(DecisionTestBed bed) {
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(bed.kafka.consumerProperties("it-dlq"))) {
      TopicPartition dlq = new TopicPartition(bed.topics.deadLetters(), 0);
      return consumer.endOffsets(List.of(dlq)).get(dlq);
    }
  }
}
