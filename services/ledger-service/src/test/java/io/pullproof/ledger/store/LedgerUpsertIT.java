package io.pullproof.ledger.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pullproof.jdbc.Database;
import io.pullproof.ledger.LedgerFixture;
import io.pullproof.ledger.model.GrantRecord;
import io.pullproof.ledger.model.RevocationRecord;
import io.pullproof.ledger.model.RevocationScope;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * The grant upsert and node-pull insert batch by batch, straight through {@link LedgerStore}: an
 * older or re-delivered sighting writes no row version, a newer one refreshes the grant (never the
 * node pull, which the first pull writes once), revocations still follow the newest verification;
 * a node pull is left out of later inserts only once its transaction committed.
 */
class LedgerUpsertIT {
  private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
  private static final TopicPartition PULLS = new TopicPartition("pulls", 0);

  @Test
  void onlyRealChangesAreWrittenAndRevocationsFollowTheNewestVerification() throws Exception {
    try (LedgerFixture f = new LedgerFixture("ledger_upsert");
        Database database = Database.open(f.database(), "upsert-it", "classpath:db/ledger")) {
      LedgerStore store = new LedgerStore(database, "g");
      store.apply(pull("e-1", "n1", "hmac-sha256:k1:aa", T0), Map.of(PULLS, 1L));
      store.apply(pull("e-2", "n2", "hmac-sha256:k1:bb", T0.plusSeconds(60)), Map.of(PULLS, 2L));
      String state = "SELECT concat_ws(' ', credential_hash, node, last_event_id, last_verified_at AT TIME ZONE 'UTC') FROM grants";
      String versions = "SELECT (SELECT xmin::text FROM grants) || ' ' "
          + "|| (SELECT string_agg(xmin::text, ',' ORDER BY node) FROM node_pulls WHERE node IN ('n1', 'n2'))";
      assertThat(f.strings(state)).containsExactly("hmac-sha256:k1:bb n1 e-2 2026-11-22 10:01:00");
      String refreshed = f.strings(versions).get(0);

      // An older sighting (late, other hash) and a re-delivery of the newest: nothing is written.
      store.apply(pull("e-3", "n3", "hmac-sha256:k1:cc", T0.plusSeconds(30)), Map.of(PULLS, 3L));
      store.apply(pull("e-2", "n2", "hmac-sha256:k1:bb", T0.plusSeconds(60)), Map.of(PULLS, 4L));
      assertThat(f.strings(state)).containsExactly("hmac-sha256:k1:bb n1 e-2 2026-11-22 10:01:00");
      assertThat(f.strings(versions)).as("row versions untouched").containsExactly(refreshed);
      String n1 = "SELECT concat_ws(' ', node, first_pulled_at AT TIME ZONE 'UTC', xmin) FROM node_pulls WHERE node = 'n1'";
      List<String> n1First = f.strings(n1);
      assertThat(n1First).singleElement().asString().startsWith("n1 2026-11-22 10:00:00 ");

      // Revoked at +90 s; a verification at the same instant does not lift it, a newer one does.
      LedgerWrites revocation = new LedgerWrites();
      revocation.addRevocation(new RevocationRecord("r-1", T0.plusSeconds(90), RevocationScope.SECRET_UID, "s-uid-1",
          null, "leaked", "admin"));
      store.apply(revocation, Map.of());
      assertThat(f.count("grants WHERE revocation_id = 'r-1'")).isEqualTo(1);
      store.apply(pull("e-4", "n1", "hmac-sha256:k1:bb", T0.plusSeconds(90)), Map.of(PULLS, 5L));
      assertThat(f.count("grants WHERE revocation_id = 'r-1'")).isEqualTo(1);
      store.apply(pull("e-5", "n1", "hmac-sha256:k1:bb", T0.plusSeconds(120)), Map.of(PULLS, 6L));
      assertThat(f.strings(state)).containsExactly("hmac-sha256:k1:bb n1 e-5 2026-11-22 10:02:00");
      assertThat(f.strings("SELECT next_offset::text FROM consumed_offsets")).containsExactly("6");
      assertThat(f.strings(n1)).as("later pulls on n1 leave its node pull as the first one wrote it").isEqualTo(n1First);
      assertThat(f.count("node_pulls")).isEqualTo(3);
    }
  }

  @Test
  void aNodePullIsLeftOutOnlyAfterItsTransactionCommitted() throws Exception {
    try (LedgerFixture f = new LedgerFixture("ledger_node_pulls");
        Database database = Database.open(f.database(), "node-pulls-it", "classpath:db/ledger")) {
      LedgerStore store = new LedgerStore(database, "g");
      LedgerWrites failing = pull("e-1", "n1", "hmac-sha256:k1:aa", T0);
      failing.addPull(new Object[] {"e-bad", "not a time", "c1", "n1", "team-a", "pod", "pod-uid", "r.example/app:1",
          "r.example/app", "sha256:" + "ab".repeat(32), "SECRET", "hmac-sha256:k1:aa", "s-uid-1", null, true, "grant-1"},
          grant("e-bad", "n1", "hmac-sha256:k1:aa", T0), "c1", "n1");
      assertThatThrownBy(() -> store.apply(failing, Map.of(PULLS, 2L))).isInstanceOf(SQLException.class);
      assertThat(f.count("node_pulls")).isZero();

      store.apply(pull("e-1", "n1", "hmac-sha256:k1:aa", T0), Map.of(PULLS, 1L));
      assertThat(f.count("node_pulls")).as("the rolled-back batch did not count as stored").isEqualTo(1);

      // Once committed, the key is left out of later inserts: a row deleted behind the running
      // ledger's back stays deleted until a new process (an empty memory) sees the node pull again.
      f.execute("DELETE FROM node_pulls");
      store.apply(pull("e-2", "n1", "hmac-sha256:k1:aa", T0.plusSeconds(1)), Map.of(PULLS, 2L));
      assertThat(f.count("node_pulls")).isZero();
      new LedgerStore(database, "g").apply(pull("e-3", "n1", "hmac-sha256:k1:aa", T0.plusSeconds(2)), Map.of(PULLS, 3L));
      assertThat(f.count("node_pulls")).isEqualTo(1);
    }
  }

  private static GrantRecord grant(String eventId, String node, String hash, Instant at) {
    return new GrantRecord("grant-1", "sha256:" + "ab".repeat(32), "r.example/app", "SECRET", hash, "team-a", "pull",
        "s-uid-1", null, null, null, "c1", node, at, at, eventId, null, null);
  }

  private static LedgerWrites pull(String eventId, String node, String hash, Instant at) {
    String imageRef = "sha256:" + "ab".repeat(32);
    GrantRecord grant = grant(eventId, node, hash, at);
    LedgerWrites writes = new LedgerWrites();
    writes.addPull(new Object[] {eventId, at, "c1", node, "team-a", "pod", "pod-uid", "r.example/app:1", "r.example/app",
        imageRef, "SECRET", hash, "s-uid-1", null, true, "grant-1"}, grant, "c1", node);
    return writes;
  }
}
