package dev.herald.hub;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/** Small JDBC helpers for one-off statements with {@code long} parameters. Stateless. */
final class SqliteSql {
  private SqliteSql() {}

  /** The first column of the first row of {@code sql} (a query that always returns a row). */
  static long singleLong(Connection c, String sql, long... params) throws SQLException {
    try (PreparedStatement p = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        p.setLong(i + 1, params[i]);
      }
      try (ResultSet rs = p.executeQuery()) {
        if (!rs.next()) {
          throw new SQLException("no row from " + sql);
        }
        return rs.getLong(1);
      }
    }
  }

  /** Runs an update and returns the number of rows changed. */
  static int update(Connection c, String sql, long... params) throws SQLException {
    try (PreparedStatement p = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        p.setLong(i + 1, params[i]);
      }
      return p.executeUpdate();
    }
  }
}
