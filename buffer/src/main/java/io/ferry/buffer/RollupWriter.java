package io.ferry.buffer;

import io.ferry.buffer.Routing.ChannelRoute;
import io.ferry.core.RollupSpec;
import io.ferry.core.Sample;
import io.ferry.core.Stat;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Folds one append batch into the open rollup intervals: samples are aggregated per
 * {@code (channel, interval)} in arrival order, then merged with what is stored by one SQL upsert
 * per interval in the append transaction ({@link RollupCloser} closes them later). Confined to
 * the writer thread; one instance per store, one batch at a time.
 */
final class RollupWriter {
  private final PreparedStatement upsertRollup;
  private final PreparedStatement insertPoint;
  private final Map<IntervalAgg.Key, IntervalAgg> intervals = new LinkedHashMap<>();

  RollupWriter(Connection conn) throws SQLException {
    // One row per (channel, interval) and commit batch, pre-aggregated in arrival order; the
    // merge with what is stored happens here, in SQL, in the same transaction as the samples.
    upsertRollup =
        conn.prepareStatement(
            "INSERT INTO rollup_open(ch, start, every, close_at, closed, revision, n, first, first_t, last, last_t,"
                + " min, max, sum) VALUES (?, ?, ?, ?, 0, 0, ?, ?, ?, ?, ?, ?, ?, ?)"
                + " ON CONFLICT(ch, start) DO UPDATE SET"
                + " revision = CASE WHEN closed = 1 THEN revision + 1 ELSE revision END, closed = 0,"
                + " n = n + excluded.n,"
                + " first = CASE WHEN excluded.first_t < first_t THEN excluded.first ELSE first END,"
                + " first_t = min(first_t, excluded.first_t),"
                + " last = CASE WHEN excluded.last_t >= last_t THEN excluded.last ELSE last END,"
                + " last_t = max(last_t, excluded.last_t),"
                + " min = min(min, excluded.min), max = max(max, excluded.max), sum = sum + excluded.sum");
    insertPoint = conn.prepareStatement("INSERT INTO rollup_pointset(ch, start, pts) VALUES (?,?,?)");
  }

  /** Adds one usable sample to its interval; false (counted {@code late}) when the interval is closed for good. */
  boolean add(ChannelRoute r, RollupSpec spec, Sample s, long now, StoreTx tx) {
    long start = spec.intervalStart(s.timeMicros());
    long every = spec.everyMicros();
    long closeAt = start + every + spec.grace().toNanos() / 1000;
    if (now >= closeAt && (!spec.reopenLate() || now >= closeAt + BufferStore.reopenHorizon(every))) {
      tx.drop(r.chId(), BufferStore.REASON_LATE, 1);
      return false;
    }
    IntervalAgg agg =
        intervals.computeIfAbsent(
            new IntervalAgg.Key(r.chId(), start), k -> new IntervalAgg(k.ch(), k.start(), every, closeAt));
    agg.add(s.timeMicros(), s.value());
    if (spec.stats().contains(Stat.TWA)) {
      agg.addPoint(s.timeMicros(), s.value());
    }
    return true;
  }

  /**
   * Upserts the batch's intervals (and twa points) inside the append transaction; returns the
   * earliest close time among them (a reopened interval keeps its close time: due at once).
   */
  long write() throws SQLException {
    long earliestClose = Long.MAX_VALUE;
    for (IntervalAgg a : intervals.values()) {
      earliestClose = Math.min(earliestClose, a.closeAt);
      upsertRollup.setInt(1, a.ch);
      upsertRollup.setLong(2, a.start);
      upsertRollup.setLong(3, a.every);
      upsertRollup.setLong(4, a.closeAt);
      upsertRollup.setLong(5, a.n);
      upsertRollup.setDouble(6, a.first);
      upsertRollup.setLong(7, a.firstT);
      upsertRollup.setDouble(8, a.last);
      upsertRollup.setLong(9, a.lastT);
      upsertRollup.setDouble(10, a.min);
      upsertRollup.setDouble(11, a.max);
      upsertRollup.setDouble(12, a.sum);
      upsertRollup.addBatch();
      if (a.points != null) {
        insertPoint.setInt(1, a.ch);
        insertPoint.setLong(2, a.start);
        insertPoint.setString(3, a.points.append(']').toString());
        insertPoint.addBatch();
      }
    }
    intervals.clear();
    upsertRollup.executeBatch();
    insertPoint.executeBatch();
    return earliestClose;
  }

  /** Forgets the batch (the transaction failed or nothing was added). */
  void discard() throws SQLException {
    intervals.clear();
    upsertRollup.clearBatch();
    insertPoint.clearBatch();
  }
}
