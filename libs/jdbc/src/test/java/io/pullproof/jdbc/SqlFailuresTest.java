package io.pullproof.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class SqlFailuresTest {

  @ParameterizedTest(name = "SQLState {0} transient = {1}")
  @CsvSource({
      "08006, true", "08001, true", "40001, true", "40P01, true", "57P01, true", "53300, true",
      "23505, false", "22001, false", "42P01, false", "XX000, false"})
  void classifiesBySqlState(String state, boolean transientFailure) {
    assertThat(SqlFailures.isTransient(new SQLException("x", state))).isEqualTo(transientFailure);
  }

  @Test
  void transientJdbcExceptionsAreTransientWhateverTheirState() {
    assertThat(SqlFailures.isTransient(new SQLTransientConnectionException("pool timeout"))).isTrue();
  }

  @Test
  void uniqueViolationMeansAlreadyStored() {
    assertThat(SqlFailures.isUniqueViolation(new SQLException("dup", "23505"))).isTrue();
    assertThat(SqlFailures.isUniqueViolation(new SQLException("other", "23503"))).isFalse();
  }

  @Test
  void configNamesTheBadSetting() {
    assertThatThrownBy(() -> new DatabaseConfig("jdbc:mysql://x/y", null, null, "ledger", 4))
        .hasMessageContaining("jdbc:postgresql://").hasMessageContaining("jdbc:mysql://x/y");
    assertThatThrownBy(() -> new DatabaseConfig("jdbc:postgresql://x/y", null, null, "Bad-Schema", 4))
        .hasMessageContaining("schema").hasMessageContaining("Bad-Schema");
    assertThatThrownBy(() -> new DatabaseConfig("jdbc:postgresql://x/y", null, null, "ledger", 0))
        .hasMessageContaining("pool size").hasMessageContaining("0");
  }

  @Test
  void configNeverPrintsThePassword() {
    DatabaseConfig config = new DatabaseConfig("jdbc:postgresql://x/y?user=a&password=s3cret", "a", "s3cret", "ledger", 4);
    assertThat(config.toString()).doesNotContain("s3cret");
  }
}
