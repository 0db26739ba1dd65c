package io.ferry.mirror;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The mirror's tables in the buffer's database (all prefixed {@code mirror_}; see
 * {@code package-info.java} for their meaning and invariants). The buffer owns
 * {@code PRAGMA user_version}; the mirror versions its own tables in {@code mirror_meta}.
 */
final class MirrorSchema {
  static final int VERSION = 1;

  static final List<String> DDL = List.of(
      "CREATE TABLE IF NOT EXISTS mirror_meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)",
      "CREATE TABLE IF NOT EXISTS mirror_series("
          + "id INTEGER PRIMARY KEY, external_id TEXT, instance_space TEXT, instance_external_id TEXT,"
          + " is_string INTEGER NOT NULL, member INTEGER NOT NULL, changed_at INTEGER NOT NULL)",
      "CREATE INDEX IF NOT EXISTS mirror_series_external_id ON mirror_series(external_id)",
      "CREATE TABLE IF NOT EXISTS mirror_points("
          + "series INTEGER NOT NULL, ts INTEGER NOT NULL, num REAL, str TEXT, status INTEGER NOT NULL DEFAULT 0,"
          + " PRIMARY KEY(series, ts)) WITHOUT ROWID",
      "CREATE TABLE IF NOT EXISTS mirror_cursors("
          + "subscription TEXT NOT NULL, partition INTEGER NOT NULL, cursor TEXT, init_from INTEGER,"
          + " cursor_at INTEGER, polled_at INTEGER, applied_at INTEGER, caught_up_at INTEGER,"
          + " responses INTEGER NOT NULL DEFAULT 0, last_error TEXT, error_at INTEGER,"
          + " PRIMARY KEY(subscription, partition))");

  private MirrorSchema() {}

  /** Creates the tables when missing; refuses tables written by a newer Ferry. Call inside a write transaction. */
  static void ensure(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      for (String ddl : DDL) {
        s.execute(ddl);
      }
      try (ResultSet rs = s.executeQuery("SELECT value FROM mirror_meta WHERE key = 'schema_version'")) {
        if (rs.next()) {
          int v = Integer.parseInt(rs.getString(1));
          if (v > VERSION) {
            throw new SQLException("the mirror tables have schema version " + v + ", newer than this Ferry ("
                + VERSION + "); upgrade Ferry or drop the mirror_* tables");
          }
        } else {
          s.execute("INSERT INTO mirror_meta(key, value) VALUES('schema_version', '" + VERSION + "')");
        }
      }
    }
  }

  /** True when the database holds the mirror's tables (a read-only reader cannot create them). */
  static boolean present(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN"
            + " ('mirror_series', 'mirror_points', 'mirror_cursors')")) {
      return rs.next() && rs.getInt(1) == 3;
    }
  }
}
