package io.pullproof.jdbc;

import java.util.Objects;

/**
 * Where a store's PostgreSQL lives. Validated on construction: a bad value fails start-up with a
 * message naming the setting, never a pool that breaks later.
 *
 * @param jdbcUrl   {@code jdbc:postgresql://host:port/db} (credentials may be in the URL or below)
 * @param username  login role, or null when the URL carries it
 * @param password  password, or null; never logged ({@link #toString()} masks it)
 * @param schema    schema the store owns; created by the migrations, first on the search path
 * @param poolSize  maximum connections in the pool (1..500)
 */
public record DatabaseConfig(String jdbcUrl, String username, String password, String schema, int poolSize) {
  public DatabaseConfig {
    Objects.requireNonNull(jdbcUrl, "jdbcUrl");
    if (!jdbcUrl.startsWith("jdbc:postgresql://")) {
      throw new IllegalArgumentException("database URL must start with jdbc:postgresql://, got '" + jdbcUrl + "'");
    }
    if (schema == null || !schema.matches("[a-z_][a-z0-9_]{0,62}")) {
      throw new IllegalArgumentException("database schema must match [a-z_][a-z0-9_]{0,62}, got '" + schema + "'");
    }
    if (poolSize < 1 || poolSize > 500) {
      throw new IllegalArgumentException("database pool size must be 1..500, got " + poolSize);
    }
  }

  @Override
  public String toString() {
    return "DatabaseConfig[jdbcUrl=" + jdbcUrl.replaceAll("password=[^&]*", "password=****")
        + ", username=" + username + ", password=" + (password == null ? "null" : "****")
        + ", schema=" + schema + ", poolSize=" + poolSize + "]";
  }
}
