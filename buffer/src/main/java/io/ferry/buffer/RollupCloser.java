package io.ferry.buffer;

import io.ferry.buffer.Routing.ChannelRoute;
import io.ferry.core.RollupSpec;
import io.ferry.core.Stat;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Closes rollup intervals whose grace ran out: computes avg (and twa from the stored points) in
 * SQL, queues the closed interval in {@code rollup} for the uplinks routing rollups, and either
 * deletes the open state or, with reopenLate, keeps it (closed) until its reopen horizon.
 * Runs on the buffer's writer thread, on the writer connection.
 */
final class RollupCloser {
  private final Connection conn;
  private final Statement st;

  RollupCloser(Connection conn) throws SQLException {
    this.conn = conn;
    this.st = conn.createStatement();
  }

  private boolean anyToPurge(long now) throws SQLException {
    try (PreparedStatement ps =
        conn.prepareStatement(
            "SELECT 1 FROM rollup_open WHERE closed = 1 AND close_at + max(?2, every) <= ?1 LIMIT 1")) {
      ps.setLong(1, now);
      ps.setLong(2, BufferStore.REOPEN_HORIZON_MICROS);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  /**
   * When {@link #closeDue} next has something to do (an open interval's close, or a closed one
   * kept for reopening reaching its horizon), in micros; {@code Long.MAX_VALUE} when nothing is open.
   * The writer sleeps until then instead of asking every commit interval.
   */
  long nextDueMicros() throws SQLException {
    try (PreparedStatement ps =
        conn.prepareStatement(
            "SELECT min(CASE WHEN closed = 0 THEN close_at ELSE close_at + max(?1, every) END) FROM rollup_open")) {
      ps.setLong(1, BufferStore.REOPEN_HORIZON_MICROS);
      try (ResultSet rs = ps.executeQuery()) {
        long v = rs.next() ? rs.getLong(1) : 0;
        return rs.wasNull() ? Long.MAX_VALUE : v;
      }
    }
  }

  /** Closes every interval with {@code close_at <= now}; returns the next free rollup id. */
  long closeDue(long now, Routing routing, long nextRollupId) throws SQLException {
    record Due(int ch, long start, long every, long n, double first, double last, double min, double max, double sum,
        int revision) {}
    List<Due> due = new ArrayList<>();
    try (PreparedStatement ps =
        conn.prepareStatement(
            "SELECT ch, start, every, n, first, last, min, max, sum, revision FROM rollup_open"
                + " WHERE closed = 0 AND close_at <= ?")) {
      ps.setLong(1, now);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          due.add(
              new Due(rs.getInt(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getDouble(5), rs.getDouble(6),
                  rs.getDouble(7), rs.getDouble(8), rs.getDouble(9), rs.getInt(10)));
        }
      }
    }
    if (due.isEmpty() && !anyToPurge(now)) {
      return nextRollupId;
    }
    Map<Integer, ChannelRoute> byCh = new HashMap<>();
    routing.channels().values().forEach(r -> byCh.put(r.chId(), r));
    long id = nextRollupId;
    st.execute("BEGIN IMMEDIATE");
    try (PreparedStatement ins =
            conn.prepareStatement(
                "INSERT INTO rollup(id, ch, start, every, n, first, last, min, max, sum, avg, twa, revision, pending)"
                    + " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
        PreparedStatement markClosed =
            conn.prepareStatement("UPDATE rollup_open SET closed = 1 WHERE ch = ? AND start = ?");
        PreparedStatement delete = conn.prepareStatement("DELETE FROM rollup_open WHERE ch = ? AND start = ?");
        PreparedStatement deletePoints =
            conn.prepareStatement("DELETE FROM rollup_pointset WHERE ch = ? AND start = ?")) {
      for (Due d : due) {
        ChannelRoute r = byCh.get(d.ch());
        Optional<RollupSpec> spec = r == null ? Optional.empty() : r.rollup();
        boolean keep = spec.map(RollupSpec::reopenLate).orElse(false);
        boolean twa = spec.map(s -> s.stats().contains(Stat.TWA)).orElse(false);
        if (r != null && r.rollupMask() != 0) {
          double twaValue = twa ? timeWeightedAverage(d.ch(), d.start(), d.start() + d.every()) : Double.NaN;
          ins.setLong(1, id++);
          ins.setInt(2, d.ch());
          ins.setLong(3, d.start());
          ins.setLong(4, d.every());
          ins.setLong(5, d.n());
          ins.setDouble(6, d.first());
          ins.setDouble(7, d.last());
          ins.setDouble(8, d.min());
          ins.setDouble(9, d.max());
          ins.setDouble(10, d.sum());
          ins.setDouble(11, d.sum() / d.n());
          if (Double.isNaN(twaValue)) {
            ins.setNull(12, Types.REAL);
          } else {
            ins.setDouble(12, twaValue);
          }
          ins.setInt(13, d.revision());
          ins.setLong(14, r.rollupMask());
          ins.addBatch();
        }
        PreparedStatement target = keep ? markClosed : delete;
        target.setInt(1, d.ch());
        target.setLong(2, d.start());
        target.addBatch();
        if (!keep) {
          deletePoints.setInt(1, d.ch());
          deletePoints.setLong(2, d.start());
          deletePoints.addBatch();
        }
      }
      ins.executeBatch();
      markClosed.executeBatch();
      delete.executeBatch();
      deletePoints.executeBatch();
      // Closed intervals kept for reopening expire after their horizon, with their points.
      try (PreparedStatement purgePoints =
              conn.prepareStatement(
                  "DELETE FROM rollup_pointset WHERE (ch, start) IN (SELECT ch, start FROM rollup_open"
                      + " WHERE closed = 1 AND close_at + max(?2, every) <= ?1)");
          PreparedStatement purgeOpen =
              conn.prepareStatement(
                  "DELETE FROM rollup_open WHERE closed = 1 AND close_at + max(?2, every) <= ?1")) {
        for (PreparedStatement p : List.of(purgePoints, purgeOpen)) {
          p.setLong(1, now);
          p.setLong(2, BufferStore.REOPEN_HORIZON_MICROS);
          p.executeUpdate();
        }
      }
      if (id != nextRollupId) {
        try (PreparedStatement meta =
            conn.prepareStatement(
                "INSERT INTO buffer_meta(key, value) VALUES ('rollup_id', ?)"
                    + " ON CONFLICT(key) DO UPDATE SET value = excluded.value")) {
          meta.setLong(1, id - 1);
          meta.executeUpdate();
        }
      }
      st.execute("COMMIT");
    } catch (SQLException | RuntimeException e) {
      try {
        st.execute("ROLLBACK");
      } catch (SQLException ignored) {
        // already rolled back by SQLite
      }
      throw e;
    }
    return id;
  }

  /**
   * Each value weighted by how long it held inside the interval: from its time to the next
   * sample's time (ties in time: later arrival wins), the last one until the interval's end;
   * normalised by the time from the first sample to the end. Computed in SQL over the stored
   * point sets ({@code json_each}, {@code lead() OVER}); arrival order = set rowid, then index.
   */
  private double timeWeightedAverage(int ch, long start, long end) throws SQLException {
    try (PreparedStatement ps =
        conn.prepareStatement(
            "SELECT sum(v * (coalesce(nt, ?3) - t)), ?3 - min(t) FROM ("
                + " SELECT t, v, lead(t) OVER (ORDER BY t, k) AS nt FROM ("
                + "  SELECT e.value ->> 0 AS t, e.value ->> 1 AS v, p.rowid * 1000000000 + e.key AS k"
                + "  FROM rollup_pointset p, json_each(p.pts) e WHERE p.ch = ?1 AND p.start = ?2))")) {
      ps.setInt(1, ch);
      ps.setLong(2, start);
      ps.setLong(3, end);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Double.NaN;
        }
        double weighted = rs.getDouble(1);
        long span = rs.getLong(2);
        return span > 0 ? weighted / span : Double.NaN;
      }
    }
  }
}
