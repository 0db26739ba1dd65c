package io.ferry.buffer;

import io.ferry.core.ChannelId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Reading a lease: the raw queue from an uplink's floor in sequence order (skipping its live
 * leased ranges), closed rollups, and the ordering of the rows read (instrument, channel, then
 * time). Reads only; the store records the lease. Confined to the writer thread.
 */
final class LeaseScan {
  private final Connection conn;
  private final ChannelDictionary channels;
  private final PreparedStatement scanRaw;

  LeaseScan(Connection conn, ChannelDictionary channels) throws SQLException {
    this.conn = conn;
    this.channels = channels;
    scanRaw =
        conn.prepareStatement(
            // ch, quality and the two NULL flags packed into one integer: every column getter is a
            // JNI call, and the drain rate is mostly the number of those calls.
            // Bits 0-31 ch, 32-37 q, 38 text, 39 NULL value, 40-62 seq minus the lower bound.
            "SELECT ((seq - ?1) << 40) | ch | (q << 32) | ((txt IS NOT NULL) << 38) | ((v IS NULL) << 39), t, v, txt"
                + " FROM raw WHERE seq BETWEEN ?1 AND ?2 AND (pending & ?3) != 0 ORDER BY seq LIMIT ?4");
  }

  /**
   * Sequences read by one scan query are packed as an offset from the query's lower bound into
   * the bits above channel, quality and NULL flags; a query covers at most this many sequences.
   */
  private static final long SCAN_WINDOW = (1L << 23) - 1;

  /**
   * What one query may read: from the first position at or after {@code pos} outside the live
   * leased ranges ({@code from}; {@code lowestSkipped}: the first sequence of the ranges passed
   * over, else MAX_VALUE) up to the next leased range ({@code upper}; none: the end of the queue),
   * and at most {@link #SCAN_WINDOW} sequences ({@code window}).
   */
  private record Stretch(long from, long lowestSkipped, Map.Entry<Long, Long> nextLeased, long upper, long window) {
    static Stretch from(UplinkLeases u, long pos) {
      long lowestSkipped = Long.MAX_VALUE;
      for (var covering = u.rawSegments.floorEntry(pos); covering != null && covering.getValue() >= pos;
          covering = u.rawSegments.floorEntry(pos)) {
        lowestSkipped = Math.min(lowestSkipped, covering.getKey());
        pos = covering.getValue() + 1;
      }
      var next = u.rawSegments.ceilingEntry(pos);
      long upper = next == null ? Long.MAX_VALUE : next.getKey() - 1;
      long window = pos > Long.MAX_VALUE - SCAN_WINDOW ? Long.MAX_VALUE : Math.min(upper, pos + SCAN_WINDOW);
      return new Stretch(pos, lowestSkipped, next, upper, window);
    }
  }

  /** The pending rows of the uplink bit {@code mask} with sequences in [pos, window], at most {@code limit}. */
  private ResultSet query(long pos, long window, long mask, int limit) throws SQLException {
    scanRaw.setLong(1, pos);
    scanRaw.setLong(2, window);
    scanRaw.setLong(3, mask);
    scanRaw.setInt(4, limit);
    return scanRaw.executeQuery();
  }

  /**
   * Reads up to {@code limit} rows owed to {@code u} from its floor upwards, skipping its leased
   * ranges, and records the stretches read as {@code segments}. {@code nextSeq} is the next
   * sequence the store will assign; {@code budget[0]} (bytes) is decremented per row.
   */
  RawRows raw(UplinkLeases u, int limit, long[] budget, List<UplinkLeases.Segment> segments, long nextSeq)
      throws SQLException {
    RawRows rows = RawRows.forLease(limit, budget[0]);
    long pos = u.rawFloor;
    boolean fromFloor = true;
    long newFloor = Long.MAX_VALUE;
    long mask = 1L << u.bit;
    while (rows.n < limit && budget[0] > 0) {
      Stretch stretch = Stretch.from(u, pos);
      newFloor = Math.min(newFloor, stretch.lowestSkipped());
      pos = stretch.from();
      int want = limit - rows.n;
      int got = 0;
      int first = rows.n;
      try (ResultSet rs = query(pos, stretch.window(), mask, want)) {
        while (rs.next()) {
          got++;
          long packed = rs.getLong(1);
          budget[0] -= take(rows, rs, packed, pos + (packed >>> 40), (int) (packed & 0xffff_ffffL));
          if (budget[0] <= 0) {
            break;
          }
        }
      }
      if (rows.n > first) {
        long[] exact = java.util.Arrays.copyOfRange(rows.seq, first, rows.n);
        segments.add(new UplinkLeases.Segment(exact[0], exact[exact.length - 1], exact));
        newFloor = Math.min(newFloor, exact[0]);
      }
      if (rows.n >= limit || budget[0] <= 0) {
        break;
      }
      if (got < want && stretch.window() < stretch.upper() && stretch.window() < nextSeq - 1) {
        pos = stretch.window() + 1; // the window ended before the next leased range: scan on
        continue;
      }
      if (got < want && stretch.nextLeased() == null) {
        break;
      }
      if (got < want) {
        newFloor = Math.min(newFloor, stretch.nextLeased().getKey());
        pos = stretch.nextLeased().getValue() + 1;
      } else {
        break;
      }
    }
    if (fromFloor) {
      // Nothing pending for this uplink lies below the first row or leased range met.
      u.rawFloor = newFloor == Long.MAX_VALUE ? Math.max(u.rawFloor, nextSeq) : Math.max(u.rawFloor, newFloor);
    }
    return rows;
  }

  /** Rows read per query of a by-channel scan (it skips rows, so the lease limit does not bound a query). */
  private static final int CHANNEL_CHUNK = 50_000;

  /**
   * The by-channel form of {@link #raw}: walks the queue from the floor in sequence order and takes
   * the rows of the first {@code maxChannels} channels it meets, at most {@code maxPerChannel} each
   * (0 = any), until {@code limit} rows, the byte budget, every chosen channel full, or
   * {@code maxScanned} rows read. A channel's leased rows are therefore the oldest it has pending
   * (outside live leases). Rows passed over stay pending: a segment ends at each of them, so a
   * segment still holds every pending row between its bounds (what the ack relies on), and the
   * floor stays at the first of them.
   */
  RawRows rawByChannel(UplinkLeases u, int limit, long[] budget, List<UplinkLeases.Segment> segments, long nextSeq,
      int maxChannels, int maxPerChannel, long maxScanned) throws SQLException {
    RawRows rows = RawRows.forLease(limit, budget[0]);
    // Per channel key: -1 not chosen, else samples taken (array lookups: this runs per row read).
    int[] taken = new int[channels.keyBound()];
    java.util.Arrays.fill(taken, -1);
    int chosen = 0;
    int full = 0;
    long scanned = 0;
    long pos = u.rawFloor;
    long newFloor = Long.MAX_VALUE;
    long mask = 1L << u.bit;
    boolean done = false;
    while (!done) {
      Stretch stretch = Stretch.from(u, pos);
      newFloor = Math.min(newFloor, stretch.lowestSkipped());
      pos = stretch.from();
      int got = 0;
      long last = pos;
      int runStart = -1;
      try (ResultSet rs = query(pos, stretch.window(), mask, CHANNEL_CHUNK)) {
        while (rs.next()) {
          got++;
          scanned++;
          long packed = rs.getLong(1);
          int key = (int) (packed & 0xffff_ffffL);
          long seq = pos + (packed >>> 40);
          last = seq;
          if (key >= taken.length) {
            int old = taken.length;
            taken = java.util.Arrays.copyOf(taken, Math.max(key + 1, old * 2));
            java.util.Arrays.fill(taken, old, taken.length, -1);
          }
          if (taken[key] < 0 && chosen < maxChannels) {
            taken[key] = 0;
            chosen++;
          }
          if (taken[key] < 0 || (maxPerChannel > 0 && taken[key] >= maxPerChannel)) {
            newFloor = Math.min(newFloor, seq); // left pending below what is leased
            if (runStart >= 0) {
              segment(rows, runStart, segments);
              runStart = -1;
            }
          } else {
            if (runStart < 0) {
              runStart = rows.n;
            }
            budget[0] -= take(rows, rs, packed, seq, key);
            if (++taken[key] == maxPerChannel) {
              full++;
            }
            done = rows.n >= limit || budget[0] <= 0 || (maxPerChannel > 0 && full == maxChannels);
          }
          if (done || scanned >= maxScanned) {
            done = true;
            break;
          }
        }
      }
      if (runStart >= 0) {
        segment(rows, runStart, segments);
      }
      if (done) {
        break;
      }
      if (got == CHANNEL_CHUNK) {
        pos = last + 1; // more rows in this window
      } else if (stretch.window() < stretch.upper() && stretch.window() < nextSeq - 1) {
        pos = stretch.window() + 1; // the window ended before the next leased range: scan on
      } else if (stretch.nextLeased() == null) {
        break;
      } else {
        newFloor = Math.min(newFloor, stretch.nextLeased().getKey());
        pos = stretch.nextLeased().getValue() + 1;
      }
    }
    for (UplinkLeases.Segment seg : segments) {
      newFloor = Math.min(newFloor, seg.lo());
    }
    // Nothing pending for this uplink lies below the first row, passed-over row or leased range met.
    u.rawFloor = newFloor == Long.MAX_VALUE ? Math.max(u.rawFloor, nextSeq) : Math.max(u.rawFloor, newFloor);
    return rows;
  }

  /** Appends the current row of a {@code scanRaw} cursor to {@code rows}; returns its estimated bytes. */
  private int take(RawRows rows, ResultSet rs, long packed, long seq, int key) throws SQLException {
    int i = rows.n;
    rows.ensureRoom();
    rows.seq[i] = seq;
    rows.ch[i] = key;
    rows.q[i] = (byte) ((packed >>> 32) & 0x3f);
    rows.rank[i] = channels.rank(key);
    rows.t[i] = rs.getLong(2);
    rows.v[i] = (packed & (1L << 39)) != 0 ? Double.NaN : rs.getDouble(3);
    int bytes = BufferStore.SAMPLE_BYTES;
    if ((packed & (1L << 38)) != 0) {
      String txt = rs.getString(4);
      rows.text(i, txt);
      bytes += txt.length();
    }
    rows.n++;
    return bytes;
  }

  private static void segment(RawRows rows, int from, List<UplinkLeases.Segment> segments) {
    long[] exact = java.util.Arrays.copyOfRange(rows.seq, from, rows.n);
    segments.add(new UplinkLeases.Segment(exact[0], exact[exact.length - 1], exact));
  }

  /** Closed rollups owed to {@code u} and not under one of its leases, oldest id first, then ordered by channel. */
  List<RollupRecord> rollups(UplinkLeases u, int limit, long[] budget) throws SQLException {
    List<RollupRecord> out = new ArrayList<>();
    try (PreparedStatement ps =
        conn.prepareStatement(
            "SELECT id, ch, start, every, n, first, last, min, max, sum, avg, twa, revision FROM rollup"
                + " WHERE (pending & ?) != 0 ORDER BY id")) {
      ps.setLong(1, 1L << u.bit);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next() && out.size() < limit && budget[0] > 0) {
          long id = rs.getLong(1);
          if (u.rollupIds.contains(id)) {
            continue;
          }
          double twa = rs.getDouble(12);
          if (rs.wasNull()) {
            twa = Double.NaN;
          }
          out.add(
              new RollupRecord(
                  id, channels.channel(rs.getInt(2)), rs.getLong(3), rs.getLong(4), rs.getLong(5), rs.getDouble(6),
                  rs.getDouble(7), rs.getDouble(8), rs.getDouble(9), rs.getDouble(10), rs.getDouble(11), twa,
                  rs.getInt(13)));
          budget[0] -= BufferStore.ROLLUP_BYTES;
        }
      }
    }
    out.sort(Comparator.comparing(RollupRecord::channel).thenComparingLong(RollupRecord::startMicros)
        .thenComparingInt(RollupRecord::revision));
    return List.copyOf(out);
  }

  /**
   * Rows of one raw scan in sequence order, held as parallel primitive arrays: the scan loop does
   * only column reads, and the record objects are built once, directly in lease order.
   */
  static final class RawRows {
    long[] seq;
    long[] t;
    double[] v;
    int[] ch;
    byte[] q;
    int[] rank;
    String[] txt; // allocated at the first text row
    int n;

    RawRows(int capacity) {
      seq = new long[capacity];
      t = new long[capacity];
      v = new double[capacity];
      ch = new int[capacity];
      q = new byte[capacity];
      rank = new int[capacity];
    }

    /** Capacity the arrays never need to pass (rows the limit and byte budget allow). */
    int maxRows = Integer.MAX_VALUE;

    void ensureRoom() {
      if (n < seq.length) {
        return;
      }
      // Doubling, but never past maxRows: a full lease's arrays are then not up to twice its rows.
      int c = (int) Math.min(Math.max(seq.length + 1L, maxRows), seq.length * 2L);
      seq = java.util.Arrays.copyOf(seq, c);
      t = java.util.Arrays.copyOf(t, c);
      v = java.util.Arrays.copyOf(v, c);
      ch = java.util.Arrays.copyOf(ch, c);
      q = java.util.Arrays.copyOf(q, c);
      rank = java.util.Arrays.copyOf(rank, c);
      if (txt != null) {
        txt = java.util.Arrays.copyOf(txt, c);
      }
    }

    /** Arrays for at most {@code limit} rows and a byte budget (at least {@link BufferStore#SAMPLE_BYTES} a row). */
    static RawRows forLease(int limit, long budgetBytes) {
      long maxRows = Math.max(1, Math.min(limit, budgetBytes / BufferStore.SAMPLE_BYTES + 1));
      RawRows rows = new RawRows((int) Math.max(16, Math.min(maxRows, 10_000)));
      rows.maxRows = (int) Math.min(Integer.MAX_VALUE, maxRows);
      return rows;
    }

    void text(int i, String s) {
      if (txt == null) {
        txt = new String[seq.length];
      }
      txt[i] = s;
    }
  }

  /**
   * Orders the scanned rows by channel rank with a stable counting sort (O(n + channels), one int
   * permutation), sorts a channel's run by time only when it is not already in time order (the
   * usual case is sorted; ties keep sequence order), and only then builds the records.
   */
  List<SampleRecord> orderByChannelThenTime(RawRows rows) {
    int n = rows.n;
    if (n == 0) {
      return List.of();
    }
    int ranks = channels.size() + 1;
    int[] start = new int[ranks + 1];
    for (int i = 0; i < n; i++) {
      start[rows.rank[i] + 1]++;
    }
    for (int r = 0; r < ranks; r++) {
      start[r + 1] += start[r];
    }
    int[] fill = java.util.Arrays.copyOf(start, ranks);
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[fill[rows.rank[i]]++] = i;
    }
    long[] t = rows.t;
    for (int r = 0; r < ranks; r++) {
      int from = start[r];
      int to = start[r + 1];
      for (int i = from + 1; i < to; i++) {
        if (t[order[i]] < t[order[i - 1]]) {
          sortRunByTime(order, from, to, t);
          break;
        }
      }
    }
    // The scan's arrays are permuted into lease order in place (following the permutation's
    // cycles): no second copy and no record object per sample while the lease is out.
    long[] seq = rows.seq;
    double[] v = rows.v;
    byte[] q = rows.q;
    int[] ch = rows.ch;
    String[] txt = rows.txt;
    for (int s = 0; s < n; s++) {
      if (order[s] < 0) {
        continue;
      }
      long seq0 = seq[s];
      long t0 = t[s];
      double v0 = v[s];
      byte q0 = q[s];
      int ch0 = ch[s];
      String txt0 = txt == null ? null : txt[s];
      int j = s;
      while (true) {
        int k = order[j];
        order[j] = ~k;
        if (k == s) {
          seq[j] = seq0;
          t[j] = t0;
          v[j] = v0;
          q[j] = q0;
          ch[j] = ch0;
          if (txt != null) {
            txt[j] = txt0;
          }
          break;
        }
        seq[j] = seq[k];
        t[j] = t[k];
        v[j] = v[k];
        q[j] = q[k];
        ch[j] = ch[k];
        if (txt != null) {
          txt[j] = txt[k];
        }
        j = k;
      }
    }
    rows.rank = null; // only the ordering needed it
    ChannelId[] channelOf = new ChannelId[channels.keyBound()];
    for (int k = 0; k < n; k++) {
      int key = ch[k];
      if (key >= channelOf.length) {
        channelOf = java.util.Arrays.copyOf(channelOf, Math.max(key + 1, channelOf.length * 2));
      }
      if (channelOf[key] == null) {
        channelOf[key] = channels.channel(key);
      }
    }
    return new CompactSamples(seq, t, v, q, ch, channelOf, txt, n);
  }

  /** The rare out-of-order run: by time, then by scan index (= sequence order). */
  private static void sortRunByTime(int[] order, int from, int to, long[] t) {
    Integer[] run = new Integer[to - from];
    for (int i = from; i < to; i++) {
      run[i - from] = order[i];
    }
    java.util.Arrays.sort(run, Comparator.comparingLong((Integer i) -> t[i]).thenComparingInt(i -> i));
    for (int i = from; i < to; i++) {
      order[i] = run[i - from];
    }
  }

}
