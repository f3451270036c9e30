package io.pullproof.ledger.store;

import io.pullproof.jdbc.Database;
import io.pullproof.jdbc.SqlFailures;
import io.pullproof.ledger.model.GrantRecord;
import io.pullproof.ledger.model.RevocationRecord;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.common.TopicPartition;
import org.postgresql.PGConnection;

/**
 * Writes of the ledger: one consumed batch, its rows and its consumed offsets in ONE transaction,
 * so data and position never disagree (exactly-once effect over at-least-once delivery). Every
 * write is idempotent by event id: a re-delivered batch changes nothing.
 */
public final class LedgerStore {
  private final Database database;
  private final String consumerGroup;
  private final StoredNodePulls storedNodePulls = new StoredNodePulls(StoredNodePulls.DEFAULT_CAPACITY);

  public LedgerStore(Database database, String consumerGroup) {
    this.database = database;
    this.consumerGroup = consumerGroup;
  }

  /** Writes every row of {@code writes} and the positions after them; blocking. */
  public void apply(LedgerWrites writes, Map<TopicPartition, Long> nextOffsets) throws SQLException {
    List<Map.Entry<LedgerWrites.NodePullKey, Instant>> nodePulls = storedNodePulls.unknown(writes.nodePulls);
    database.inTransaction(connection -> {
      append(connection, "pull_events", LedgerSql.PULL_EVENT_COLUMNS, writes.pullEvents);
      upsertGrants(connection, writes.grants.values());
      insertNodePulls(connection, nodePulls);
      append(connection, "start_requests", LedgerSql.START_REQUEST_COLUMNS, writes.startRequests);
      append(connection, "start_verdicts", LedgerSql.START_VERDICT_COLUMNS, writes.startVerdicts);
      append(connection, "start_outcomes", LedgerSql.START_OUTCOME_COLUMNS, writes.startOutcomes);
      insertRevocations(connection, writes.revocations);
      applyRevocations(connection, writes);
      insertDeadLetters(connection, writes.deadLetters);
      storeOffsets(connection, nextOffsets);
      return null;
    });
    storedNodePulls.committed(writes.nodePulls.keySet());
  }

  /** Where to resume each partition of {@code assigned}; partitions never stored are left out. */
  public Map<TopicPartition, Long> storedOffsets(Collection<TopicPartition> assigned) throws SQLException {
    Map<TopicPartition, Long> stored = new HashMap<>();
    for (Object[] row : database.query(LedgerSql.SELECT_OFFSETS,
        rs -> new Object[] {rs.getString(1), rs.getInt(2), rs.getLong(3)}, consumerGroup)) {
      TopicPartition partition = new TopicPartition((String) row[0], (Integer) row[1]);
      if (assigned.contains(partition)) {
        stored.put(partition, (Long) row[2]);
      }
    }
    return stored;
  }

  /**
   * COPY straight into the table: the fast path, taken whenever the batch is new. A re-delivered
   * event makes it fail on the primary key; then the rows go through a staging table and only the
   * unknown event ids are inserted.
   */
  private static void append(Connection connection, String table, String columns, List<Object[]> rows) throws SQLException {
    if (rows.isEmpty()) {
      return;
    }
    String text = CopyText.rows(rows);
    Savepoint savepoint = connection.setSavepoint();
    try {
      copy(connection, LedgerSql.copyInto(table, columns), text);
      connection.releaseSavepoint(savepoint);
      return;
    } catch (SQLException e) {
      if (!SqlFailures.isUniqueViolation(e)) {
        throw e;
      }
      connection.rollback(savepoint);
    }
    try (var statement = connection.createStatement()) {
      statement.execute(LedgerSql.createStage(table));
    }
    copy(connection, LedgerSql.copyInto("stage_" + table, columns), text);
    try (var statement = connection.createStatement()) {
      statement.executeUpdate(LedgerSql.insertNewFromStage(table, columns));
      statement.executeUpdate(LedgerSql.truncateStage(table));
    }
  }

  private static void copy(Connection connection, String sql, String text) throws SQLException {
    try {
      connection.unwrap(PGConnection.class).getCopyAPI()
          .copyIn(sql, new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    } catch (IOException e) {
      throw new SQLException("COPY failed reading its own buffer: " + e.getMessage(), "58030", e);
    }
  }

  private static void upsertGrants(Connection connection, Collection<GrantRecord> grants) throws SQLException {
    if (grants.isEmpty()) {
      return;
    }
    // In id order: a grant recorded by a verdict (verdicts are keyed by node, pulls by digest) can
    // be upserted by two writers at once, and the same lock order keeps them from deadlocking.
    List<GrantRecord> rows = new ArrayList<>(grants);
    rows.sort(Comparator.comparing(GrantRecord::grantId));
    try (PreparedStatement statement = connection.prepareStatement(LedgerSql.UPSERT_GRANTS)) {
      int i = 1;
      for (Function<GrantRecord, Object> column : List.<Function<GrantRecord, Object>>of(
          GrantRecord::grantId, GrantRecord::imageRef, GrantRecord::name, GrantRecord::kind,
          GrantRecord::credentialHash, GrantRecord::secretNamespace, GrantRecord::secretName, GrantRecord::secretUid,
          GrantRecord::serviceAccountNamespace, GrantRecord::serviceAccountName, GrantRecord::serviceAccountUid,
          GrantRecord::cluster, GrantRecord::node, GrantRecord::firstVerifiedAt, GrantRecord::lastVerifiedAt,
          GrantRecord::lastEventId)) {
        statement.setArray(i++, textArray(connection, rows, column));
      }
      statement.executeUpdate();
    }
  }

  private static void insertNodePulls(Connection connection, List<Map.Entry<LedgerWrites.NodePullKey, Instant>> rows)
      throws SQLException {
    if (rows.isEmpty()) {
      return;
    }
    try (PreparedStatement statement = connection.prepareStatement(LedgerSql.INSERT_NODE_PULLS)) {
      statement.setArray(1, textArray(connection, rows, e -> e.getKey().cluster()));
      statement.setArray(2, textArray(connection, rows, e -> e.getKey().node()));
      statement.setArray(3, textArray(connection, rows, e -> e.getKey().name()));
      statement.setArray(4, textArray(connection, rows, e -> e.getKey().imageRef()));
      statement.setArray(5, textArray(connection, rows, Map.Entry::getValue));
      statement.executeUpdate();
    }
  }

  private static void insertRevocations(Connection connection, List<RevocationRecord> revocations) throws SQLException {
    if (revocations.isEmpty()) {
      return;
    }
    try (PreparedStatement statement = connection.prepareStatement(LedgerSql.INSERT_REVOCATIONS)) {
      statement.setArray(1, textArray(connection, revocations, RevocationRecord::revocationId));
      statement.setArray(2, textArray(connection, revocations, RevocationRecord::occurredAt));
      statement.setArray(3, textArray(connection, revocations, r -> r.scope().name()));
      statement.setArray(4, textArray(connection, revocations, RevocationRecord::value));
      statement.setArray(5, textArray(connection, revocations, RevocationRecord::cluster));
      statement.setArray(6, textArray(connection, revocations, RevocationRecord::reason));
      statement.setArray(7, textArray(connection, revocations, RevocationRecord::actor));
      statement.executeUpdate();
    }
  }

  /** New revocations against every grant, and refreshed grants against every revocation. */
  private static void applyRevocations(Connection connection, LedgerWrites writes) throws SQLException {
    if (writes.grants.isEmpty() && writes.revocations.isEmpty()) {
      return;
    }
    if (writes.revocations.isEmpty() && !hasRevocations(connection)) {
      return;
    }
    try (PreparedStatement statement = connection.prepareStatement(LedgerSql.APPLY_REVOCATIONS)) {
      statement.setArray(1, connection.createArrayOf("text", writes.grants.keySet().toArray()));
      statement.setArray(2, connection.createArrayOf("text",
          writes.revocations.stream().map(RevocationRecord::revocationId).toArray()));
      statement.executeUpdate();
    }
  }

  private static boolean hasRevocations(Connection connection) throws SQLException {
    try (var statement = connection.createStatement(); ResultSet rs = statement.executeQuery(LedgerSql.HAS_REVOCATIONS)) {
      return rs.next() && rs.getBoolean(1);
    }
  }

  private static void insertDeadLetters(Connection connection, List<LedgerWrites.DeadLetterRow> rows) throws SQLException {
    if (rows.isEmpty()) {
      return;
    }
    try (PreparedStatement statement = connection.prepareStatement(LedgerSql.INSERT_DEAD_LETTER)) {
      for (LedgerWrites.DeadLetterRow row : rows) {
        statement.setString(1, row.topic());
        statement.setInt(2, row.partition());
        statement.setLong(3, row.offset());
        statement.setString(4, row.reason());
        statement.setString(5, row.detail());
        statement.addBatch();
      }
      statement.executeBatch();
    }
  }

  private void storeOffsets(Connection connection, Map<TopicPartition, Long> nextOffsets) throws SQLException {
    if (nextOffsets.isEmpty()) {
      return;
    }
    List<Map.Entry<TopicPartition, Long>> rows = new ArrayList<>(nextOffsets.entrySet());
    try (PreparedStatement statement = connection.prepareStatement(LedgerSql.UPSERT_OFFSETS)) {
      statement.setString(1, consumerGroup);
      statement.setArray(2, textArray(connection, rows, e -> e.getKey().topic()));
      statement.setArray(3, connection.createArrayOf("int4", rows.stream().map(e -> e.getKey().partition()).toArray()));
      statement.setArray(4, connection.createArrayOf("int8", rows.stream().map(Map.Entry::getValue).toArray()));
      statement.executeUpdate();
    }
  }

  /** A text[] of one column; the SQL casts it (timestamps travel as ISO-8601 text). */
  private static <T> Array textArray(Connection connection, List<T> rows, Function<T, Object> column) throws SQLException {
    String[] values = new String[rows.size()];
    for (int i = 0; i < values.length; i++) {
      Object value = column.apply(rows.get(i));
      values[i] = value == null ? null : value.toString();
    }
    return connection.createArrayOf("text", values);
  }
}
