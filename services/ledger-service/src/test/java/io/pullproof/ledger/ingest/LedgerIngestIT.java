package io.pullproof.ledger.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.pullproof.events.ContainerStartRequested;
import io.pullproof.events.CredentialIdentity;
import io.pullproof.events.CredentialKind;
import io.pullproof.events.ImagePulled;
import io.pullproof.events.RecordedGrant;
import io.pullproof.events.RevocationScope;
import io.pullproof.events.VerdictReason;
import io.pullproof.ledger.LedgerFixture;
import io.pullproof.testkit.Events;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

/** Ingest against real Kafka, schema registry and PostgreSQL: idempotence, dead letters, revocations. */
class LedgerIngestIT {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @Test
  void redeliveredEventsStoreNothingTwice() throws Exception {
    try (LedgerFixture f = new LedgerFixture("ingest_redelivery")) {
      Instant t0 = Instant.parse("2026-11-22T10:00:00Z");
      ImagePulled pull = Events.imagePulled().node("c1", "n1").secret("team-a", "pull", "s-uid-1", "hmac-sha256:k1:aa").at(t0).build();
      ImagePulled refresh = Events.imagePulled().node("c1", "n2").secret("team-a", "pull", "s-uid-1", "hmac-sha256:k1:bb")
          .at(t0.plusSeconds(60)).build();
      ContainerStartRequested request = Events.startRequested().node("c1", "n2").pod("team-a", "app-1", "p-1")
          .secret("team-a", "pull", "s-uid-1", "hmac-sha256:k1:bb").at(t0.plusSeconds(61)).build();
      // Every event twice, as a producer retry or a replay would deliver it.
      for (int i = 0; i < 2; i++) {
        f.send(f.topics().pulls(), pull);
        f.send(f.topics().pulls(), refresh);
        f.send(f.topics().startRequests(), request);
        f.send(f.topics().verdicts(), Events.verdictIssued().answering(request).eventId("v-1").build());
        f.send(f.topics().startOutcomes(), Events.startObserved().of(request).eventId("o-1").build());
      }
      var ledger = f.startLedger();
      LedgerFixture.await("the second copy of every event consumed", WAIT, () -> f.storedOffsetsSum() == 10);
      assertOnceEach(f);
      assertThat(f.strings("SELECT credential_hash || ' ' || node || ' ' || last_event_id FROM grants"))
          .as("one grant, first proven on n1, the rotated hash from the newest pull")
          .containsExactly("hmac-sha256:k1:bb n1 " + refresh.getEventId());

      // Crash-style re-delivery: forget the stored offsets, so the ledger reads everything again.
      ledger.close();
      f.execute("DELETE FROM consumed_offsets");
      f.startLedger();
      LedgerFixture.await("everything consumed again", WAIT, () -> f.storedOffsetsSum() == 10);
      assertOnceEach(f);
    }
  }

  private static void assertOnceEach(LedgerFixture f) throws Exception {
    assertThat(f.count("pull_events")).isEqualTo(2);
    assertThat(f.count("grants")).isEqualTo(1);
    assertThat(f.count("node_pulls")).isEqualTo(2);
    assertThat(f.count("start_requests")).isEqualTo(1);
    assertThat(f.count("start_verdicts")).isEqualTo(1);
    assertThat(f.count("start_outcomes")).isEqualTo(1);
  }

  @Test
  void poisonRecordsGoToTheDeadLetterTopicWhileTheirNeighboursAreStored() throws Exception {
    try (LedgerFixture f = new LedgerFixture("ingest_poison")) {
      f.startLedger();
      String pulls = f.topics().pulls();
      ImagePulled before = Events.imagePulled().build();
      ImagePulled invalid = Events.imagePulled().imageRef("latest").build();
      ImagePulled after = Events.imagePulled().node("c2", "n9").build();
      f.send(pulls, before);
      f.sendRaw(pulls, "not avro at all".getBytes(StandardCharsets.UTF_8));
      f.send(pulls, invalid);
      f.send(pulls, after);

      LedgerFixture.await("both good pulls stored", WAIT, () -> f.countQuietly("pull_events") == 2);
      assertThat(f.strings("SELECT event_id FROM pull_events ORDER BY event_id"))
          .containsExactlyInAnyOrder(before.getEventId(), after.getEventId());
      List<ConsumerRecord<byte[], byte[]>> dead = readAll(f, f.topics().deadLetters(), 2);
      List<String> reasons = new ArrayList<>();
      for (ConsumerRecord<byte[], byte[]> record : dead) {
        reasons.add(new String(record.headers().lastHeader("pullproof.dlq.reason").value(), StandardCharsets.UTF_8));
      }
      assertThat(reasons).containsExactlyInAnyOrder("UNDECODABLE", "INVALID_FIELD");
      assertThat(f.strings("SELECT reason || ': ' || detail FROM dead_letters"))
          .singleElement().asString().startsWith("INVALID_FIELD: imageRef='latest'");
    }
  }

  @Test
  void revocationsRevokeMatchingGrantsInWhateverOrderTheyArrive() throws Exception {
    try (LedgerFixture f = new LedgerFixture("ingest_revocation")) {
      f.startLedger();
      Instant t0 = Instant.parse("2026-11-22T10:00:00Z");
      f.send(f.topics().pulls(), Events.imagePulled().secret("team-a", "pull", "s-1", "hmac-sha256:k1:aa").at(t0).build());
      f.send(f.topics().pulls(), Events.imagePulled().secret("team-b", "pull", "s-2", "hmac-sha256:k1:cc").at(t0).build());
      f.send(f.topics().revocations(), Events.credentialRevoked().scope(RevocationScope.SECRET_UID, "s-1").at(t0.plusSeconds(5)).build());
      // A pull older than the revocation, arriving after it, is revoked too.
      f.send(f.topics().pulls(), Events.imagePulled().image("r.example/x:1", "r.example/x", Events.digest("x"))
          .secret("team-a", "pull", "s-1", "hmac-sha256:k1:aa").at(t0.plusSeconds(1)).build());
      LedgerFixture.await("three grants and a revocation", WAIT, () -> f.countQuietly("grants") == 3 && f.countQuietly("revocations") == 1
          && f.countQuietly("grants WHERE revoked_at IS NOT NULL") == 2);
      assertThat(f.strings("SELECT secret_uid FROM grants WHERE revoked_at IS NULL")).containsExactly("s-2");

      // Proven again after the revocation: the registry accepted the credential, the grant counts again.
      f.send(f.topics().pulls(), Events.imagePulled().secret("team-a", "pull", "s-1", "hmac-sha256:k1:aa")
          .at(t0.plusSeconds(10)).build());
      LedgerFixture.await("the refreshed grant un-revoked", WAIT, () -> f.countQuietly("grants WHERE revoked_at IS NOT NULL") == 1);
    }
  }

  @Test
  void aVerdictsRecordedGrantReplacesTheRotatedHashAndRevocationsOfTheNewHashApply() throws Exception {
    try (LedgerFixture f = new LedgerFixture("ingest_recorded")) {
      f.startLedger();
      Instant t0 = Instant.parse("2026-11-22T10:00:00Z");
      String oldHash = "hmac-sha256:k1:aa";
      String newHash = "hmac-sha256:k1:dd";
      f.send(f.topics().pulls(), Events.imagePulled().node("c1", "n1").secret("team-a", "pull", "s-rot", oldHash).at(t0).build());
      LedgerFixture.await("the pull's grant", WAIT, () -> f.countQuietly("grants") == 1);

      // The secret was rotated; a pod on another node presents the new hash, the decision service
      // allows it (SECRET_ROTATED) and records the new hash, plus another tenant's copy of the old
      // secret under other coordinates (SECRET_HASH_MATCH, other coordinates).
      ContainerStartRequested rotated = Events.startRequested().node("c2", "n7").pod("team-a", "app-2", "p-2")
          .secret("team-a", "pull", "s-rot", newHash).at(t0.plusSeconds(30)).build();
      f.send(f.topics().verdicts(), Events.verdictIssued().answering(rotated)
          .verdict(io.pullproof.events.Verdict.ALLOW, VerdictReason.SECRET_ROTATED)
          .recorded("team-a", "pull", "s-rot", newHash, t0).build());
      ContainerStartRequested copied = Events.startRequested().node("c2", "n8").pod("team-c", "app-3", "p-3")
          .secret("team-c", "copy", "s-copy", oldHash).at(t0.plusSeconds(31)).build();
      f.send(f.topics().verdicts(), Events.verdictIssued().answering(copied)
          .recorded("team-c", "copy", "s-copy", oldHash, t0).build());
      // Not a secret: rejected, naming the field, and the verdicts around it are stored.
      f.send(f.topics().verdicts(), Events.verdictIssued().answering(copied).recorded(new RecordedGrant(
          new CredentialIdentity(CredentialKind.ANONYMOUS, null, null, null, null), t0)).build());

      LedgerFixture.await("both verdicts stored and the bad one dead-lettered", WAIT,
          () -> f.countQuietly("start_verdicts") == 2 && f.countQuietly("dead_letters") == 1);
      assertThat(f.strings("SELECT secret_uid || ' ' || credential_hash || ' ' || cluster || ' ' || extract(epoch FROM last_verified_at)::bigint "
          + "FROM grants ORDER BY secret_uid"))
          .as("the rotation replaced the hash and kept the proof's age; the copy is a grant of its own in c2")
          .containsExactly("s-copy " + oldHash + " c2 " + t0.getEpochSecond(), "s-rot " + newHash + " c1 " + t0.getEpochSecond());
      assertThat(f.count("pull_events")).as("recording is not a pull").isEqualTo(1);
      assertThat(f.count("node_pulls")).isEqualTo(1);
      assertThat(f.strings("SELECT detail FROM dead_letters")).singleElement().asString()
          .contains("recordedGrant.credential.kind");

      // Revoking the new hash revokes the rotated grant: before verdicts were recorded, the ledger
      // (and every decision instance loading it) still held the old hash and missed it.
      f.send(f.topics().revocations(), Events.credentialRevoked().scope(RevocationScope.CREDENTIAL_HASH, newHash)
          .at(t0.plusSeconds(60)).build());
      LedgerFixture.await("the rotated grant revoked", WAIT, () -> f.countQuietly("grants WHERE revoked_at IS NOT NULL") == 1);
      assertThat(f.strings("SELECT secret_uid FROM grants WHERE revoked_at IS NOT NULL")).containsExactly("s-rot");
    }
  }

  private static List<ConsumerRecord<byte[], byte[]>> readAll(LedgerFixture f, String topic, int expected) {
    Map<String, Object> props = Map.of("bootstrap.servers", f.kafka().bootstrapServers(),
        "key.deserializer", ByteArrayDeserializer.class.getName(), "value.deserializer", ByteArrayDeserializer.class.getName());
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
      TopicPartition partition = new TopicPartition(topic, 0);
      consumer.assign(List.of(partition));
      consumer.seekToBeginning(List.of(partition));
      List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (records.size() < expected && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
      return records;
    }
  }
}
