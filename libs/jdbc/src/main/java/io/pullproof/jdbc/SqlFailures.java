package io.pullproof.jdbc;

import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;

/**
 * What a PostgreSQL error means for the caller, by SQLState class. The consumer loop's failure
 * classifier asks this; nothing else interprets SQLStates.
 */
public final class SqlFailures {
  private SqlFailures() {}

  /** 23505: the row is already there; for an insert keyed by event id, "already stored". */
  public static boolean isUniqueViolation(SQLException e) {
    return "23505".equals(e.getSQLState());
  }

  /**
   * Worth retrying after a pause: connection trouble (08), serialization failures and deadlocks
   * (40001, 40P01), an administrator or crash shutdown (57P01..57P03), too many connections (53300).
   */
  public static boolean isTransient(SQLException e) {
    if (e instanceof SQLTransientException || e instanceof SQLRecoverableException) {
      return true;
    }
    String state = e.getSQLState();
    if (state == null) {
      return false;
    }
    return state.startsWith("08") || state.equals("40001") || state.equals("40P01")
        || state.equals("57P01") || state.equals("57P02") || state.equals("57P03") || state.equals("53300");
  }
}
