package io.pullproof.decisionservice.state;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.pullproof.decision.Grant;
import io.pullproof.decision.GrantKind;
import io.pullproof.decision.ObjectRef;
import io.pullproof.decision.Revocation;
import io.pullproof.jdbc.Database;
import io.pullproof.jdbc.DatabaseConfig;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the ledger's snapshot from PostgreSQL, read-only and in REPEATABLE READ transactions, so
 * the rows and the {@code consumed_offsets} that say which log offsets they cover are one
 * consistent picture. Runs no migrations: the ledger service owns the schema.
 */
public final class LedgerSnapshotReader implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LedgerSnapshotReader.class);
  private static final int FETCH_SIZE = 10_000;

  private final HikariDataSource pool;
  private final String ledgerGroup;

  /**
   * @param database where the ledger's tables are ({@code schema} = the ledger's schema)
   * @param ledgerGroup the ledger's consumer group, as written in {@code consumed_offsets}
   */
  public LedgerSnapshotReader(DatabaseConfig database, String ledgerGroup) {
    HikariConfig hikari = new HikariConfig();
    hikari.setPoolName("decision-snapshot");
    hikari.setJdbcUrl(database.jdbcUrl());
    if (database.username() != null) {
      hikari.setUsername(database.username());
    }
    if (database.password() != null) {
      hikari.setPassword(database.password());
    }
    hikari.setMaximumPoolSize(database.poolSize());
    hikari.setMinimumIdle(0);
    hikari.setAutoCommit(false);
    hikari.setReadOnly(true);
    hikari.setSchema(database.schema());
    hikari.setTransactionIsolation("TRANSACTION_REPEATABLE_READ");
    hikari.addDataSourceProperty("ApplicationName", "pullproof-decision");
    // Fail start-up fast when PostgreSQL is unreachable, naming it, instead of at the first snapshot.
    hikari.setInitializationFailTimeout(10_000);
    this.pool = new HikariDataSource(hikari);
    this.ledgerGroup = ledgerGroup;
  }

  /** What every instance needs whatever partitions it owns. */
  public record FleetSnapshot(Map<Integer, Long> pullsOffsets, Map<Integer, Long> revocationsOffsets,
      int nodePulls, int revocations) {}

  /** Receives snapshot rows. */
  public interface FleetSink {
    void nodePull(String node, String name);

    void revocation(String id, Revocation revocation);
  }

  /** Reads node pulls and revocations with the offsets they cover, feeding {@code sink}. */
  public FleetSnapshot readFleet(String pullsTopic, String revocationsTopic, FleetSink sink) throws SQLException {
    try (Connection connection = pool.getConnection()) {
      try {
        Map<Integer, Long> pulls = offsets(connection, pullsTopic);
        Map<Integer, Long> revocationOffsets = offsets(connection, revocationsTopic);
        int nodePulls = 0;
        try (PreparedStatement statement = streaming(connection, LedgerSnapshotSql.NODE_PULLS);
            ResultSet rows = statement.executeQuery()) {
          while (rows.next()) {
            sink.nodePull(rows.getString(1) + "/" + rows.getString(2), rows.getString(3));
            nodePulls++;
          }
        }
        int revocations = 0;
        try (PreparedStatement statement = streaming(connection, LedgerSnapshotSql.REVOCATIONS);
            ResultSet rows = statement.executeQuery()) {
          while (rows.next()) {
            sink.revocation(rows.getString(1), new Revocation(Revocation.Kind.valueOf(rows.getString(3)),
                rows.getString(4), Instant.ofEpochMilli(rows.getLong(2)), emptyToNull(rows.getString(5))));
            revocations++;
          }
        }
        return new FleetSnapshot(pulls, revocationOffsets, nodePulls, revocations);
      } finally {
        // Commit, not rollback: the read-only transaction changed nothing, and a rollback would
        // also undo the driver's SET search_path of a fresh connection (it runs in the first
        // transaction when auto-commit is off), losing the ledger schema for the next use.
        connection.commit();
      }
    }
  }

  /** Receives the grants of one partition. */
  public interface GrantSink {
    void grant(int partition, Grant grant);
  }

  /**
   * Streams the grants whose image reference hashes into {@code partitions} (of
   * {@code partitionCount}) to {@code sink}; returns the pulls-topic offsets they cover.
   */
  public Map<Integer, Long> readGrants(String pullsTopic, Set<Integer> partitions, int partitionCount, GrantSink sink)
      throws SQLException {
    try (Connection connection = pool.getConnection()) {
      try {
        Map<Integer, Long> offsets = offsets(connection, pullsTopic);
        long skipped = 0;
        try (PreparedStatement statement = streaming(connection, LedgerSnapshotSql.GRANTS);
            ResultSet rows = statement.executeQuery()) {
          while (rows.next()) {
            String imageRef = rows.getString(1);
            int partition = KeyPartitioner.partition(imageRef, partitionCount);
            if (!partitions.contains(partition)) {
              continue;
            }
            Grant grant = grant(rows, imageRef);
            if (grant == null) {
              skipped++;
            } else {
              sink.grant(partition, grant);
            }
          }
        }
        if (skipped > 0) {
          LOG.warn("skipped {} grant rows without the coordinates their kind needs", skipped);
        }
        return offsets;
      } finally {
        // Commit, not rollback: the read-only transaction changed nothing, and a rollback would
        // also undo the driver's SET search_path of a fresh connection (it runs in the first
        // transaction when auto-commit is off), losing the ledger schema for the next use.
        connection.commit();
      }
    }
  }

  /**
   * Readiness: the ledger's tables can be read (not only "PostgreSQL answers": a wrong schema or a
   * role without SELECT would fail the next partition load).
   */
  public Optional<String> problem() {
    try (Connection connection = pool.getConnection()) {
      try {
        Database.query(connection, LedgerSnapshotSql.PROBE, rows -> rows.getInt(1));
        return Optional.empty();
      } finally {
        connection.commit();
      }
    } catch (SQLException e) {
      return Optional.of("cannot read the ledger's tables: " + e.getMessage());
    }
  }

  @Override
  public void close() {
    pool.close();
  }

  private Map<Integer, Long> offsets(Connection connection, String topic) throws SQLException {
    Map<Integer, Long> out = new HashMap<>();
    for (long[] row : Database.query(connection, LedgerSnapshotSql.CONSUMED_OFFSETS,
        rows -> new long[] {rows.getInt(1), rows.getLong(2)}, ledgerGroup, topic)) {
      out.put((int) row[0], row[1]);
    }
    return out;
  }

  private static PreparedStatement streaming(Connection connection, String sql) throws SQLException {
    PreparedStatement statement = connection.prepareStatement(sql);
    statement.setFetchSize(FETCH_SIZE);
    return statement;
  }

  /** A grants row as a grant, or null when the row lacks what its kind needs. */
  private static Grant grant(ResultSet row, String imageRef) throws SQLException {
    String name = row.getString(2);
    GrantKind kind = GrantKind.valueOf(row.getString(3));
    String hash = row.getString(4);
    Instant verifiedAt = Instant.ofEpochMilli(row.getLong(11));
    ObjectRef subject = switch (kind) {
      case SECRET -> objectRef(row.getString(5), row.getString(6), row.getString(7));
      case SERVICE_ACCOUNT -> objectRef(row.getString(8), row.getString(9), row.getString(10));
      default -> null;
    };
    boolean needsSubject = kind == GrantKind.SECRET || kind == GrantKind.SERVICE_ACCOUNT;
    boolean needsHash = kind == GrantKind.SECRET || kind == GrantKind.NODE_CREDENTIAL;
    if ((needsSubject && subject == null) || (needsHash && (hash == null || hash.isEmpty()))) {
      return null;
    }
    // The row's cluster is where the grant was first proven: for a secret or service account,
    // the cluster the object lives in, which a namespace revocation may be limited to.
    return new Grant(imageRef, name, kind, subject, needsHash ? hash : null, verifiedAt,
        needsSubject ? emptyToNull(row.getString(12)) : null);
  }

  private static String emptyToNull(String value) {
    return value == null || value.isEmpty() ? null : value;
  }

  private static ObjectRef objectRef(String namespace, String name, String uid) {
    if (namespace == null || namespace.isEmpty() || name == null || name.isEmpty() || uid == null || uid.isEmpty()) {
      return null;
    }
    return new ObjectRef(namespace, name, uid);
  }
}
