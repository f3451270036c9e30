package io.pullproof.cli.chaos;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What a scenario's ledger holds, read straight from PostgreSQL (the chaos run's SQL, all here):
 * the event ids it stored, how many rows repeat an identity (a pull or a request stored twice, a
 * second verdict for one request), and the ALLOW verdicts no stored grant supports.
 *
 * @param pulls event ids in {@code pull_events}
 * @param requests event ids in {@code start_requests}
 * @param duplicated rows beyond the first per pull event id, request event id and verdict request id
 * @param allowsWithoutGrant ALLOW verdicts whose grant is missing, or is for another image, or was
 *     proven by a credential the request did not carry
 * @param allows ALLOW verdicts in all
 */
record LedgerTally(Set<String> pulls, Set<String> requests, long duplicated, long allowsWithoutGrant, long allows) {
  private static final String PULL_IDS = "SELECT event_id FROM %s.pull_events";
  private static final String REQUEST_IDS = "SELECT event_id FROM %s.start_requests";
  private static final String DUPLICATES = """
      SELECT (SELECT count(*) - count(DISTINCT event_id) FROM %1$s.pull_events)
           + (SELECT count(*) - count(DISTINCT event_id) FROM %1$s.start_requests)
           + (SELECT count(*) - count(DISTINCT request_id) FROM %1$s.start_verdicts)""";
  /** An ALLOW stands on a grant for the requested digest, proven by one of the request's own secrets. */
  private static final String UNSUPPORTED_ALLOWS = """
      SELECT count(*) FILTER (WHERE g.grant_id IS NULL OR g.image_ref IS DISTINCT FROM r.image_ref
                                    OR NOT (g.credential_hash = ANY (r.secret_hashes))),
             count(*)
        FROM %1$s.start_verdicts v
        JOIN %1$s.start_requests r ON r.event_id = v.request_id
        LEFT JOIN %1$s.grants g ON g.grant_id = v.grant_id
       WHERE v.verdict = 'ALLOW' AND NOT v.dry_run""";

  static LedgerTally read(String jdbcUrl, String schema) throws SQLException {
    if (!schema.matches("[a-z_][a-z0-9_]*")) {
      throw new IllegalArgumentException("schema " + schema + ": not a plain identifier");
    }
    try (Connection connection = DriverManager.getConnection(jdbcUrl); Statement statement = connection.createStatement()) {
      Set<String> pulls = strings(statement, PULL_IDS.formatted(schema));
      Set<String> requests = strings(statement, REQUEST_IDS.formatted(schema));
      long duplicated = longs(statement, DUPLICATES.formatted(schema)).get(0);
      List<Long> allows = longs(statement, UNSUPPORTED_ALLOWS.formatted(schema));
      return new LedgerTally(pulls, requests, duplicated, allows.get(0), allows.get(1));
    }
  }

  private static Set<String> strings(Statement statement, String sql) throws SQLException {
    Set<String> out = new HashSet<>();
    try (ResultSet rows = statement.executeQuery(sql)) {
      while (rows.next()) {
        out.add(rows.getString(1));
      }
    }
    return out;
  }

  private static List<Long> longs(Statement statement, String sql) throws SQLException {
    try (ResultSet rows = statement.executeQuery(sql)) {
      rows.next();
      int columns = rows.getMetaData().getColumnCount();
      Long[] values = new Long[columns];
      for (int i = 0; i < columns; i++) {
        values[i] = rows.getLong(i + 1);
      }
      return List.of(values);
    }
  }
}
