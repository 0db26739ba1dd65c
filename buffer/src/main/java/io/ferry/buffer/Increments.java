package io.ferry.buffer;

import io.ferry.buffer.Routing.ChannelRoute;
import io.ferry.core.CounterSpec;
import io.ferry.core.Sample;
import io.ferry.core.ValueKind;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Counter and event increments: turns reads into deltas per {@code (channel, bucket)} inside the
 * append transaction ({@code incr}, {@code counter_state}), reads ended buckets for a lease and
 * seals them. The counterpart of {@link RollupCloser} for increments. Confined to the writer
 * thread; the counter cache changes only through {@link #committed(StoreTx)}.
 */
final class Increments {
  private final Connection conn;
  private final ChannelDictionary channels;
  private final PreparedStatement upsertIncr;
  private final PreparedStatement upsertCounter;
  private final Map<Integer, Double> counterCache = new HashMap<>();
  private final Map<Integer, Long> counterTimeCache = new HashMap<>();

  Increments(Connection conn, ChannelDictionary channels) throws SQLException {
    this.conn = conn;
    this.channels = channels;
    upsertIncr =
        conn.prepareStatement(
            "INSERT INTO incr(id, ch, bucket, width, v, sealed, pending) VALUES (?,?,?,?,?,0,?)"
                + " ON CONFLICT(ch, bucket) WHERE sealed = 0 DO UPDATE SET v = v + excluded.v,"
                + " pending = pending | excluded.pending");
    upsertCounter =
        conn.prepareStatement(
            "INSERT INTO counter_state(ch, value, t) VALUES (?,?,?)"
                + " ON CONFLICT(ch) DO UPDATE SET value = excluded.value, t = excluded.t");
  }

  /** Batches the increment of one usable sample; false when the read was ignored (counted). */
  boolean add(ChannelRoute r, CounterSpec spec, Sample s, StoreTx tx) throws SQLException {
    double delta;
    if (r.kind() == ValueKind.COUNTER) {
      Double previous = tx.counters.containsKey(r.chId()) ? tx.counters.get(r.chId()) : previousCounter(r.chId());
      Long previousTime =
          tx.counterTimes.containsKey(r.chId()) ? tx.counterTimes.get(r.chId()) : counterTimeCache.get(r.chId());
      if (previous != null && previousTime != null && s.timeMicros() < previousTime) {
        tx.drop(r.chId(), BufferStore.EVENT_COUNTER_INVALID, 1);
        return false;
      }
      CounterStep step = CounterStep.of(previous == null ? Double.NaN : previous, s.value(), spec.wrap());
      if (step instanceof CounterStep.Delta d) {
        delta = d.delta();
      } else if (step instanceof CounterStep.Reset reset) {
        delta = reset.delta();
        tx.drop(r.chId(), BufferStore.EVENT_COUNTER_RESET, 1);
      } else if (step instanceof CounterStep.Baseline) {
        delta = 0;
      } else {
        tx.drop(r.chId(), BufferStore.EVENT_COUNTER_INVALID, 1);
        return false;
      }
      tx.counters.put(r.chId(), s.value());
      tx.counterTimes.put(r.chId(), s.timeMicros());
      upsertCounter.setInt(1, r.chId());
      upsertCounter.setDouble(2, s.value());
      upsertCounter.setLong(3, s.timeMicros());
      upsertCounter.addBatch();
    } else {
      delta = s.value();
    }
    if (delta != 0) {
      upsertIncr.setLong(1, tx.nextIncrId++);
      upsertIncr.setInt(2, r.chId());
      upsertIncr.setLong(3, spec.bucketStart(s.timeMicros()));
      upsertIncr.setLong(4, spec.bucketMicros());
      upsertIncr.setDouble(5, delta);
      upsertIncr.setLong(6, r.incrementMask());
      upsertIncr.addBatch();
    }
    return true;
  }

  /** Writes what {@link #add} batched, inside the append transaction. */
  void write() throws SQLException {
    upsertIncr.executeBatch();
    upsertCounter.executeBatch();
  }

  /** Forgets what {@link #add} batched (the transaction failed). */
  void discard() throws SQLException {
    upsertIncr.clearBatch();
    upsertCounter.clearBatch();
  }

  /** The transaction committed: its counter reads become the cached previous reads. */
  void committed(StoreTx tx) {
    counterCache.putAll(tx.counters);
    counterTimeCache.putAll(tx.counterTimes);
  }

  private Double previousCounter(int ch) throws SQLException {
    if (counterCache.containsKey(ch)) {
      return counterCache.get(ch);
    }
    try (PreparedStatement ps = conn.prepareStatement("SELECT value, t FROM counter_state WHERE ch = ?")) {
      ps.setInt(1, ch);
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          counterCache.put(ch, rs.getDouble(1));
          counterTimeCache.put(ch, rs.getLong(2));
          return rs.getDouble(1);
        }
      }
    }
    counterCache.put(ch, null);
    return null;
  }

  /** Ended buckets owed to {@code u} and not under one of its leases, oldest id first, then ordered by channel. */
  List<IncrementRecord> scan(UplinkLeases u, int limit, long[] budget, long now) throws SQLException {
    List<IncrementRecord> out = new ArrayList<>();
    try (PreparedStatement ps =
        conn.prepareStatement(
            "SELECT id, ch, bucket, width, v FROM incr WHERE (pending & ?) != 0 AND bucket + width <= ? ORDER BY id")) {
      ps.setLong(1, 1L << u.bit);
      ps.setLong(2, now);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next() && out.size() < limit && budget[0] > 0) {
          long id = rs.getLong(1);
          if (u.incrIds.contains(id)) {
            continue;
          }
          out.add(
              new IncrementRecord(id, channels.channel(rs.getInt(2)), rs.getLong(3), rs.getLong(4), rs.getDouble(5)));
          budget[0] -= BufferStore.INCREMENT_BYTES;
        }
      }
    }
    out.sort(Comparator.comparing(IncrementRecord::channel).thenComparingLong(IncrementRecord::bucketStartMicros)
        .thenComparingLong(IncrementRecord::id));
    return List.copyOf(out);
  }

  /** A bucket handed to an uplink no longer grows: later increments of it start a new row. Inside a transaction. */
  void seal(List<IncrementRecord> increments) throws SQLException {
    try (PreparedStatement ps = conn.prepareStatement("UPDATE incr SET sealed = 1 WHERE id = ?")) {
      for (IncrementRecord r : increments) {
        ps.setLong(1, r.id());
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }
}
