package io.pullproof.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.pullproof.jdbc.Database;
import io.pullproof.jdbc.DatabaseConfig;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** PostgreSQL is real: the ledger's Flyway migrations apply in a fresh schema and its tables answer queries. */
class PostgresSmokeIT {

  @Test
  void ledgerMigrationsApplyAndTheGrantsTableAnswers() throws Exception {
    DatabaseConfig config = TestInfrastructure.newDatabase("smoke");
    try (Database database = Database.open(config, "smoke", "classpath:db/ledger")) {
      Instant now = Instant.parse("2026-11-22T00:00:00Z");
      database.inTransaction(c -> {
        try (PreparedStatement insert = c.prepareStatement(
            "INSERT INTO grants (grant_id, image_ref, name, kind, cluster, node, first_verified_at, last_verified_at, last_event_id)"
                + " VALUES (?, ?, ?, 'ANONYMOUS', 'c1', 'n1', ?, ?, 'e1')")) {
          insert.setString(1, "g1");
          insert.setString(2, "sha256:" + "a".repeat(64));
          insert.setString(3, "docker.io/library/nginx");
          insert.setTimestamp(4, Timestamp.from(now));
          insert.setTimestamp(5, Timestamp.from(now));
          return insert.executeUpdate();
        }
      });
      List<String> names = database.query("SELECT name FROM grants WHERE kind = ?", row -> row.getString(1), "ANONYMOUS");
      assertThat(names).containsExactly("docker.io/library/nginx");

      List<String> versions = database.query(
          "SELECT version FROM flyway_schema_history WHERE success ORDER BY installed_rank", row -> row.getString(1));
      assertThat(versions).contains("001");
      assertThat(database.query("SELECT current_schema()", row -> row.getString(1))).containsExactly(config.schema());
    }
  }

  @Test
  void aSecretGrantWithoutItsHashIsRejectedByTheSchema() throws Exception {
    try (Database database = Database.open(TestInfrastructure.newDatabase("smoke_check"), "smoke", "classpath:db/ledger")) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> database.inTransaction(c -> c.createStatement().executeUpdate(
          "INSERT INTO grants (grant_id, image_ref, name, kind, cluster, node, first_verified_at, last_verified_at, last_event_id)"
              + " VALUES ('g', 'sha256:x', 'n', 'SECRET', 'c', 'n', now(), now(), 'e')")))
          .hasMessageContaining("grants_check");
    }
  }
}
