package io.ferry.buffer;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The buffer's tables and their forward migrations. {@code PRAGMA user_version} holds the number
 * of migrations applied; each migration runs in its own transaction together with the version bump,
 * so a crash during a migration leaves the previous version intact. Tables whose names start with
 * {@code mirror_} (or any other table not listed here) belong to other components and are never
 * touched.
 */
final class Schema {
  private Schema() {}

  /** Migration i (0-based) takes the database from user_version i to i + 1. */
  static final List<List<String>> MIGRATIONS =
      List.of(
          List.of(
              "CREATE TABLE buffer_meta(key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID",
              "CREATE TABLE channel(id INTEGER PRIMARY KEY, instrument TEXT NOT NULL, name TEXT NOT NULL,"
                  + " UNIQUE(instrument, name))",
              "CREATE TABLE uplink(bit INTEGER PRIMARY KEY CHECK (bit BETWEEN 0 AND 62), name TEXT NOT NULL UNIQUE)",
              // The raw queue: seq is the rowid (no extra index), ch an integer key, pending a bitmask of
              // the uplinks (by bit) that still have to acknowledge the row.
              "CREATE TABLE raw(seq INTEGER PRIMARY KEY, ch INTEGER NOT NULL, t INTEGER NOT NULL, v REAL,"
                  + " q INTEGER NOT NULL, txt TEXT, pending INTEGER NOT NULL)",
              // Open (and, with reopenLate, recently closed) rollup intervals.
              "CREATE TABLE rollup_open(ch INTEGER NOT NULL, start INTEGER NOT NULL, every INTEGER NOT NULL,"
                  + " close_at INTEGER NOT NULL, closed INTEGER NOT NULL, revision INTEGER NOT NULL,"
                  + " n INTEGER NOT NULL, first REAL, first_t INTEGER, last REAL, last_t INTEGER,"
                  + " min REAL, max REAL, sum REAL, PRIMARY KEY(ch, start)) WITHOUT ROWID",
              // Points of open intervals of channels asking for a time-weighted average.
              "CREATE TABLE rollup_point(ch INTEGER NOT NULL, start INTEGER NOT NULL, t INTEGER NOT NULL,"
                  + " v REAL NOT NULL)",
              "CREATE INDEX rollup_point_interval ON rollup_point(ch, start)",
              // Closed intervals waiting for uplinks.
              "CREATE TABLE rollup(id INTEGER PRIMARY KEY, ch INTEGER NOT NULL, start INTEGER NOT NULL,"
                  + " every INTEGER NOT NULL, n INTEGER NOT NULL, first REAL, last REAL, min REAL, max REAL,"
                  + " sum REAL, avg REAL, twa REAL, revision INTEGER NOT NULL, pending INTEGER NOT NULL)",
              // Increments per (channel, bucket); one unsealed row per bucket accumulates by upsert.
              "CREATE TABLE incr(id INTEGER PRIMARY KEY, ch INTEGER NOT NULL, bucket INTEGER NOT NULL,"
                  + " width INTEGER NOT NULL, v REAL NOT NULL, sealed INTEGER NOT NULL, pending INTEGER NOT NULL)",
              "CREATE UNIQUE INDEX incr_open ON incr(ch, bucket) WHERE sealed = 0",
              "CREATE TABLE counter_state(ch INTEGER PRIMARY KEY, value REAL NOT NULL, t INTEGER NOT NULL)",
              "CREATE TABLE dropped(ch INTEGER NOT NULL, reason TEXT NOT NULL, n INTEGER NOT NULL,"
                  + " PRIMARY KEY(ch, reason)) WITHOUT ROWID",
              "CREATE TABLE kv(uplink TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,"
                  + " PRIMARY KEY(uplink, key)) WITHOUT ROWID"),
          // 2: twa points as one JSON array per (channel, interval, commit batch) instead of one
          // row per sample (a row and an index entry per sample cost ~4.6 us in the benchmark).
          List.of(
              "CREATE TABLE rollup_pointset(ch INTEGER NOT NULL, start INTEGER NOT NULL, pts TEXT NOT NULL)",
              "CREATE INDEX rollup_pointset_interval ON rollup_pointset(ch, start)",
              "INSERT INTO rollup_pointset(ch, start, pts)"
                  + " SELECT ch, start, json_group_array(json_array(t, v) ORDER BY rowid) FROM rollup_point"
                  + " GROUP BY ch, start",
              "DROP TABLE rollup_point"),
          // 3: the newest source time ever stored per channel (t) and of those stored from the device's
          // history (h), kept when the rows are deleted: where an OPC UA history backfill starts and
          // resumes after a restart. An older file opens with it empty (backfill then reads maxAge).
          List.of("CREATE TABLE source_time(ch INTEGER PRIMARY KEY, t INTEGER NOT NULL, h INTEGER)"));

  static int current() {
    return MIGRATIONS.size();
  }

  static int version(Connection conn) throws SQLException {
    try (Statement st = conn.createStatement();
        ResultSet rs = st.executeQuery("PRAGMA user_version")) {
      return rs.next() ? rs.getInt(1) : 0;
    }
  }

  /** Applies the missing migrations; refuses a file written by a newer Ferry. */
  static void migrate(Connection conn, List<List<String>> migrations) throws SQLException {
    int version = version(conn);
    if (version > migrations.size()) {
      throw new SQLException(
          "buffer schema version " + version + " is newer than this Ferry understands (" + migrations.size()
              + "); refusing to touch it");
    }
    try (Statement st = conn.createStatement()) {
      for (int v = version; v < migrations.size(); v++) {
        st.execute("BEGIN IMMEDIATE");
        try {
          for (String sql : migrations.get(v)) {
            st.execute(sql);
          }
          st.execute("PRAGMA user_version = " + (v + 1));
          st.execute("COMMIT");
        } catch (SQLException e) {
          st.execute("ROLLBACK");
          throw e;
        }
      }
    }
  }
}
