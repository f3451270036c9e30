package io.pullproof.ledger.store;

/**
 * Every SQL statement of the ledger, in one place (STYLE.md §4). Tables are unqualified: each
 * connection's search path is the ledger's schema.
 */
final class LedgerSql {
  private LedgerSql() {}

  static final String PULL_EVENT_COLUMNS = "event_id, occurred_at, cluster, node, pod_namespace, pod_name, pod_uid, image, "
      + "name, image_ref, credential_kind, credential_hash, secret_uid, service_account_uid, verification, grant_id";
  static final String START_REQUEST_COLUMNS = "event_id, occurred_at, cluster, node, pod_namespace, pod_name, pod_uid, "
      + "container, image, name, image_ref, pull_policy, secret_hashes, service_account_uid, node_credential_hash, intent_pending";
  static final String START_VERDICT_COLUMNS =
      "event_id, request_id, occurred_at, verdict, reason, grant_id, dry_run, policy, decided_by";
  static final String START_OUTCOME_COLUMNS = "event_id, request_id, occurred_at, cluster, node, pod_namespace, pod_name, "
      + "container, name, image_ref, outcome, decision_source, verdict, reason, credential_hash, registry_status, detail";

  // ---- append-only trail: COPY straight in; on a duplicate event id, stage and skip the known ones

  static String copyInto(String table, String columns) {
    return "COPY " + table + " (" + columns + ") FROM STDIN";
  }

  static String createStage(String table) {
    return "CREATE TEMP TABLE IF NOT EXISTS stage_" + table + " (LIKE " + table + ") ON COMMIT DELETE ROWS";
  }

  static String insertNewFromStage(String table, String columns) {
    return "INSERT INTO " + table + " (" + columns + ") SELECT " + columns + " FROM stage_" + table
        + " ON CONFLICT (event_id) DO NOTHING";
  }

  // ---- grants and node pulls: merged per key in memory (LedgerWrites, so each key is written at
  // most once per batch), then one multi-row upsert per table. A refresh changes no indexed column,
  // so it is a HOT update (V003); a row the upsert would leave as it is is not written at all.

  /**
   * first_verified_at, cluster and node keep their first value (the API pages on first_verified_at);
   * the newest verification supplies the credential's coordinates (a rotated secret's new hash) and
   * lifts a revocation older than itself: the credential proved access again after it. The
   * {@code WHERE} leaves out what would change nothing (a re-delivery, an older sighting).
   */
  static final String UPSERT_GRANTS = """
      INSERT INTO grants AS g (grant_id, image_ref, name, kind, credential_hash, secret_namespace, secret_name, secret_uid,
                               service_account_namespace, service_account_name, service_account_uid, cluster, node,
                               first_verified_at, last_verified_at, last_event_id)
      SELECT * FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],
                           ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::timestamptz[], ?::timestamptz[], ?::text[])
      ON CONFLICT (grant_id) DO UPDATE SET
        credential_hash = CASE WHEN newer THEN EXCLUDED.credential_hash ELSE g.credential_hash END,
        secret_namespace = CASE WHEN newer THEN EXCLUDED.secret_namespace ELSE g.secret_namespace END,
        secret_name = CASE WHEN newer THEN EXCLUDED.secret_name ELSE g.secret_name END,
        service_account_namespace = CASE WHEN newer THEN EXCLUDED.service_account_namespace ELSE g.service_account_namespace END,
        service_account_name = CASE WHEN newer THEN EXCLUDED.service_account_name ELSE g.service_account_name END,
        last_event_id = CASE WHEN newer THEN EXCLUDED.last_event_id ELSE g.last_event_id END,
        last_verified_at = GREATEST(g.last_verified_at, EXCLUDED.last_verified_at),
        revocation_id = CASE WHEN EXCLUDED.last_verified_at > g.revoked_at THEN NULL ELSE g.revocation_id END,
        revoked_at = CASE WHEN EXCLUDED.last_verified_at > g.revoked_at THEN NULL ELSE g.revoked_at END
      WHERE EXCLUDED.last_verified_at > g.last_verified_at
         OR EXCLUDED.last_verified_at > g.revoked_at
         OR (EXCLUDED.last_verified_at = g.last_verified_at
             AND (EXCLUDED.credential_hash, EXCLUDED.secret_namespace, EXCLUDED.secret_name, EXCLUDED.service_account_namespace,
                  EXCLUDED.service_account_name, EXCLUDED.last_event_id)
                 IS DISTINCT FROM (g.credential_hash, g.secret_namespace, g.secret_name,
                  g.service_account_namespace, g.service_account_name, g.last_event_id))
      """.replace("newer", "EXCLUDED.last_verified_at >= g.last_verified_at");

  /**
   * Insert-only: a node pull is written once, by the first pull stored for it (pulls of one image
   * reference arrive in order on one partition), and a conflict is skipped without locking the row.
   */
  static final String INSERT_NODE_PULLS = """
      INSERT INTO node_pulls (cluster, node, name, image_ref, first_pulled_at)
      SELECT * FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::timestamptz[])
      ON CONFLICT (cluster, node, name, image_ref) DO NOTHING
      """;

  static String truncateStage(String table) {
    return "TRUNCATE stage_" + table;
  }

  // ---- revocations

  static final String INSERT_REVOCATIONS = """
      INSERT INTO revocations (revocation_id, occurred_at, scope, value, cluster, reason, actor)
      SELECT * FROM unnest(?::text[], ?::timestamptz[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[])
      ON CONFLICT (revocation_id) DO NOTHING
      """;

  /** Grant {@code g} matches revocation {@code r}. */
  private static final String MATCHES = """
      ((r.scope = 'SECRET_UID' AND g.secret_uid = r.value)
       OR (r.scope = 'CREDENTIAL_HASH' AND g.credential_hash = r.value)
       OR (r.scope = 'SERVICE_ACCOUNT_UID' AND g.service_account_uid = r.value)
       OR (r.scope = 'NAMESPACE' AND (g.secret_namespace = r.value OR g.service_account_namespace = r.value)
           AND (r.cluster IS NULL OR r.cluster = g.cluster)))
      """;

  /**
   * A grant is revoked while a matching revocation is at least as new as its last verification.
   * Applied from both sides, so the order in which pulls and revocations arrive does not matter:
   * for the given revocation ids, and for the given (just upserted) grant ids.
   */
  static final String APPLY_REVOCATIONS = """
      UPDATE grants AS target SET revoked_at = latest.occurred_at, revocation_id = latest.revocation_id
      FROM (SELECT DISTINCT ON (g.grant_id) g.grant_id, r.occurred_at, r.revocation_id
            FROM grants g JOIN revocations r ON MATCHES
            WHERE (g.grant_id = ANY(?::text[]) OR r.revocation_id = ANY(?::text[]))
              AND r.occurred_at >= g.last_verified_at
            ORDER BY g.grant_id, r.occurred_at DESC, r.revocation_id DESC) AS latest
      WHERE target.grant_id = latest.grant_id
        AND (target.revoked_at IS NULL OR target.revoked_at < latest.occurred_at)
      """.replace("MATCHES", MATCHES);

  static final String HAS_REVOCATIONS = "SELECT EXISTS (SELECT 1 FROM revocations)";

  // ---- dead letters and offsets

  static final String INSERT_DEAD_LETTER = """
      INSERT INTO dead_letters (topic, partition, "offset", reason, detail) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (topic, partition, "offset") DO NOTHING
      """;

  static final String UPSERT_OFFSETS = """
      INSERT INTO consumed_offsets (consumer_group, topic, partition, next_offset, updated_at)
      SELECT ?::text, *, now() FROM unnest(?::text[], ?::int[], ?::bigint[])
      ON CONFLICT (consumer_group, topic, partition) DO UPDATE SET
        next_offset = EXCLUDED.next_offset, updated_at = EXCLUDED.updated_at
      """;

  static final String SELECT_OFFSETS =
      "SELECT topic, partition, next_offset FROM consumed_offsets WHERE consumer_group = ?";

  // ---- reads

  static final String GRANT_COLUMNS = "g.grant_id, g.image_ref, g.name, g.kind, g.credential_hash, g.secret_namespace, "
      + "g.secret_name, g.secret_uid, g.service_account_namespace, g.service_account_name, g.service_account_uid, "
      + "g.cluster, g.node, g.first_verified_at, g.last_verified_at, g.last_event_id, g.revoked_at, g.revocation_id";

  /** Grants page: {@code WHERE} conditions are appended by {@link LedgerQueries}, then {@link #GRANTS_ORDER}. */
  static final String SELECT_GRANTS = "SELECT " + GRANT_COLUMNS + " FROM grants g WHERE true";
  static final String GRANTS_AFTER = " AND (g.first_verified_at, g.grant_id) > (?, ?)";
  static final String GRANTS_ORDER = " ORDER BY g.first_verified_at, g.grant_id LIMIT ?";

  /** Start history: the request with its latest verdict and latest outcome. */
  static final String SELECT_STARTS = """
      SELECT q.event_id, q.occurred_at, q.cluster, q.node, q.pod_namespace, q.pod_name, q.pod_uid, q.container, q.image,
             q.name, q.image_ref, q.pull_policy, q.secret_hashes, q.service_account_uid,
             v.event_id AS v_id, v.occurred_at AS v_at, v.verdict AS v_verdict, v.reason AS v_reason, v.grant_id AS v_grant,
             v.dry_run AS v_dry_run, v.policy AS v_policy, v.decided_by AS v_decided_by,
             o.event_id AS o_id, o.occurred_at AS o_at, o.outcome AS o_outcome, o.decision_source AS o_source,
             o.credential_hash AS o_hash, o.registry_status AS o_status, o.detail AS o_detail
      FROM start_requests q
      LEFT JOIN LATERAL (SELECT * FROM start_verdicts sv WHERE sv.request_id = q.event_id
                         ORDER BY sv.occurred_at DESC, sv.event_id DESC LIMIT 1) v ON true
      LEFT JOIN LATERAL (SELECT * FROM start_outcomes so WHERE so.request_id = q.event_id
                         ORDER BY so.occurred_at DESC, so.event_id DESC LIMIT 1) o ON true
      WHERE true""";
  static final String STARTS_AFTER = " AND (q.occurred_at, q.event_id) > (?, ?)";
  static final String STARTS_ORDER = " ORDER BY q.occurred_at, q.event_id LIMIT ?";

  /** Bypassed starts: outcomes no request asked for (V004's partial index serves the fleet-wide listing). */
  static final String SELECT_BYPASSES = """
      SELECT o.event_id, o.occurred_at, o.cluster, o.node, o.pod_namespace, o.pod_name, o.container, o.name, o.image_ref,
             o.outcome, o.decision_source, o.credential_hash, o.registry_status, o.detail
      FROM start_outcomes o WHERE o.request_id IS NULL""";
  static final String BYPASSES_AFTER = " AND (o.occurred_at, o.event_id) > (?, ?)";
  static final String BYPASSES_ORDER = " ORDER BY o.occurred_at, o.event_id LIMIT ?";

  static final String SELECT_REVOCATIONS =
      "SELECT revocation_id, occurred_at, scope, value, cluster, reason, actor FROM revocations r WHERE true";
  static final String REVOCATIONS_AFTER = " AND (r.occurred_at, r.revocation_id) > (?, ?)";
  static final String REVOCATIONS_ORDER = " ORDER BY r.occurred_at, r.revocation_id LIMIT ?";

  static final String STATS_TOTALS = """
      SELECT (SELECT count(*) FROM grants), (SELECT count(*) FROM grants WHERE revoked_at IS NOT NULL),
             (SELECT count(*) FROM node_pulls), (SELECT count(*) FROM pull_events), (SELECT count(*) FROM start_requests),
             (SELECT count(*) FROM revocations), (SELECT count(*) FROM dead_letters),
             (SELECT count(DISTINCT cluster) FROM node_pulls), (SELECT count(*) FROM (SELECT DISTINCT cluster, node FROM node_pulls) n)
      """;
  static final String STATS_GRANTS_BY_KIND = "SELECT kind, count(*) FROM grants GROUP BY kind";
  static final String STATS_VERDICTS = "SELECT verdict, count(*) FROM start_verdicts GROUP BY verdict";
  static final String STATS_OUTCOMES = "SELECT outcome, count(*) FROM start_outcomes GROUP BY outcome";
}
