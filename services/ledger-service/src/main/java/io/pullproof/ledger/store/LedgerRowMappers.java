package io.pullproof.ledger.store;

import io.pullproof.jdbc.RowMapper;
import io.pullproof.ledger.model.GrantRecord;
import io.pullproof.ledger.model.RevocationRecord;
import io.pullproof.ledger.model.RevocationScope;
import io.pullproof.ledger.model.BypassRecord;
import io.pullproof.ledger.model.StartRecord;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;

/** One {@link RowMapper} per row type the ledger reads, matching the column lists in {@link LedgerSql}. */
final class LedgerRowMappers {
  private LedgerRowMappers() {}

  static final RowMapper<GrantRecord> GRANT = rs -> new GrantRecord(
      rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6),
      rs.getString(7), rs.getString(8), rs.getString(9), rs.getString(10), rs.getString(11), rs.getString(12),
      rs.getString(13), instant(rs, 14), instant(rs, 15), rs.getString(16), instant(rs, 17), rs.getString(18));

  static final RowMapper<RevocationRecord> REVOCATION = rs -> new RevocationRecord(
      rs.getString(1), instant(rs, 2), RevocationScope.valueOf(rs.getString(3)), rs.getString(4), rs.getString(5),
      rs.getString(6), rs.getString(7));

  static final RowMapper<StartRecord> START = rs -> new StartRecord(
      rs.getString("event_id"), instant(rs, "occurred_at"), rs.getString("cluster"), rs.getString("node"),
      rs.getString("pod_namespace"), rs.getString("pod_name"), rs.getString("pod_uid"), rs.getString("container"),
      rs.getString("image"), rs.getString("name"), rs.getString("image_ref"), rs.getString("pull_policy"),
      strings(rs.getArray("secret_hashes")), rs.getString("service_account_uid"),
      rs.getString("v_id") == null ? null : new StartRecord.Verdict(rs.getString("v_id"), instant(rs, "v_at"),
          rs.getString("v_verdict"), rs.getString("v_reason"), rs.getString("v_grant"), rs.getBoolean("v_dry_run"),
          rs.getString("v_policy"), rs.getString("v_decided_by")),
      rs.getString("o_id") == null ? null : new StartRecord.Outcome(rs.getString("o_id"), instant(rs, "o_at"),
          rs.getString("o_outcome"), rs.getString("o_source"), rs.getString("o_hash"),
          (Integer) rs.getObject("o_status"), rs.getString("o_detail")));

  static final RowMapper<BypassRecord> BYPASS = rs -> new BypassRecord(
      rs.getString("event_id"), instant(rs, "occurred_at"), rs.getString("cluster"), rs.getString("node"),
      rs.getString("pod_namespace"), rs.getString("pod_name"), rs.getString("container"), rs.getString("name"),
      rs.getString("image_ref"), rs.getString("outcome"), rs.getString("decision_source"), rs.getString("credential_hash"),
      (Integer) rs.getObject("registry_status"), rs.getString("detail"));

  static Instant instant(ResultSet rs, int column) throws SQLException {
    OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
    return value == null ? null : value.toInstant();
  }

  static Instant instant(ResultSet rs, String column) throws SQLException {
    OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
    return value == null ? null : value.toInstant();
  }

  private static List<String> strings(Array array) throws SQLException {
    return array == null ? List.of() : Arrays.asList((String[]) array.getArray());
  }
}
