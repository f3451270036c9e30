package io.pullproof.ledger.store;

import io.pullproof.jdbc.Database;
import io.pullproof.jdbc.RowMapper;
import io.pullproof.ledger.model.BypassRecord;
import io.pullproof.ledger.model.FleetStats;
import io.pullproof.ledger.model.GrantFilter;
import io.pullproof.ledger.model.GrantRecord;
import io.pullproof.ledger.model.Page;
import io.pullproof.ledger.model.PageCursor;
import io.pullproof.ledger.model.RevocationRecord;
import io.pullproof.ledger.model.StartFilter;
import io.pullproof.ledger.model.StartRecord;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Reads for the REST API. Every listing is keyset-paginated on (time, id) with an index ending in
 * those columns (migration V002), so a page costs the same however deep it is and concurrent
 * inserts neither skip nor repeat rows.
 */
public final class LedgerQueries {
  private final Database database;

  public LedgerQueries(Database database) {
    this.database = database;
  }

  public Page<GrantRecord> grants(GrantFilter filter, PageCursor after, int limit) throws SQLException {
    Where where = new Where()
        .eq("g.image_ref", filter.imageRef())
        .eq("g.name", filter.name())
        .eq("g.secret_name", filter.secretName())
        .eq("g.secret_uid", filter.secretUid())
        .eq("g.service_account_name", filter.serviceAccountName())
        .eq("g.service_account_uid", filter.serviceAccountUid())
        .eq("g.credential_hash", filter.credentialHash())
        .eq("g.cluster", filter.cluster())
        .eq("g.node", filter.node());
    if (filter.namespace() != null) {
      where.add(" AND (g.secret_namespace = ? OR g.service_account_namespace = ?)", filter.namespace(), filter.namespace());
    }
    if (filter.revoked() != null) {
      where.add(filter.revoked() ? " AND g.revoked_at IS NOT NULL" : " AND g.revoked_at IS NULL");
    }
    if (filter.since() != null) {
      where.add(" AND g.last_verified_at >= ?", timestamp(filter.since()));
    }
    if (filter.until() != null) {
      where.add(" AND g.first_verified_at < ?", timestamp(filter.until()));
    }
    return page(LedgerSql.SELECT_GRANTS, where, LedgerSql.GRANTS_AFTER, LedgerSql.GRANTS_ORDER, after, limit,
        LedgerRowMappers.GRANT, g -> new PageCursor(g.firstVerifiedAt(), g.grantId()));
  }

  public Page<StartRecord> starts(StartFilter filter, PageCursor after, int limit) throws SQLException {
    return page(LedgerSql.SELECT_STARTS, startWhere("q", filter), LedgerSql.STARTS_AFTER, LedgerSql.STARTS_ORDER, after,
        limit, LedgerRowMappers.START, s -> new PageCursor(s.occurredAt(), s.requestId()));
  }

  /** Bypassed starts with the same pod / image / node / time filters as {@link #starts}, on the outcome's time. */
  public Page<BypassRecord> bypasses(StartFilter filter, PageCursor after, int limit) throws SQLException {
    return page(LedgerSql.SELECT_BYPASSES, startWhere("o", filter), LedgerSql.BYPASSES_AFTER, LedgerSql.BYPASSES_ORDER,
        after, limit, LedgerRowMappers.BYPASS, b -> new PageCursor(b.occurredAt(), b.outcomeId()));
  }

  /** A start filter on {@code start_requests q} or {@code start_outcomes o}: same column names, own time. */
  private static Where startWhere(String alias, StartFilter filter) {
    Where where = new Where()
        .eq(alias + ".pod_namespace", filter.namespace())
        .eq(alias + ".pod_name", filter.pod())
        .eq(alias + ".name", filter.name())
        .eq(alias + ".image_ref", filter.imageRef())
        .eq(alias + ".cluster", filter.cluster())
        .eq(alias + ".node", filter.node());
    if (filter.since() != null) {
      where.add(" AND " + alias + ".occurred_at >= ?", timestamp(filter.since()));
    }
    if (filter.until() != null) {
      where.add(" AND " + alias + ".occurred_at < ?", timestamp(filter.until()));
    }
    return where;
  }

  public Page<RevocationRecord> revocations(PageCursor after, int limit) throws SQLException {
    return page(LedgerSql.SELECT_REVOCATIONS, new Where(), LedgerSql.REVOCATIONS_AFTER, LedgerSql.REVOCATIONS_ORDER,
        after, limit, LedgerRowMappers.REVOCATION, r -> new PageCursor(r.occurredAt(), r.revocationId()));
  }

  public FleetStats stats() throws SQLException {
    return database.inTransaction(connection -> {
      long[] totals = Database.query(connection, LedgerSql.STATS_TOTALS, rs -> {
        long[] values = new long[9];
        for (int i = 0; i < values.length; i++) {
          values[i] = rs.getLong(i + 1);
        }
        return values;
      }).get(0);
      return new FleetStats(totals[0], totals[1], counts(connection, LedgerSql.STATS_GRANTS_BY_KIND), totals[2],
          totals[3], totals[4], counts(connection, LedgerSql.STATS_VERDICTS), counts(connection, LedgerSql.STATS_OUTCOMES),
          totals[5], totals[6], totals[7], totals[8]);
    });
  }

  /** True when PostgreSQL answers: readiness. */
  public boolean isReachable() {
    return database.isReachable();
  }

  private static Map<String, Long> counts(java.sql.Connection connection, String sql) throws SQLException {
    Map<String, Long> counts = new LinkedHashMap<>();
    for (Object[] row : Database.query(connection, sql, rs -> new Object[] {rs.getString(1), rs.getLong(2)})) {
      counts.put((String) row[0], (Long) row[1]);
    }
    return counts;
  }

  /** Reads one row more than asked, to know whether a next page exists without a count. */
  private <T> Page<T> page(String select, Where where, String afterSql, String orderSql, PageCursor after, int limit,
      RowMapper<T> mapper, Function<T, PageCursor> cursorOf) throws SQLException {
    if (after != null) {
      where.add(afterSql, timestamp(after.time()), after.id());
    }
    where.args.add(limit + 1);
    List<T> rows = database.query(select + where.sql + orderSql, mapper, where.args.toArray());
    if (rows.size() <= limit) {
      return new Page<>(rows, null);
    }
    List<T> items = rows.subList(0, limit);
    return new Page<>(items, cursorOf.apply(items.get(limit - 1)));
  }

  private static Object timestamp(Instant instant) {
    return instant.atOffset(ZoneOffset.UTC);
  }

  /** {@code AND column = ?} for each given value; nothing for a null one. */
  private static final class Where {
    final StringBuilder sql = new StringBuilder();
    final List<Object> args = new ArrayList<>();

    Where eq(String column, String value) {
      return value == null ? this : add(" AND " + column + " = ?", value);
    }

    Where add(String condition, Object... values) {
      sql.append(condition);
      args.addAll(List.of(values));
      return this;
    }
  }
}
