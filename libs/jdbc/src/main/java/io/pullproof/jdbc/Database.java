package io.pullproof.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * A Hikari pool for one store. Every piece of work runs in a transaction with callback-scoped
 * connections (as Apicurio's {@code HandleFactory.withHandle}), so no caller can leak a connection
 * or forget a rollback. Blocking: call it from a worker thread, never from an event loop.
 */
public final class Database implements AutoCloseable {
  private final HikariDataSource pool;
  private final String schema;

  private Database(HikariDataSource pool, String schema) {
    this.pool = pool;
    this.schema = schema;
  }

  /** Opens the pool, creates the schema if needed and applies the Flyway migrations at {@code location}. */
  public static Database open(DatabaseConfig config, String poolName, String migrationsLocation) {
    HikariConfig hikari = new HikariConfig();
    hikari.setPoolName(poolName);
    hikari.setJdbcUrl(config.jdbcUrl());
    if (config.username() != null) {
      hikari.setUsername(config.username());
    }
    if (config.password() != null) {
      hikari.setPassword(config.password());
    }
    hikari.setMaximumPoolSize(config.poolSize());
    hikari.setAutoCommit(false);
    // Every connection works in the store's schema, so the SQL never spells it out.
    hikari.setSchema(config.schema());
    hikari.addDataSourceProperty("reWriteBatchedInserts", "true");
    hikari.addDataSourceProperty("ApplicationName", poolName);
    HikariDataSource pool = new HikariDataSource(hikari);
    try {
      Migrations.apply(pool, config.schema(), migrationsLocation);
      return new Database(pool, config.schema());
    } catch (RuntimeException e) {
      pool.close();
      throw e;
    }
  }

  /** Runs {@code work} in one transaction: commit on return, rollback on any exception. */
  public <T> T inTransaction(SqlWork<T> work) throws SQLException {
    try (Connection connection = pool.getConnection()) {
      try {
        T result = work.run(connection);
        connection.commit();
        return result;
      } catch (SQLException | RuntimeException | Error e) {
        rollbackQuietly(connection, e);
        throw e;
      }
    }
  }

  /** A read: maps every row of {@code sql} bound with {@code args}. */
  public <T> List<T> query(String sql, RowMapper<T> mapper, Object... args) throws SQLException {
    return inTransaction(connection -> query(connection, sql, mapper, args));
  }

  /** Same, on a connection the caller holds (inside {@link #inTransaction}). */
  public static <T> List<T> query(Connection connection, String sql, RowMapper<T> mapper, Object... args) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        statement.setObject(i + 1, args[i]);
      }
      try (ResultSet rows = statement.executeQuery()) {
        List<T> out = new ArrayList<>();
        while (rows.next()) {
          out.add(mapper.map(rows));
        }
        return out;
      }
    }
  }

  public DataSource dataSource() {
    return pool;
  }

  public String schema() {
    return schema;
  }

  /** True when a connection can be had and answers: readiness. */
  public boolean isReachable() {
    try (Connection connection = pool.getConnection()) {
      return connection.isValid(2);
    } catch (SQLException e) {
      return false;
    }
  }

  @Override
  public void close() {
    pool.close();
  }

  private static void rollbackQuietly(Connection connection, Throwable cause) {
    try {
      connection.rollback();
    } catch (SQLException rollbackFailure) {
      cause.addSuppressed(rollbackFailure);
    }
  }
}
