package io.pullproof.jdbc;

import java.sql.Connection;
import java.sql.SQLException;

/** Work done with one connection, inside a transaction opened and ended by {@link Database}. */
@FunctionalInterface
public interface SqlWork<T> {
  T run(Connection connection) throws SQLException;
}
