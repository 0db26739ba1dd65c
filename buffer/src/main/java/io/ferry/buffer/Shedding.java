package io.ferry.buffer;

import io.ferry.buffer.Routing.ChannelRoute;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Budget and age shedding: deletes the oldest records when a batch would not fit the byte budget
 * (inside the append transaction) and raw samples older than {@code maxAge} (in chunks, each its
 * own transaction run by the store). Every deleted record is counted in the transaction's drops
 * and depths. Confined to the writer thread.
 */
final class Shedding {
  private static final Logger log = LoggerFactory.getLogger(Shedding.class);

  /** Runs {@code body} in one store transaction (drops written, memory updated after commit). */
  @FunctionalInterface
  interface Transactions {
    void run(TxBody body) throws SQLException;
  }

  @FunctionalInterface
  interface TxBody {
    void run(StoreTx tx) throws SQLException;
  }

  private final Connection conn;
  private final Statement st;
  private final long maxBytes;
  private boolean budgetExhaustedLogged;

  Shedding(Connection conn, long maxBytes) throws SQLException {
    this.conn = conn;
    this.st = conn.createStatement();
    this.maxBytes = maxBytes;
  }

  long usedBytes() throws SQLException {
    long pages = longQuery("PRAGMA page_count");
    long free = longQuery("PRAGMA freelist_count");
    long size = longQuery("PRAGMA page_size");
    return (pages - free) * size;
  }

  private long longQuery(String sql) throws SQLException {
    try (ResultSet rs = st.executeQuery(sql)) {
      return rs.next() ? rs.getLong(1) : 0;
    }
  }

  /**
   * Makes room for {@code incoming} bytes inside the budget, within the current transaction:
   * raw samples of channels with rollups first (their intervals survive as rollups), then the
   * oldest raw samples, then the oldest closed rollups, then the oldest increments.
   */
  void forBudget(long incoming, Routing routing, StoreTx tx) throws SQLException {
    long target = Math.max(0, maxBytes - incoming);
    long used = usedBytes();
    if (used <= target) {
      budgetExhaustedLogged = false;
      return;
    }
    String rollupChannels =
        routing.channels().values().stream()
            .filter(ChannelRoute::hasRollup)
            .map(r -> Integer.toString(r.chId()))
            .collect(Collectors.joining(","));
    int phase = rollupChannels.isEmpty() ? 1 : 0;
    while (used > target && phase < 4) {
      long excess = used - target;
      int n = (int) Math.min(200_000, Math.max(64, excess / 24));
      long deleted =
          switch (phase) {
            case 0 -> shedRaw("ch IN (" + rollupChannels + ")", n, BufferStore.REASON_BUDGET, tx);
            case 1 -> shedRaw("1", n, BufferStore.REASON_BUDGET, tx);
            case 2 -> shedDerived("rollup", n, tx);
            default -> shedDerived("incr", n, tx);
          };
      if (deleted == 0) {
        phase++;
      }
      used = usedBytes();
    }
    if (used > target && !budgetExhaustedLogged) {
      budgetExhaustedLogged = true;
      log.warn(
          "buffer budget of {} bytes is taken by tables the buffer does not own (mirror?): {} bytes used",
          maxBytes, used);
    }
  }

  /** Deletes the {@code n} oldest raw rows matching {@code where}, counting them per channel. */
  private long shedRaw(String where, int n, String reason, StoreTx tx) throws SQLException {
    String oldest = "SELECT seq FROM raw WHERE " + where + " ORDER BY seq LIMIT " + n;
    long total = 0;
    try (ResultSet rs =
        st.executeQuery(
            "SELECT ch, pending, count(*) FROM raw WHERE seq IN (" + oldest + ") GROUP BY ch, pending")) {
      while (rs.next()) {
        long count = rs.getLong(3);
        tx.drop(rs.getInt(1), reason, count);
        tx.depth(rs.getLong(2), -count);
        tx.rows -= count;
        total += count;
      }
    }
    if (total > 0) {
      st.executeUpdate("DELETE FROM raw WHERE seq IN (" + oldest + ")");
    }
    return total;
  }

  private long shedDerived(String table, int n, StoreTx tx) throws SQLException {
    String oldest = "SELECT id FROM " + table + " ORDER BY id LIMIT " + n;
    long total = 0;
    try (ResultSet rs =
        st.executeQuery("SELECT ch, count(*) FROM " + table + " WHERE id IN (" + oldest + ") GROUP BY ch")) {
      while (rs.next()) {
        tx.drop(rs.getInt(1), BufferStore.REASON_BUDGET + "-" + table, rs.getLong(2));
        total += rs.getLong(2);
      }
    }
    if (total > 0) {
      st.executeUpdate("DELETE FROM " + table + " WHERE id IN (" + oldest + ")");
    }
    return total;
  }

  /**
   * Drops raw samples older than {@code cutoff} (µs). Walks the queue in sequence order (roughly
   * time order) a chunk at a time, one transaction per chunk, and stops at the first chunk that
   * reaches young samples, so a pass costs little however big the backlog.
   */
  void byAge(long cutoff, Transactions transactions) throws SQLException {
    long from = 0;
    for (int chunk = 0; chunk < 20; chunk++) {
      long lo = -1;
      long hi = -1;
      boolean young = false;
      try (PreparedStatement ps =
          conn.prepareStatement("SELECT seq, t FROM raw WHERE seq >= ? ORDER BY seq LIMIT 10000")) {
        ps.setLong(1, from);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            if (lo < 0) {
              lo = rs.getLong(1);
            }
            hi = rs.getLong(1);
            young |= rs.getLong(2) >= cutoff;
          }
        }
      }
      if (lo < 0) {
        return;
      }
      String where = "seq BETWEEN " + lo + " AND " + hi + " AND t < " + cutoff;
      transactions.run(tx -> shedRaw(where, Integer.MAX_VALUE, BufferStore.REASON_AGE, tx));
      if (young) {
        return;
      }
      from = hi + 1;
    }
  }
}
