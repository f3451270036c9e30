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

  /** Every grant; the caller keeps those of its partitions (the partition is a hash of image_ref). */
  static final String GRANTS = """
      SELECT image_ref, name, kind, credential_hash, secret_namespace, secret_name, secret_uid,
             service_account_namespace, service_account_name, service_account_uid,
             (extract(epoch from last_verified_at) * 1000)::bigint, cluster
      FROM grants
      """;
}
