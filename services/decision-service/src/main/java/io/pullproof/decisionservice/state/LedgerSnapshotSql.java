package io.pullproof.decisionservice.state;

/**
 * The decision service's reads of the ledger's tables (migrations/ledger), in one place. Reads
 * only: the ledger service owns and writes these tables. Tables are unqualified: the connection's
 * schema is the ledger's.
 */
final class LedgerSnapshotSql {
  private LedgerSnapshotSql() {}

  /** Where the ledger's snapshot stands, per partition of one topic. */
  static final String CONSUMED_OFFSETS =
      "SELECT partition, next_offset FROM consumed_offsets WHERE consumer_group = ? AND topic = ?";

  /** Readiness: the schema is there and readable. */
  static final String PROBE = "SELECT count(*) FROM consumed_offsets WHERE false";

  static final String NODE_PULLS = "SELECT DISTINCT cluster, node, name FROM node_pulls";

  static final String REVOCATIONS = """
      SELECT revocation_id, (extract(epoch from occurred_at) * 1000)::bigint, scope, value, cluster
      FROM revocations ORDER BY occurred_at, revocation_id
      """;

  /**
   * Every grant in heap pages {@code [?, ?)} of the table; the caller keeps those of its partitions
   * (the partition is a hash of image_ref). Page ranges let several connections read slices of one
   * snapshot in parallel: PostgreSQL 14+ reads only the range (TID range scan), older versions
   * filter a full scan, which is slower but just as correct.
   */
  static final String GRANTS_IN_PAGES = """
      SELECT image_ref, name, kind, credential_hash, secret_namespace, secret_name, secret_uid,
             service_account_namespace, service_account_name, service_account_uid,
             (extract(epoch from last_verified_at) * 1000)::bigint, cluster
      FROM grants
      WHERE ctid >= format('(%s,0)', ?::bigint)::tid AND ctid < format('(%s,0)', ?::bigint)::tid
      """;

  /** The planner's row estimate of the grants table (first line: "Seq Scan on grants (... rows=N ...)"). */
  static final String GRANT_ROWS_ESTIMATE = "EXPLAIN SELECT 1 FROM grants";

  /** Heap pages of the grants table now (pages added later are past the last slice's end, see below). */
  static final String GRANT_PAGES = "SELECT pg_relation_size('grants') / current_setting('block_size')::bigint";

  /** Names this transaction's snapshot so other connections can read exactly what it reads. */
  static final String EXPORT_SNAPSHOT = "SELECT pg_export_snapshot()";

  /** Must be the first statement of the importing transaction; the id is quoted by the caller. */
  static String importSnapshot(String snapshotId) {
    if (!snapshotId.matches("[0-9A-Fa-f-]+")) {
      throw new IllegalArgumentException("unexpected snapshot id: " + snapshotId);
    }
    return "SET TRANSACTION SNAPSHOT '" + snapshotId + "'";
  }
}
