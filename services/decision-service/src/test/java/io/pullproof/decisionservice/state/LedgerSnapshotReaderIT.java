package io.pullproof.decisionservice.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.pullproof.decision.Grant;
import io.pullproof.jdbc.Database;
import io.pullproof.jdbc.DatabaseConfig;
import io.pullproof.testkit.TestInfrastructure;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The snapshot read in slices on several connections, on a real PostgreSQL: it reads what one
 * connection reads, and all slices see the one exported snapshot — not rows or row versions
 * committed after it, even when those commits land before a slice's own query starts.
 */
class LedgerSnapshotReaderIT {
  private static final String PULLS = "it.pulls";
  private static final String GROUP = "ledger";
  private static final int PARTITIONS = 6;
  private static final int GRANTS = 40_000;

  private DatabaseConfig config;

  /** A ledger schema of its own per test (one test rewrites it). */
  @BeforeEach
  void ledgerWithGrants() throws SQLException {
    config = TestInfrastructure.newDatabase("snapshot_reader");
    Database.open(config, "fixture-snapshot-reader", "classpath:db/ledger").close();
    try (Connection connection = connect(); Statement sql = connection.createStatement()) {
      sql.execute("""
          INSERT INTO grants (grant_id, image_ref, name, kind, credential_hash, secret_namespace, secret_name, secret_uid,
                              cluster, node, first_verified_at, last_verified_at, last_event_id)
          SELECT 'g-' || i, 'sha256:' || md5(i::text) || md5('x' || i), 'registry.example/team/app-' || mod(i, 500),
                 'SECRET', 'hmac-sha256:k1:' || md5('h' || mod(i, 50)), 'team-' || mod(i, 50), 'pull', 'uid-' || mod(i, 50),
                 'c1', 'n1', timestamptz '2026-11-01', timestamptz '2026-11-01' + i * interval '1 second', 'e-' || i
          FROM generate_series(1, %d) AS i
          """.formatted(GRANTS));
      sql.execute("INSERT INTO consumed_offsets (consumer_group, topic, partition, next_offset) VALUES ('"
          + GROUP + "', '" + PULLS + "', 0, 100)");
      sql.execute("ANALYZE grants");
    }
  }

  @Test
  void slicesReadExactlyWhatOneConnectionReads() throws SQLException {
    try (Connection connection = connect(); Statement sql = connection.createStatement();
        var rows = sql.executeQuery(LedgerSnapshotSql.GRANT_PAGES)) {
      rows.next();
      assertThat(rows.getLong(1)).as("pages, so that two slices are read").isGreaterThanOrEqualTo(2 * LedgerSnapshotReader.MIN_PAGES_PER_SLICE);
    }
    List<String> single = read(1, () -> {});
    List<String> sliced = read(2, () -> {});
    assertThat(single).hasSize(GRANTS).doesNotHaveDuplicates();
    assertThat(sliced).isEqualTo(single);
  }

  @Test
  void estimatesTheGrantsWithoutCountingThem() throws SQLException {
    try (LedgerSnapshotReader reader = new LedgerSnapshotReader(config, GROUP, 2)) {
      // The planner's estimate (row density of the pages before any ANALYZE): the right size class
      // for presizing an index, not an exact count.
      assertThat(reader.estimatedGrants()).isBetween((long) GRANTS / 2, (long) GRANTS * 2);
    }
  }

  @Test
  void everySliceReadsTheExportedSnapshot() throws SQLException {
    List<String> before = read(1, () -> {});
    // Committed after the export and before any slice's query: new grants, a new version of every
    // row (a refresh), and the offsets moved on. A slice in a snapshot of its own would see them.
    Runnable writeAfterExport = () -> {
      try (Connection connection = connect(); Statement sql = connection.createStatement()) {
        sql.execute("UPDATE grants SET last_verified_at = last_verified_at + interval '1 day'");
        sql.execute("""
            INSERT INTO grants (grant_id, image_ref, name, kind, credential_hash, secret_namespace, secret_name, secret_uid,
                                cluster, node, first_verified_at, last_verified_at, last_event_id)
            SELECT 'late-' || i, 'sha256:' || md5('late' || i) || md5('y' || i), 'registry.example/team/late', 'SECRET',
                   'hmac-sha256:k1:' || md5('late'), 'team-0', 'pull', 'uid-0', 'c1', 'n1', now(), now(), 'late-' || i
            FROM generate_series(1, 5000) AS i
            """);
        sql.execute("UPDATE consumed_offsets SET next_offset = 999");
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
    };
    List<String> grants = new ArrayList<>();
    Map<Integer, Long> offsets;
    try (LedgerSnapshotReader reader = new LedgerSnapshotReader(config, GROUP, 2)) {
      reader.afterExport = writeAfterExport;
      offsets = reader.readGrants(PULLS, allPartitions(), PARTITIONS, (p, grant) -> add(grants, p, grant));
    }
    Collections.sort(grants);
    assertThat(offsets).isEqualTo(Map.of(0, 100L));
    assertThat(grants).isEqualTo(before);
    // The writes did land: a read now sees them.
    assertThat(read(2, () -> {})).hasSize(GRANTS + 5000).doesNotContainAnyElementsOf(before);
  }

  private List<String> read(int readers, Runnable afterExport) throws SQLException {
    List<String> grants = new ArrayList<>();
    try (LedgerSnapshotReader reader = new LedgerSnapshotReader(config, GROUP, readers)) {
      reader.afterExport = afterExport;
      reader.readGrants(PULLS, allPartitions(), PARTITIONS, (p, grant) -> add(grants, p, grant));
    }
    Collections.sort(grants);
    return grants;
  }

  private static void add(List<String> grants, int partition, Grant grant) {
    assertThat(partition).isEqualTo(KeyPartitioner.partition(grant.imageRef(), PARTITIONS));
    String row = partition + " " + grant.imageRef() + " " + grant.subject().uid() + " " + grant.credentialHash() + " "
        + grant.verifiedAt();
    synchronized (grants) {
      grants.add(row);
    }
  }

  private static Set<Integer> allPartitions() {
    return IntStream.range(0, PARTITIONS).boxed().collect(Collectors.toSet());
  }

  private Connection connect() throws SQLException {
    Connection connection = DriverManager.getConnection(config.jdbcUrl());
    connection.setSchema(config.schema());
    return connection;
  }
}
