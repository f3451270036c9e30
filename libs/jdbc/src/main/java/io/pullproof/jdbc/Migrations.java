package io.pullproof.jdbc;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Applies a store's Flyway migrations to its own schema; the same SQL jar serves services and tests. */
public final class Migrations {
  private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);

  private Migrations() {}

  public static MigrateResult apply(DataSource dataSource, String schema, String location) {
    MigrateResult result = Flyway.configure()
        .dataSource(dataSource)
        .schemas(schema)
        .createSchemas(true)
        .locations(location)
        // Applied files are never edited (STYLE.md §4); a changed checksum is a bug to surface.
        .validateOnMigrate(true)
        .load()
        .migrate();
    LOG.info("schema {}: {} migration(s) applied, now at version {}", schema, result.migrationsExecuted, result.targetSchemaVersion);
    return result;
  }
}
