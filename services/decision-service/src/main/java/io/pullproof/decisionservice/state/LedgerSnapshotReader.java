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
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
  /** A slice worth a connection and a thread: below this the table is read in one piece. */
  static final long MIN_PAGES_PER_SLICE = 1_000;
  /** Past any page a table can have (block numbers are 32-bit). */
  private static final long LAST_PAGE = 0xFFFF_FFFFL;
  /** The row estimate in the first line of a plan. */
  private static final Pattern PLAN_ROWS = Pattern.compile("rows=(\\d+)");

  private final HikariDataSource pool;
  private final String ledgerGroup;
  private final int readers;
  /** Runs after the snapshot is exported, before any slice is read: a seam for the consistency test. */
  Runnable afterExport = () -> {};

  /**
   * @param database where the ledger's tables are ({@code schema} = the ledger's schema)
   * @param ledgerGroup the ledger's consumer group, as written in {@code consumed_offsets}
   * @param readers connections that read the grants in parallel (at most the pool's size)
   */
  public LedgerSnapshotReader(DatabaseConfig database, String ledgerGroup, int readers) {
    if (readers < 1 || readers > database.poolSize()) {
      throw new IllegalArgumentException("snapshot readers must be 1.." + database.poolSize() + " (the pool), got " + readers);
    }
    this.readers = readers;
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

  /**
   * PostgreSQL's planner estimate of the grants table's rows (statistics, or pages times row
   * density before the first ANALYZE): enough to size a cold instance's indexes once instead of
   * growing and rehashing them through a million grants. Not a count: a count would read the table.
   */
  public long estimatedGrants() throws SQLException {
    try (Connection connection = pool.getConnection()) {
      try {
        List<String> plan = Database.query(connection, LedgerSnapshotSql.GRANT_ROWS_ESTIMATE, rows -> rows.getString(1));
        Matcher rows = PLAN_ROWS.matcher(plan.isEmpty() ? "" : plan.get(0));
        return rows.find() ? Long.parseLong(rows.group(1)) : 0;
      } finally {
        connection.commit();
      }
    }
  }

  /** Receives the grants of one partition; called from several reader threads at once. */
  public interface GrantSink {
    void grant(int partition, Grant grant);
  }

  /**
   * Streams the grants whose image reference hashes into {@code partitions} (of
   * {@code partitionCount}) to {@code sink}, from {@link #readers} connections in parallel, each
   * reading a slice of the table's pages in one exported snapshot; returns the pulls-topic offsets
   * that snapshot covers. The first connection's transaction exports the snapshot and stays open
   * until every slice is read, so all slices and the offsets are one consistent picture.
   */
  public Map<Integer, Long> readGrants(String pullsTopic, Set<Integer> partitions, int partitionCount, GrantSink sink)
      throws SQLException {
    try (Connection connection = pool.getConnection()) {
      try {
        Map<Integer, Long> offsets = offsets(connection, pullsTopic);
        long pages = Database.query(connection, LedgerSnapshotSql.GRANT_PAGES, rows -> rows.getLong(1)).get(0);
        int slices = (int) Math.max(1, Math.min(readers, pages / MIN_PAGES_PER_SLICE));
        long[] bounds = new long[slices + 1];
        for (int i = 1; i < slices; i++) {
          bounds[i] = pages * i / slices;
        }
        bounds[slices] = LAST_PAGE; // whatever the table grew by since: the snapshot filters it
        Slices reading = new Slices(partitions, partitionCount, sink);
        if (slices > 1) {
          String snapshotId = Database.query(connection, LedgerSnapshotSql.EXPORT_SNAPSHOT, rows -> rows.getString(1)).get(0);
          afterExport.run();
          ExecutorService others = Executors.newFixedThreadPool(slices - 1, runnable -> {
            Thread thread = new Thread(runnable, "decision-snapshot-reader");
            thread.setDaemon(true);
            return thread;
          });
          try {
            List<Future<Void>> read = new ArrayList<>();
            for (int i = 1; i < slices; i++) {
              long from = bounds[i];
              long to = bounds[i + 1];
              read.add(others.submit(() -> {
                reading.readImported(snapshotId, from, to);
                return null;
              }));
            }
            reading.read(connection, bounds[0], bounds[1]);
            for (Future<Void> slice : read) {
              await(slice);
            }
          } finally {
            others.shutdownNow();
          }
        } else {
          reading.read(connection, 0, LAST_PAGE);
        }
        if (reading.skipped.get() > 0) {
          LOG.warn("skipped {} grant rows without the coordinates their kind needs", reading.skipped.get());
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

  private static void await(Future<Void> slice) throws SQLException {
    try {
      slice.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SQLException("interrupted while reading the ledger snapshot", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof SQLException sql) {
        throw sql;
      }
      throw new SQLException("reading a slice of the ledger snapshot failed: " + e.getCause(), e.getCause());
    }
  }

  /** One parallel read of the grants: the filter and sink shared by its slices. */
  private final class Slices {
    private final Set<Integer> partitions;
    private final int partitionCount;
    private final GrantSink sink;
    private final AtomicLong skipped = new AtomicLong();

    Slices(Set<Integer> partitions, int partitionCount, GrantSink sink) {
      this.partitions = partitions;
      this.partitionCount = partitionCount;
      this.sink = sink;
    }

    /** Reads pages {@code [from, to)} on a connection of its own, in the exported snapshot. */
    void readImported(String snapshotId, long from, long to) throws SQLException {
      try (Connection connection = pool.getConnection()) {
        try {
          // End whatever a fresh connection's set-up began, so the import is the first statement.
          connection.commit();
          try (Statement statement = connection.createStatement()) {
            statement.execute(LedgerSnapshotSql.importSnapshot(snapshotId));
          }
          read(connection, from, to);
        } finally {
          connection.commit();
        }
      }
    }

    void read(Connection connection, long from, long to) throws SQLException {
      try (PreparedStatement statement = streaming(connection, LedgerSnapshotSql.GRANTS_IN_PAGES)) {
        statement.setLong(1, from);
        statement.setLong(2, to);
        try (ResultSet rows = statement.executeQuery()) {
          while (rows.next()) {
            String imageRef = rows.getString(1);
            int partition = KeyPartitioner.partition(imageRef, partitionCount);
            if (!partitions.contains(partition)) {
              continue;
            }
            Grant grant = grant(rows, imageRef);
            if (grant == null) {
              skipped.incrementAndGet();
            } else {
              sink.grant(partition, grant);
            }
          }
        }
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
