package io.ferry.buffer;

import io.ferry.buffer.Routing.ChannelRoute;
import io.ferry.core.ChannelId;
import io.ferry.core.ChannelSpec;
import io.ferry.core.CounterSpec;
import io.ferry.core.MicroTime;
import io.ferry.core.Quality;
import io.ferry.core.RollupSpec;
import io.ferry.core.Sample;
import io.ferry.core.Stat;
import io.ferry.core.ValueKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything that touches the writer connection. Confined to the buffer's writer thread: no
 * method is thread-safe, and {@link SqliteBuffer} calls them only from that thread. In-memory
 * counters (depth per uplink, drops, sequences) change only after the transaction that justifies
 * them committed.
 */
final class BufferStore implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(BufferStore.class);

  static final int MAX_UPLINKS = 63;
  /** Rough encoded size of records, for {@link LeaseRequest#maxBytes()} and budget estimates. */
  static final int SAMPLE_BYTES = 40;

  static final int ROLLUP_BYTES = 120;
  static final int INCREMENT_BYTES = 60;
  static final String REASON_BUDGET = "budget";
  static final String REASON_AGE = "age";
  static final String REASON_LATE = "late";
  static final String REASON_UNROUTED = "unrouted";
  static final String REASON_REJECTED = "rejected";
  /** Counted like drops but not a loss: reported under {@link BufferStats#events()}. */
  static final String EVENT_COUNTER_RESET = "counter-reset";

  static final String EVENT_COUNTER_INVALID = "counter-invalid";
  /** Closed intervals stay reopenable (with reopenLate) this long after they close, at least. */
  static final long REOPEN_HORIZON_MICROS = 3_600_000_000L;

  private final Connection conn;
  private final Statement st;
  private final BufferOptions options;
  private final InstantSource clock;
  private final Path file;

  private final Map<ChannelId, Integer> chIds = new HashMap<>();
  /** Channel by integer key, and its rank in (instrument, channel) order: array lookups on the hot paths. */
  private ChannelId[] byId = new ChannelId[64];

  private int[] rankById = new int[64];

  private final Map<String, Integer> uplinkBits = new HashMap<>();
  private final Map<String, UplinkLeases> uplinks = new HashMap<>();
  private Routing routing = new Routing(Map.of());

  private long nextSeq;
  private long nextRollupId;
  private long nextIncrId;
  private final long[] rawDepth = new long[64];
  private long rawRows;
  private long appended;
  private long refused;
  private final Map<DropKey, Long> drops = new HashMap<>();
  private final Map<Integer, Double> counterCache = new HashMap<>();
  private final Map<Integer, Long> counterTimeCache = new HashMap<>();
  private boolean budgetExhaustedLogged;

  private final PreparedStatement insertRaw;
  private final PreparedStatement insertFast;
  private final PreparedStatement rowExists;
  private final PreparedStatement lastSeq;
  private final PreparedStatement upsertRollup;
  private final PreparedStatement insertPoint;
  private final PreparedStatement upsertIncr;
  private final PreparedStatement upsertCounter;
  private final PreparedStatement upsertDrop;
  private final PreparedStatement scanRaw;
  private final PreparedStatement deleteRawRange;
  private final PreparedStatement clearRawRange;
  private final PreparedStatement setMeta;
  private final RollupCloser rollupCloser;

  record DropKey(int ch, String reason) {}

  BufferStore(Connection conn, BufferOptions options, InstantSource clock) throws SQLException {
    this.conn = conn;
    this.st = conn.createStatement();
    this.options = options;
    this.clock = clock;
    this.file = options.file();
    insertRaw = conn.prepareStatement("INSERT INTO raw(seq, ch, t, v, q, txt, pending) VALUES (?,?,?,?,?,?,?)");
    insertFast = conn.prepareStatement("INSERT INTO raw(ch, t, v, q, pending) VALUES (?,?,?,?,?)");
    rowExists = conn.prepareStatement("SELECT 1 FROM raw WHERE seq = ?");
    lastSeq = conn.prepareStatement("SELECT max(seq) FROM raw");
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
    upsertIncr =
        conn.prepareStatement(
            "INSERT INTO incr(id, ch, bucket, width, v, sealed, pending) VALUES (?,?,?,?,?,0,?)"
                + " ON CONFLICT(ch, bucket) WHERE sealed = 0 DO UPDATE SET v = v + excluded.v,"
                + " pending = pending | excluded.pending");
    upsertCounter =
        conn.prepareStatement(
            "INSERT INTO counter_state(ch, value, t) VALUES (?,?,?)"
                + " ON CONFLICT(ch) DO UPDATE SET value = excluded.value, t = excluded.t");
    upsertDrop =
        conn.prepareStatement(
            "INSERT INTO dropped(ch, reason, n) VALUES (?,?,?) ON CONFLICT(ch, reason) DO UPDATE SET n = n + excluded.n");
    scanRaw =
        conn.prepareStatement(
            // ch, quality and the two NULL flags packed into one integer: every column getter is a
            // JNI call, and the drain rate is mostly the number of those calls.
            // Bits 0-31 ch, 32-37 q, 38 text, 39 NULL value, 40-62 seq minus the lower bound.
            "SELECT ((seq - ?1) << 40) | ch | (q << 32) | ((txt IS NOT NULL) << 38) | ((v IS NULL) << 39), t, v, txt"
                + " FROM raw WHERE seq BETWEEN ?1 AND ?2 AND (pending & ?3) != 0 ORDER BY seq LIMIT ?4");
    deleteRawRange = conn.prepareStatement("DELETE FROM raw WHERE seq BETWEEN ? AND ? AND pending = ?");
    clearRawRange =
        conn.prepareStatement(
            "UPDATE raw SET pending = pending & ? WHERE seq BETWEEN ? AND ? AND (pending & ?) != 0");
    setMeta =
        conn.prepareStatement(
            "INSERT INTO buffer_meta(key, value) VALUES (?,?) ON CONFLICT(key) DO UPDATE SET value = excluded.value");
    rollupCloser = new RollupCloser(conn);
    load();
  }

  // ---------------------------------------------------------------- startup

  private void load() throws SQLException {
    try (ResultSet rs = st.executeQuery("SELECT id, instrument, name FROM channel")) {
      while (rs.next()) {
        ChannelId id = new ChannelId(rs.getString(2), rs.getString(3));
        remember(id, rs.getInt(1));
      }
    }
    rerank();
    try (ResultSet rs = st.executeQuery("SELECT bit, name FROM uplink")) {
      while (rs.next()) {
        uplinkBits.put(rs.getString(2), rs.getInt(1));
      }
    }
    long metaSeq = meta("raw_seq");
    nextSeq = Math.max(metaSeq, longQuery("SELECT coalesce(max(seq), 0) FROM raw")) + 1;
    nextRollupId = Math.max(meta("rollup_id"), longQuery("SELECT coalesce(max(id), 0) FROM rollup")) + 1;
    nextIncrId = Math.max(meta("incr_id"), longQuery("SELECT coalesce(max(id), 0) FROM incr")) + 1;
    // One aggregate pass: per-uplink depth is then maintained in memory, never recounted.
    try (ResultSet rs = st.executeQuery("SELECT pending, count(*) FROM raw GROUP BY pending")) {
      while (rs.next()) {
        long mask = rs.getLong(1);
        long n = rs.getLong(2);
        rawRows += n;
        addDepth(rawDepth, mask, n);
      }
    }
    try (ResultSet rs = st.executeQuery("SELECT ch, reason, n FROM dropped")) {
      while (rs.next()) {
        drops.put(new DropKey(rs.getInt(1), rs.getString(2)), rs.getLong(3));
      }
    }
  }

  private long meta(String key) throws SQLException {
    try (PreparedStatement ps = conn.prepareStatement("SELECT value FROM buffer_meta WHERE key = ?")) {
      ps.setString(1, key);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getLong(1) : 0;
      }
    }
  }

  private long longQuery(String sql) throws SQLException {
    try (ResultSet rs = st.executeQuery(sql)) {
      return rs.next() ? rs.getLong(1) : 0;
    }
  }

  // ---------------------------------------------------------------- configuration

  void configure(List<ChannelSpec> specs) throws SQLException {
    Set<ChannelId> ids = new HashSet<>();
    Set<String> names = new HashSet<>();
    for (ChannelSpec s : specs) {
      ids.add(s.id());
      names.addAll(s.routes().keySet());
    }
    ensureChannels(ids);
    for (String name : names.stream().sorted().toList()) {
      uplinkBit(name, true);
    }
    routing = Routing.of(specs, chIds::get, n -> uplinkBits.get(n));
  }

  Routing routing() {
    return routing;
  }

  /** The uplink's bit, registering the uplink when {@code create}; -1 when unknown. */
  private int uplinkBit(String name, boolean create) throws SQLException {
    Integer bit = uplinkBits.get(name);
    if (bit != null || !create) {
      return bit == null ? -1 : bit;
    }
    int free = 0;
    Set<Integer> used = new HashSet<>(uplinkBits.values());
    while (used.contains(free)) {
      free++;
    }
    if (free >= MAX_UPLINKS) {
      throw new IllegalArgumentException("at most " + MAX_UPLINKS + " uplinks can route from one buffer");
    }
    try (PreparedStatement ps = conn.prepareStatement("INSERT INTO uplink(bit, name) VALUES (?, ?)")) {
      ps.setInt(1, free);
      ps.setString(2, name);
      ps.executeUpdate();
    }
    uplinkBits.put(name, free);
    return free;
  }

  private void ensureChannels(Collection<ChannelId> ids) throws SQLException {
    List<ChannelId> missing = ids.stream().filter(id -> !chIds.containsKey(id)).distinct().toList();
    if (missing.isEmpty()) {
      return;
    }
    // Autocommit: the dictionary only grows, so a row without samples is harmless.
    try (PreparedStatement ps =
        conn.prepareStatement("INSERT INTO channel(instrument, name) VALUES (?, ?) RETURNING id")) {
      for (ChannelId id : missing) {
        ps.setString(1, id.instrument());
        ps.setString(2, id.channel());
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          remember(id, rs.getInt(1));
        }
      }
    }
    rerank();
  }

  private void remember(ChannelId id, int key) {
    chIds.put(id, key);
    if (key >= byId.length) {
      byId = java.util.Arrays.copyOf(byId, Math.max(key + 1, byId.length * 2));
      rankById = java.util.Arrays.copyOf(rankById, byId.length);
    }
    byId[key] = id;
  }

  private void rerank() {
    List<ChannelId> sorted = chIds.keySet().stream().sorted().toList();
    for (int i = 0; i < sorted.size(); i++) {
      rankById[chIds.get(sorted.get(i))] = i;
    }
  }

  private ChannelId channel(int key) {
    return key >= 0 && key < byId.length ? byId[key] : null;
  }

  // ---------------------------------------------------------------- append

  /** Stores one batch in one transaction (budget shedding first). Throws when nothing was stored. */
  void append(List<Sample> samples) throws SQLException {
    // One routing lookup per sample; unconfigured channels still get a dictionary id (for the
    // unrouted drop counter), registered before the batch transaction.
    ChannelRoute[] routes = new ChannelRoute[samples.size()];
    Set<ChannelId> unknown = null;
    for (int i = 0; i < routes.length; i++) {
      ChannelId id = samples.get(i).channel();
      routes[i] = routing.get(id);
      if (routes[i] == null && !chIds.containsKey(id)) {
        if (unknown == null) {
          unknown = new HashSet<>();
        }
        unknown.add(id);
      }
    }
    if (unknown != null) {
      ensureChannels(unknown);
    }
    long now = MicroTime.now(clock);
    Tx tx = new Tx();
    begin();
    try {
      if (options.maxBytes() > 0) {
        shedForBudget(estimateBytes(samples), tx);
      }
      long seq = nextSeq;
      boolean tailPresent = rowExists(nextSeq - 1);
      int fastRows = 0;
      Map<IntervalAgg.Key, IntervalAgg> intervals = new LinkedHashMap<>();
      long[] perRoute = new long[routing.channels().size()];
      boolean anyRaw = false;
      boolean anyRollup = false;
      boolean anyIncr = false;
      for (int i = 0; i < routes.length; i++) {
        Sample s = samples.get(i);
        ChannelRoute r = routes[i];
        if (r == null) {
          tx.drop(chIds.get(s.channel()), REASON_UNROUTED, 1);
          continue;
        }
        if (r.rawMask() != 0) {
          // Common case (numeric, after the tail row): 5 parameters and SQLite's rowid = max + 1,
          // which is exactly seq. Text rows, and the first row after the tail was deleted, name
          // their seq explicitly; the fast batch is flushed first so that order is kept.
          if (!tailPresent || s.isText()) {
            if (fastRows > 0) {
              insertFast.executeBatch();
              fastRows = 0;
            }
            bindRaw(insertRaw, seq, r, s);
            insertRaw.executeUpdate();
            tailPresent = true;
          } else {
            insertFast.setInt(1, r.chId());
            insertFast.setLong(2, s.timeMicros());
            if (Double.isNaN(s.value())) {
              insertFast.setNull(3, Types.REAL);
            } else {
              insertFast.setDouble(3, s.value());
            }
            insertFast.setInt(4, s.quality().code());
            insertFast.setLong(5, r.rawMask());
            insertFast.addBatch();
            fastRows++;
          }
          seq++;
          perRoute[r.ordinal()]++;
          anyRaw = true;
        }
        if (usable(s)) {
          if (r.rollupMask() != 0 && r.rollup().isPresent()) {
            anyRollup |= addToRollup(r, r.rollup().get(), s, now, tx, intervals);
          }
          if (r.incrementMask() != 0 && r.counter().isPresent()) {
            anyIncr |= addIncrement(r, r.counter().get(), s, tx);
          }
        }
      }
      if (fastRows > 0) {
        insertFast.executeBatch();
      }
      if (anyRaw && lastSeq() != seq - 1) {
        throw new IllegalStateException("raw sequence out of step: expected " + (seq - 1) + ", found " + lastSeq());
      }
      if (anyRollup) {
        writeIntervals(intervals.values());
        insertPoint.executeBatch();
      }
      if (anyIncr) {
        upsertIncr.executeBatch();
        upsertCounter.executeBatch();
      }
      for (ChannelRoute r : routing.channels().values()) {
        long n = perRoute[r.ordinal()];
        if (n > 0) {
          tx.depth(r.rawMask(), n);
          tx.rows += n;
        }
      }
      tx.nextSeq = seq;
      writeDrops(tx);
      writeSequences(tx);
      commit();
    } catch (SQLException | RuntimeException e) {
      insertFast.clearBatch();
      upsertRollup.clearBatch();
      insertPoint.clearBatch();
      upsertIncr.clearBatch();
      upsertCounter.clearBatch();
      rollbackQuietly();
      throw e;
    }
    apply(tx);
    appended += samples.size();
  }

  private void bindRaw(PreparedStatement ps, long seq, ChannelRoute r, Sample s) throws SQLException {
    ps.setLong(1, seq);
    ps.setInt(2, r.chId());
    ps.setLong(3, s.timeMicros());
    if (s.isText() || Double.isNaN(s.value())) {
      ps.setNull(4, Types.REAL);
    } else {
      ps.setDouble(4, s.value());
    }
    ps.setInt(5, s.quality().code());
    if (s.isText()) {
      ps.setString(6, s.text());
    } else {
      ps.setNull(6, Types.VARCHAR);
    }
    ps.setLong(7, r.rawMask());
  }

  private boolean rowExists(long seq) throws SQLException {
    rowExists.setLong(1, seq);
    try (ResultSet rs = rowExists.executeQuery()) {
      return rs.next();
    }
  }

  private long lastSeq() throws SQLException {
    try (ResultSet rs = lastSeq.executeQuery()) {
      return rs.next() ? rs.getLong(1) : 0;
    }
  }

  void countRefused(long n) {
    refused += n;
  }

  private static boolean usable(Sample s) {
    return !s.isText() && s.quality() != Quality.BAD && Double.isFinite(s.value());
  }

  private static long estimateBytes(List<Sample> samples) {
    long bytes = 0;
    for (Sample s : samples) {
      bytes += SAMPLE_BYTES + (s.isText() ? s.text().length() * 2L : 0);
    }
    return bytes;
  }

  /** Pending changes of one transaction, applied to memory only after it committed. */
  private final class Tx {
    final long[] depth = new long[64];
    long rows;
    long nextSeq = BufferStore.this.nextSeq;
    long nextRollupId = BufferStore.this.nextRollupId;
    long nextIncrId = BufferStore.this.nextIncrId;
    final long nextIncrIdBefore = BufferStore.this.nextIncrId;
    final Map<DropKey, Long> drops = new HashMap<>();
    final Map<Integer, Double> counters = new HashMap<>();
    final Map<Integer, Long> counterTimes = new HashMap<>();

    void drop(int ch, String reason, long n) {
      drops.merge(new DropKey(ch, reason), n, Long::sum);
    }

    void depth(long mask, long n) {
      addDepth(depth, mask, n);
    }
  }

  private void apply(Tx tx) {
    for (int i = 0; i < 64; i++) {
      rawDepth[i] += tx.depth[i];
    }
    rawRows += tx.rows;
    nextSeq = tx.nextSeq;
    nextRollupId = tx.nextRollupId;
    nextIncrId = tx.nextIncrId;
    tx.drops.forEach((k, v) -> drops.merge(k, v, Long::sum));
    counterCache.putAll(tx.counters);
    counterTimeCache.putAll(tx.counterTimes);
  }

  private void writeDrops(Tx tx) throws SQLException {
    if (tx.drops.isEmpty()) {
      return;
    }
    for (var e : tx.drops.entrySet()) {
      upsertDrop.setInt(1, e.getKey().ch());
      upsertDrop.setString(2, e.getKey().reason());
      upsertDrop.setLong(3, e.getValue());
      upsertDrop.addBatch();
    }
    upsertDrop.executeBatch();
  }

  private void writeSequences(Tx tx) throws SQLException {
    // Sequences never go back, even when every row was deleted: ids stay unique across restarts.
    if (tx.nextSeq != nextSeq) {
      setMeta.setString(1, "raw_seq");
      setMeta.setLong(2, tx.nextSeq - 1);
      setMeta.addBatch();
    }
    if (tx.nextRollupId != nextRollupId) {
      setMeta.setString(1, "rollup_id");
      setMeta.setLong(2, tx.nextRollupId - 1);
      setMeta.addBatch();
    }
    if (tx.nextIncrId != tx.nextIncrIdBefore) {
      setMeta.setString(1, "incr_id");
      setMeta.setLong(2, tx.nextIncrId - 1);
      setMeta.addBatch();
    }
    setMeta.executeBatch();
  }

  private static void addDepth(long[] depth, long mask, long n) {
    long m = mask;
    while (m != 0) {
      int bit = Long.numberOfTrailingZeros(m);
      depth[bit] += n;
      m &= m - 1;
    }
  }

  // ---------------------------------------------------------------- rollups

  private boolean addToRollup(
      ChannelRoute r, RollupSpec spec, Sample s, long now, Tx tx, Map<IntervalAgg.Key, IntervalAgg> intervals)
      throws SQLException {
    long start = spec.intervalStart(s.timeMicros());
    long every = spec.everyMicros();
    long closeAt = start + every + spec.grace().toNanos() / 1000;
    if (now >= closeAt && (!spec.reopenLate() || now >= closeAt + reopenHorizon(every))) {
      tx.drop(r.chId(), REASON_LATE, 1);
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

  private void writeIntervals(Collection<IntervalAgg> intervals) throws SQLException {
    for (IntervalAgg a : intervals) {
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
    upsertRollup.executeBatch();
  }

  static long reopenHorizon(long everyMicros) {
    return Math.max(REOPEN_HORIZON_MICROS, everyMicros);
  }

  /** Closes every open interval whose grace ran out (one transaction) and queues it for uplinks. */
  void closeDueRollups() throws SQLException {
    nextRollupId = rollupCloser.closeDue(MicroTime.now(clock), routing, nextRollupId);
  }

  /** When {@link #closeDueRollups} next has work, in micros ({@code Long.MAX_VALUE}: none open). */
  long nextRollupDueMicros() throws SQLException {
    return rollupCloser.nextDueMicros();
  }

  /**
   * When {@link #shedByAge} next has work, in micros: the oldest time among the first rows of the
   * queue (the chunk a pass looks at first) plus the age limit; {@code Long.MAX_VALUE} without an
   * age limit or rows.
   */
  long nextAgeDueMicros() throws SQLException {
    if (options.maxAge().isZero() || rawRows == 0) {
      return Long.MAX_VALUE;
    }
    try (Statement q = conn.createStatement();
        ResultSet rs = q.executeQuery("SELECT min(t) FROM (SELECT t FROM raw ORDER BY seq LIMIT 10000)")) {
      long oldest = rs.next() ? rs.getLong(1) : 0;
      return rs.wasNull() ? Long.MAX_VALUE : oldest + options.maxAge().toNanos() / 1000;
    }
  }

  // ---------------------------------------------------------------- increments

  private boolean addIncrement(ChannelRoute r, CounterSpec spec, Sample s, Tx tx) throws SQLException {
    double delta;
    if (r.kind() == ValueKind.COUNTER) {
      Double previous = tx.counters.containsKey(r.chId()) ? tx.counters.get(r.chId()) : previousCounter(r.chId());
      Long previousTime =
          tx.counterTimes.containsKey(r.chId()) ? tx.counterTimes.get(r.chId()) : counterTimeCache.get(r.chId());
      if (previous != null && previousTime != null && s.timeMicros() < previousTime) {
        tx.drop(r.chId(), EVENT_COUNTER_INVALID, 1);
        return false;
      }
      CounterStep step = CounterStep.of(previous == null ? Double.NaN : previous, s.value(), spec.wrap());
      if (step instanceof CounterStep.Delta d) {
        delta = d.delta();
      } else if (step instanceof CounterStep.Reset reset) {
        delta = reset.delta();
        tx.drop(r.chId(), EVENT_COUNTER_RESET, 1);
      } else if (step instanceof CounterStep.Baseline) {
        delta = 0;
      } else {
        tx.drop(r.chId(), EVENT_COUNTER_INVALID, 1);
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

  // ---------------------------------------------------------------- budget and age

  long usedBytes() throws SQLException {
    long pages = longQuery("PRAGMA page_count");
    long free = longQuery("PRAGMA freelist_count");
    long size = longQuery("PRAGMA page_size");
    return (pages - free) * size;
  }

  /**
   * Makes room for {@code incoming} bytes inside the budget, within the current transaction:
   * raw samples of channels with rollups first (their intervals survive as rollups), then the
   * oldest raw samples, then the oldest closed rollups, then the oldest increments.
   */
  private void shedForBudget(long incoming, Tx tx) throws SQLException {
    long target = Math.max(0, options.maxBytes() - incoming);
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
            case 0 -> shedRaw("ch IN (" + rollupChannels + ")", n, REASON_BUDGET, tx);
            case 1 -> shedRaw("1", n, REASON_BUDGET, tx);
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
          options.maxBytes(), used);
    }
  }

  /** Deletes the {@code n} oldest raw rows matching {@code where}, counting them per channel. */
  private long shedRaw(String where, int n, String reason, Tx tx) throws SQLException {
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

  private long shedDerived(String table, int n, Tx tx) throws SQLException {
    String oldest = "SELECT id FROM " + table + " ORDER BY id LIMIT " + n;
    long total = 0;
    try (ResultSet rs =
        st.executeQuery("SELECT ch, count(*) FROM " + table + " WHERE id IN (" + oldest + ") GROUP BY ch")) {
      while (rs.next()) {
        tx.drop(rs.getInt(1), REASON_BUDGET + "-" + table, rs.getLong(2));
        total += rs.getLong(2);
      }
    }
    if (total > 0) {
      st.executeUpdate("DELETE FROM " + table + " WHERE id IN (" + oldest + ")");
    }
    return total;
  }

  /**
   * Drops raw samples older than the maximum age. Walks the queue in sequence order (roughly
   * time order) a chunk at a time and stops at the first chunk that reaches young samples, so a
   * pass costs little however big the backlog.
   */
  void shedByAge() throws SQLException {
    if (options.maxAge().isZero() || rawRows == 0) {
      return;
    }
    long cutoff = MicroTime.now(clock) - options.maxAge().toNanos() / 1000;
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
      Tx tx = new Tx();
      begin();
      try {
        shedRaw("seq BETWEEN " + lo + " AND " + hi + " AND t < " + cutoff, Integer.MAX_VALUE, REASON_AGE, tx);
        writeDrops(tx);
        commit();
      } catch (SQLException | RuntimeException e) {
        rollbackQuietly();
        throw e;
      }
      apply(tx);
      if (young) {
        return;
      }
      from = hi + 1;
    }
  }

  // ---------------------------------------------------------------- leases

  private UplinkLeases leases(String uplink) {
    Integer bit = uplinkBits.get(uplink);
    if (bit == null) {
      return null;
    }
    return uplinks.computeIfAbsent(uplink, n -> new UplinkLeases(n, bit));
  }

  /** Releases leases whose time ran out (their rows become leasable again). */
  void expireLeases() {
    long now = MicroTime.now(clock);
    for (UplinkLeases u : uplinks.values()) {
      List<SqliteLease> expired = u.live.values().stream().filter(l -> l.expiresAtMicros() <= now).toList();
      for (SqliteLease l : expired) {
        forget(u, l);
      }
    }
  }

  /** When the next live lease expires, in micros ({@code Long.MAX_VALUE}: none live). */
  long nextLeaseExpiryMicros() {
    long next = Long.MAX_VALUE;
    for (UplinkLeases u : uplinks.values()) {
      for (SqliteLease l : u.live.values()) {
        next = Math.min(next, l.expiresAtMicros());
      }
    }
    return next;
  }

  private void forget(UplinkLeases u, SqliteLease l) {
    if (u.live.remove(l.leaseId()) == null) {
      return;
    }
    for (UplinkLeases.Segment s : l.rawSegments()) {
      u.rawSegments.remove(s.lo());
    }
    l.rollups().forEach(r -> u.rollupIds.remove(r.id()));
    l.increments().forEach(r -> u.incrIds.remove(r.id()));
  }

  SqliteLease lease(String uplink, LeaseRequest request, SqliteBuffer owner) throws SQLException {
    long now = MicroTime.now(clock);
    UplinkLeases u = leases(uplink);
    if (u == null) {
      return SqliteLease.empty(uplink, owner);
    }
    expireLeases();
    long[] budget = {request.maxBytes()};
    int room = request.maxRecords();
    List<RollupRecord> rollups = scanRollups(u, room, budget);
    room -= rollups.size();
    List<IncrementRecord> increments = room > 0 ? scanIncrements(u, room, budget, now) : List.of();
    room -= increments.size();
    List<UplinkLeases.Segment> segments = new ArrayList<>();
    List<SampleRecord> samples =
        room > 0 && budget[0] > 0 ? orderByChannelThenTime(scanRaw(u, room, budget, segments)) : List.of();
    if (!increments.isEmpty()) {
      sealIncrements(increments);
    }
    if (samples.isEmpty() && rollups.isEmpty() && increments.isEmpty()) {
      return SqliteLease.empty(uplink, owner);
    }
    long ttlMicros = request.ttl().toNanos() / 1000;
    SqliteLease lease =
        new SqliteLease(
            owner, uplink, u.nextLeaseId++, now + ttlMicros, samples, rollups, increments,
            segments);
    u.live.put(lease.leaseId(), lease);
    for (UplinkLeases.Segment s : segments) {
      u.rawSegments.put(s.lo(), s.hi());
    }
    rollups.forEach(r -> u.rollupIds.add(r.id()));
    increments.forEach(r -> u.incrIds.add(r.id()));
    return lease;
  }

  /**
   * Rows of one raw scan in sequence order, held as parallel primitive arrays: the scan loop does
   * only column reads, and the record objects are built once, directly in lease order.
   */
  private static final class RawRows {
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

    void ensureRoom() {
      if (n < seq.length) {
        return;
      }
      int c = seq.length * 2;
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
  private List<SampleRecord> orderByChannelThenTime(RawRows rows) {
    int n = rows.n;
    if (n == 0) {
      return List.of();
    }
    int ranks = chIds.size() + 1;
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
    SampleRecord[] out = new SampleRecord[n];
    for (int k = 0; k < n; k++) {
      int i = order[k];
      ChannelId ch = channel(rows.ch[i]);
      Quality q = Quality.ofCode(rows.q[i]);
      String txt = rows.txt == null ? null : rows.txt[i];
      Sample sample = txt == null ? new Sample(ch, t[i], rows.v[i], null, q) : Sample.text(ch, t[i], txt, q);
      out[k] = new SampleRecord(rows.seq[i], sample);
    }
    return java.util.Collections.unmodifiableList(java.util.Arrays.asList(out));
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

  /**
   * Sequences read by one scan query are packed as an offset from the query's lower bound into
   * the bits above channel, quality and NULL flags; a query covers at most this many sequences.
   */
  private static final long SCAN_WINDOW = (1L << 23) - 1;

  private RawRows scanRaw(UplinkLeases u, int limit, long[] budget, List<UplinkLeases.Segment> segments)
      throws SQLException {
    RawRows rows = new RawRows(Math.max(16, Math.min(limit, 10_000)));
    long pos = u.rawFloor;
    boolean fromFloor = true;
    long newFloor = Long.MAX_VALUE;
    long mask = 1L << u.bit;
    while (rows.n < limit && budget[0] > 0) {
      var covering = u.rawSegments.floorEntry(pos);
      if (covering != null && covering.getValue() >= pos) {
        newFloor = Math.min(newFloor, covering.getKey());
        pos = covering.getValue() + 1;
        continue;
      }
      var next = u.rawSegments.ceilingEntry(pos);
      long upper = next == null ? Long.MAX_VALUE : next.getKey() - 1;
      long window = pos > Long.MAX_VALUE - SCAN_WINDOW ? Long.MAX_VALUE : Math.min(upper, pos + SCAN_WINDOW);
      int want = limit - rows.n;
      int got = 0;
      int first = rows.n;
      scanRaw.setLong(1, pos);
      scanRaw.setLong(2, window);
      scanRaw.setLong(3, mask);
      scanRaw.setInt(4, want);
      try (ResultSet rs = scanRaw.executeQuery()) {
        while (rs.next()) {
          got++;
          long packed = rs.getLong(1);
          int i = rows.n;
          rows.ensureRoom();
          int key = (int) (packed & 0xffff_ffffL);
          rows.seq[i] = pos + (packed >>> 40);
          rows.ch[i] = key;
          rows.q[i] = (byte) ((packed >>> 32) & 0x3f);
          rows.rank[i] = key < rankById.length ? rankById[key] : 0;
          rows.t[i] = rs.getLong(2);
          rows.v[i] = (packed & (1L << 39)) != 0 ? Double.NaN : rs.getDouble(3);
          int bytes = SAMPLE_BYTES;
          if ((packed & (1L << 38)) != 0) {
            String txt = rs.getString(4);
            rows.text(i, txt);
            bytes += txt.length();
          }
          rows.n++;
          budget[0] -= bytes;
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
      if (got < want && window < upper && window < nextSeq - 1) {
        pos = window + 1; // the window ended before the next leased range: scan on
        continue;
      }
      if (got < want && next == null) {
        break;
      }
      if (got < want) {
        newFloor = Math.min(newFloor, next.getKey());
        pos = next.getValue() + 1;
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

  private List<RollupRecord> scanRollups(UplinkLeases u, int limit, long[] budget) throws SQLException {
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
                  id, channel(rs.getInt(2)), rs.getLong(3), rs.getLong(4), rs.getLong(5), rs.getDouble(6),
                  rs.getDouble(7), rs.getDouble(8), rs.getDouble(9), rs.getDouble(10), rs.getDouble(11), twa,
                  rs.getInt(13)));
          budget[0] -= ROLLUP_BYTES;
        }
      }
    }
    out.sort(Comparator.comparing(RollupRecord::channel).thenComparingLong(RollupRecord::startMicros)
        .thenComparingInt(RollupRecord::revision));
    return List.copyOf(out);
  }

  private List<IncrementRecord> scanIncrements(UplinkLeases u, int limit, long[] budget, long now)
      throws SQLException {
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
              new IncrementRecord(id, channel(rs.getInt(2)), rs.getLong(3), rs.getLong(4), rs.getDouble(5)));
          budget[0] -= INCREMENT_BYTES;
        }
      }
    }
    out.sort(Comparator.comparing(IncrementRecord::channel).thenComparingLong(IncrementRecord::bucketStartMicros)
        .thenComparingLong(IncrementRecord::id));
    return List.copyOf(out);
  }

  /** A bucket handed to an uplink no longer grows: later increments of it start a new row. */
  private void sealIncrements(List<IncrementRecord> increments) throws SQLException {
    begin();
    try (PreparedStatement ps = conn.prepareStatement("UPDATE incr SET sealed = 1 WHERE id = ?")) {
      for (IncrementRecord r : increments) {
        ps.setLong(1, r.id());
        ps.addBatch();
      }
      ps.executeBatch();
      commit();
    } catch (SQLException | RuntimeException e) {
      rollbackQuietly();
      throw e;
    }
  }

  /**
   * Completes a lease: {@code done} records are acknowledged (or rejected with {@code reason}), the
   * rest released. Idempotent towards rows that budget shedding already removed.
   */
  void complete(SqliteLease lease, Set<Long> samplesDone, Set<Long> rollupsDone, Set<Long> incrementsDone,
      String rejectReason) throws SQLException {
    UplinkLeases u = uplinks.get(lease.uplink());
    if (u == null) {
      return;
    }
    // null = every record of that kind in the lease (the common full ack: no id sets at all).
    java.util.function.LongPredicate doneSample = samplesDone == null ? x -> true : samplesDone::contains;
    Set<Long> doneRollups = rollupsDone != null ? rollupsDone : ids(lease.rollups());
    Set<Long> doneIncrements = incrementsDone != null ? incrementsDone : ids(lease.increments());
    boolean anySample = samplesDone == null ? !lease.samples().isEmpty() : !samplesDone.isEmpty();
    if (!anySample && doneRollups.isEmpty() && doneIncrements.isEmpty()) {
      forget(u, lease);
      return;
    }
    long bit = 1L << u.bit;
    Tx tx = new Tx();
    begin();
    try {
      long changed = 0;
      long deleted = 0;
      for (UplinkLeases.Segment s : lease.rawSegments()) {
        long[] seqs = s.seqs();
        int i = 0;
        while (i < seqs.length) {
          if (!doneSample.test(seqs[i])) {
            i++;
            continue;
          }
          int j = i;
          while (j + 1 < seqs.length && doneSample.test(seqs[j + 1])) {
            j++;
          }
          deleteRawRange.setLong(1, seqs[i]);
          deleteRawRange.setLong(2, seqs[j]);
          deleteRawRange.setLong(3, bit);
          long d = deleteRawRange.executeUpdate();
          long c = 0;
          // The only rows in [seqs[i], seqs[j]] with this uplink's bit are the leased ones (the
          // scan read them all, sequences only grow): when the delete took every one of them,
          // no row is left whose bit must be cleared, and the second range scan is skipped.
          if (d != j - i + 1) {
            clearRawRange.setLong(1, ~bit);
            clearRawRange.setLong(2, seqs[i]);
            clearRawRange.setLong(3, seqs[j]);
            clearRawRange.setLong(4, bit);
            c = clearRawRange.executeUpdate();
          }
          deleted += d;
          changed += d + c;
          i = j + 1;
        }
      }
      completeDerived("rollup", doneRollups, bit);
      completeDerived("incr", doneIncrements, bit);
      if (rejectReason != null) {
        Map<ChannelId, Long> perChannel = new HashMap<>();
        lease.samples().stream().filter(r -> doneSample.test(r.id()))
            .forEach(r -> perChannel.merge(r.channel(), 1L, Long::sum));
        lease.rollups().stream().filter(r -> doneRollups.contains(r.id()))
            .forEach(r -> perChannel.merge(r.channel(), 1L, Long::sum));
        lease.increments().stream().filter(r -> doneIncrements.contains(r.id()))
            .forEach(r -> perChannel.merge(r.channel(), 1L, Long::sum));
        perChannel.forEach((ch, n) -> tx.drop(chIds.get(ch), REASON_REJECTED, n));
        writeDrops(tx);
      }
      commit();
      tx.depth[u.bit] -= changed;
      tx.rows -= deleted;
    } catch (SQLException | RuntimeException e) {
      rollbackQuietly();
      throw e;
    }
    apply(tx);
    forget(u, lease);
  }

  private static Set<Long> ids(List<? extends BufferRecord> records) {
    Set<Long> ids = new HashSet<>();
    records.forEach(r -> ids.add(r.id()));
    return ids;
  }

  private void completeDerived(String table, Set<Long> ids, long bit) throws SQLException {
    if (ids.isEmpty()) {
      return;
    }
    try (PreparedStatement del = conn.prepareStatement("DELETE FROM " + table + " WHERE id = ? AND pending = ?");
        PreparedStatement clear =
            conn.prepareStatement("UPDATE " + table + " SET pending = pending & ? WHERE id = ?")) {
      for (long id : ids) {
        del.setLong(1, id);
        del.setLong(2, bit);
        del.addBatch();
        clear.setLong(1, ~bit);
        clear.setLong(2, id);
        clear.addBatch();
      }
      del.executeBatch();
      clear.executeBatch();
    }
  }

  void release(SqliteLease lease) {
    UplinkLeases u = uplinks.get(lease.uplink());
    if (u != null) {
      forget(u, lease);
    }
  }

  // ---------------------------------------------------------------- key/value

  Optional<String> kvGet(String uplink, String key) throws SQLException {
    try (PreparedStatement ps = conn.prepareStatement("SELECT value FROM kv WHERE uplink = ? AND key = ?")) {
      ps.setString(1, uplink);
      ps.setString(2, key);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
      }
    }
  }

  void kvPut(String uplink, String key, String value) throws SQLException {
    try (PreparedStatement ps =
        conn.prepareStatement(
            "INSERT INTO kv(uplink, key, value) VALUES (?,?,?) ON CONFLICT(uplink, key) DO UPDATE SET value = excluded.value")) {
      ps.setString(1, uplink);
      ps.setString(2, key);
      ps.setString(3, value);
      ps.executeUpdate();
    }
  }

  void kvRemove(String uplink, String key) throws SQLException {
    try (PreparedStatement ps = conn.prepareStatement("DELETE FROM kv WHERE uplink = ? AND key = ?")) {
      ps.setString(1, uplink);
      ps.setString(2, key);
      ps.executeUpdate();
    }
  }

  Map<String, String> kvEntries(String uplink, String prefix) throws SQLException {
    Map<String, String> out = new LinkedHashMap<>();
    try (PreparedStatement ps =
        conn.prepareStatement(
            "SELECT key, value FROM kv WHERE uplink = ? AND substr(key, 1, length(?2)) = ?2 ORDER BY key")) {
      ps.setString(1, uplink);
      ps.setString(2, prefix);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.put(rs.getString(1), rs.getString(2));
        }
      }
    }
    return out;
  }

  // ---------------------------------------------------------------- stats

  BufferStats stats() throws SQLException {
    Map<String, BufferStats.UplinkBacklog> backlog = new java.util.TreeMap<>();
    for (var e : uplinkBits.entrySet()) {
      long mask = 1L << e.getValue();
      UplinkLeases u = uplinks.get(e.getKey());
      long floor = u == null ? 0 : u.rawFloor;
      long oldest = 0;
      try (PreparedStatement ps =
          conn.prepareStatement("SELECT t FROM raw WHERE seq >= ? AND (pending & ?) != 0 ORDER BY seq LIMIT 1")) {
        ps.setLong(1, floor);
        ps.setLong(2, mask);
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next()) {
            oldest = rs.getLong(1);
          }
        }
      }
      long rollups = count("SELECT count(*) FROM rollup WHERE (pending & ?) != 0", mask);
      long incrs = count("SELECT count(*) FROM incr WHERE (pending & ?) != 0", mask);
      backlog.put(e.getKey(), new BufferStats.UplinkBacklog(rawDepth[e.getValue()], rollups, incrs, oldest));
    }
    Map<String, Long> dropped = new java.util.TreeMap<>();
    Map<String, Long> events = new java.util.TreeMap<>();
    drops.forEach(
        (k, v) -> {
          String key = channel(k.ch()) + " " + k.reason();
          if (k.reason().equals(EVENT_COUNTER_RESET) || k.reason().equals(EVENT_COUNTER_INVALID)) {
            events.put(key, v);
          } else {
            dropped.put(key, v);
          }
        });
    return new BufferStats(rawRows, fileBytes(file), appended, refused, backlog, dropped, events);
  }

  private long count(String sql, long mask) throws SQLException {
    try (PreparedStatement ps = conn.prepareStatement(sql)) {
      ps.setLong(1, mask);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getLong(1) : 0;
      }
    }
  }

  static long fileBytes(Path file) {
    long total = 0;
    for (String suffix : List.of("", "-wal")) {
      try {
        total += Files.size(Path.of(file + suffix));
      } catch (java.io.IOException e) {
        // absent WAL: nothing to add
      }
    }
    return total;
  }

  long rawRows() {
    return rawRows;
  }

  // ---------------------------------------------------------------- transactions

  private void begin() throws SQLException {
    st.execute("BEGIN IMMEDIATE");
  }

  private void commit() throws SQLException {
    st.execute("COMMIT");
  }

  private void rollbackQuietly() {
    try {
      st.execute("ROLLBACK");
    } catch (SQLException e) {
      // SQLite already rolled back (SQLITE_FULL does that): nothing left to undo.
    }
  }

  /** PASSIVE never waits for readers; TRUNCATE (tools, close) also empties the WAL file. */
  void checkpoint(boolean truncate) throws SQLException {
    try (ResultSet rs = st.executeQuery(truncate ? "PRAGMA wal_checkpoint(TRUNCATE)" : "PRAGMA wal_checkpoint(PASSIVE)")) {
      rs.next();
    }
  }

  @Override
  public void close() throws SQLException {
    conn.close();
  }
}
