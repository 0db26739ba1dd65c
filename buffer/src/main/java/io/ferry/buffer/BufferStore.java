package io.ferry.buffer;

import io.ferry.buffer.Routing.ChannelRoute;
import io.ferry.core.ChannelId;
import io.ferry.core.ChannelSpec;
import io.ferry.core.MicroTime;
import io.ferry.core.Quality;
import io.ferry.core.ReportFilter;
import io.ferry.core.Sample;
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
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The writer connection's transactions: append batches, lease bookkeeping, acks, stats, built
 * from the parts that own one section of the schema each ({@link ChannelDictionary},
 * {@link LeaseScan}, {@link RollupWriter}, {@link RollupCloser}, {@link Increments},
 * {@link Shedding}, {@link UplinkState}). Confined to the buffer's writer thread: no method is
 * thread-safe, and {@link SqliteBuffer} calls them only from that thread. In-memory counters
 * (depth per uplink, drops, sequences) change only after the transaction that justifies them
 * committed ({@link StoreTx}).
 *
 * <p>About 800 lines: every transaction on the writer connection stays here, beside the
 * in-memory counters it updates after its commit (the parts below hold SQL, not transactions).
 */
final class BufferStore implements AutoCloseable {

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

  private final Map<String, Integer> uplinkBits = new HashMap<>();
  private final Map<String, UplinkLeases> uplinks = new HashMap<>();
  private Routing routing = new Routing(Map.of());

  private long nextSeq;
  private long nextRollupId;
  private long nextIncrId;
  private final long[] rawDepth = new long[64];
  private long rawRows;
  private long appended;
  /** Earliest close time of intervals appended since the writer last asked (writer thread only). */
  private long appendedRollupDue = Long.MAX_VALUE;
  private long refused;
  private final Map<StoreTx.DropKey, Long> drops = new HashMap<>();

  private final PreparedStatement insertRaw;
  private final PreparedStatement insertFast;
  private final PreparedStatement rowExists;
  private final PreparedStatement lastSeq;
  private final PreparedStatement upsertDrop;
  private final PreparedStatement deleteRawRange;
  private final PreparedStatement clearRawRange;
  private final PreparedStatement setMeta;
  private final RollupCloser rollupCloser;
  private final ChannelDictionary channels;
  private final LeaseScan scan;
  private final RollupWriter rollupWriter;
  private final Increments increments;
  private final Shedding shedding;
  private final UplinkState kv;
  private final ReportGate reports = new ReportGate();
  private final SourceTimes sourceTimes;

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
    upsertDrop =
        conn.prepareStatement(
            "INSERT INTO dropped(ch, reason, n) VALUES (?,?,?) ON CONFLICT(ch, reason) DO UPDATE SET n = n + excluded.n");
    deleteRawRange = conn.prepareStatement("DELETE FROM raw WHERE seq BETWEEN ? AND ? AND pending = ?");
    clearRawRange =
        conn.prepareStatement(
            "UPDATE raw SET pending = pending & ? WHERE seq BETWEEN ? AND ? AND (pending & ?) != 0");
    setMeta =
        conn.prepareStatement(
            "INSERT INTO buffer_meta(key, value) VALUES (?,?) ON CONFLICT(key) DO UPDATE SET value = excluded.value");
    rollupCloser = new RollupCloser(conn);
    channels = new ChannelDictionary(conn);
    scan = new LeaseScan(conn, channels);
    rollupWriter = new RollupWriter(conn);
    increments = new Increments(conn, channels);
    shedding = new Shedding(conn, options.maxBytes());
    kv = new UplinkState(conn);
    sourceTimes = new SourceTimes(conn);
    load();
  }

  // ---------------------------------------------------------------- startup

  private void load() throws SQLException {
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
        StoreTx.addDepth(rawDepth, mask, n);
      }
    }
    try (ResultSet rs = st.executeQuery("SELECT ch, reason, n FROM dropped")) {
      while (rs.next()) {
        drops.put(new StoreTx.DropKey(rs.getInt(1), rs.getString(2)), rs.getLong(3));
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
    channels.ensure(ids);
    for (String name : names.stream().sorted().toList()) {
      uplinkBit(name, true);
    }
    routing = Routing.of(specs, channels::key, n -> uplinkBits.get(n));
    reports.configure(routing);
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

  // ---------------------------------------------------------------- append

  /** Stores one batch in one transaction (budget shedding first). Throws when nothing was stored. */
  void append(List<Sample> samples) throws SQLException {
    append(samples, List.of());
  }

  /**
   * As {@link #append(List)}; {@code history} (also part of {@code samples}) came from the device's
   * history: their newest source time per channel is kept apart (where a backfill resumes).
   */
  void append(List<Sample> samples, List<Sample> history) throws SQLException {
    // One routing lookup per sample; unconfigured channels still get a dictionary id (for the
    // unrouted drop counter), registered before the batch transaction.
    ChannelRoute[] routes = new ChannelRoute[samples.size()];
    Set<ChannelId> unknown = null;
    for (int i = 0; i < routes.length; i++) {
      ChannelId id = samples.get(i).channel();
      routes[i] = routing.get(id);
      if (routes[i] == null && !channels.contains(id)) {
        if (unknown == null) {
          unknown = new HashSet<>();
        }
        unknown.add(id);
      }
    }
    if (unknown != null) {
      channels.ensure(unknown);
    }
    long now = MicroTime.now(clock);
    StoreTx tx = newTx();
    long rollupDue = Long.MAX_VALUE;
    begin();
    try {
      if (options.maxBytes() > 0) {
        shedding.forBudget(estimateBytes(samples), routing, tx);
      }
      RawRows rows = new RawRows(tx);
      long[] newest = new long[routing.channels().size()]; // per route: the batch's newest source time (0: none)
      boolean anyRollup = false;
      boolean anyIncr = false;
      for (int i = 0; i < routes.length; i++) {
        Sample s = samples.get(i);
        ChannelRoute r = routes[i];
        if (r == null) {
          tx.drop(channels.key(s.channel()), REASON_UNROUTED, 1);
          continue;
        }
        newest[r.ordinal()] = Math.max(newest[r.ordinal()], s.timeMicros());
        if (r.rawMask() != 0) {
          long mask = r.rawMask();
          if (r.report().isPresent()) {
            // Suppressed: only the uplinks taking every sample; a held edge goes to the others
            // (the unfiltered ones received it when it was polled).
            ReportFilter.Decision d = reports.decide(r, s);
            if (d instanceof ReportFilter.Decision.Report rep && rep.edge().isPresent()) {
              rows.add(r, rep.edge().get(), r.rawMask() & ~r.rawAllMask());
            } else if (d instanceof ReportFilter.Decision.Suppress) {
              mask = r.rawAllMask();
            }
          }
          rows.add(r, s, mask);
        }
        if (usable(s)) {
          if (r.rollupMask() != 0 && r.rollup().isPresent()) {
            anyRollup |= rollupWriter.add(r, r.rollup().get(), s, now, tx);
          }
          if (r.incrementMask() != 0 && r.counter().isPresent()) {
            anyIncr |= increments.add(r, r.counter().get(), s, tx);
          }
        }
      }
      rows.flush();
      long seq = rows.seq;
      if (seq != nextSeq && lastSeq() != seq - 1) {
        throw new IllegalStateException("raw sequence out of step: expected " + (seq - 1) + ", found " + lastSeq());
      }
      if (anyRollup) {
        rollupDue = rollupWriter.write();
      }
      if (anyIncr) {
        increments.write();
      }
      for (Sample h : history) {
        ChannelRoute r = routing.get(h.channel());
        if (r != null) {
          sourceTimes.addHistory(r.chId(), h.timeMicros());
        }
      }
      for (ChannelRoute r : routing.channels().values()) {
        if (newest[r.ordinal()] != 0) {
          sourceTimes.add(r.chId(), newest[r.ordinal()]);
        }
      }
      sourceTimes.write();
      tx.nextSeq = seq;
      writeDrops(tx);
      writeSequences(tx);
      commit();
    } catch (SQLException | RuntimeException e) {
      insertFast.clearBatch();
      rollupWriter.discard();
      increments.discard();
      reports.discard();
      sourceTimes.discard();
      rollbackQuietly();
      throw e;
    }
    apply(tx);
    reports.committed();
    appended += samples.size();
    appendedRollupDue = Math.min(appendedRollupDue, rollupDue);
  }

  /** The newest source time ever stored of each channel of {@code instrument}, also of rows since deleted. */
  Map<ChannelId, Long> newestSourceTimes(String instrument, boolean history) throws SQLException {
    return sourceTimes.newest(instrument, history);
  }

  /** The earliest close time of the intervals appended since the last call (MAX_VALUE: none). */
  long takeAppendedRollupDueMicros() {
    long due = appendedRollupDue;
    appendedRollupDue = Long.MAX_VALUE;
    return due;
  }

  /**
   * The raw rows of one append transaction in sequence order, each with its own pending mask (the
   * report filter narrows it per sample); the depths go to the transaction's {@link StoreTx}.
   */
  private final class RawRows {
    private final StoreTx tx;
    private long seq;
    private boolean tailPresent;
    private int fastRows;

    RawRows(StoreTx tx) throws SQLException {
      this.tx = tx;
      this.seq = nextSeq;
      this.tailPresent = rowExists(nextSeq - 1);
    }

    /** Queues one row owed to the uplinks in {@code mask}; none when the mask is empty. */
    void add(ChannelRoute r, Sample s, long mask) throws SQLException {
      if (mask == 0) {
        return;
      }
      // Common case (numeric, after the tail row): 5 parameters and SQLite's rowid = max + 1,
      // which is exactly seq. Text rows, and the first row after the tail was deleted, name
      // their seq explicitly; the fast batch is flushed first so that order is kept.
      if (!tailPresent || s.isText()) {
        flush();
        bindRaw(insertRaw, seq, r, s, mask);
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
        insertFast.setLong(5, mask);
        insertFast.addBatch();
        fastRows++;
      }
      seq++;
      tx.depth(mask, 1);
      tx.rows++;
    }

    void flush() throws SQLException {
      if (fastRows > 0) {
        insertFast.executeBatch();
        fastRows = 0;
      }
    }
  }

  private void bindRaw(PreparedStatement ps, long seq, ChannelRoute r, Sample s, long mask) throws SQLException {
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
    ps.setLong(7, mask);
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

  private StoreTx newTx() {
    return new StoreTx(nextSeq, nextRollupId, nextIncrId);
  }

  /** Runs {@code body} in one transaction: drops written with it, memory updated after the commit. */
  private void inTransaction(Shedding.TxBody body) throws SQLException {
    StoreTx tx = newTx();
    begin();
    try {
      body.run(tx);
      writeDrops(tx);
      commit();
    } catch (SQLException | RuntimeException e) {
      rollbackQuietly();
      throw e;
    }
    apply(tx);
  }

  private void apply(StoreTx tx) {
    for (int i = 0; i < 64; i++) {
      rawDepth[i] += tx.depth[i];
    }
    rawRows += tx.rows;
    nextSeq = tx.nextSeq;
    nextRollupId = tx.nextRollupId;
    nextIncrId = tx.nextIncrId;
    tx.drops.forEach((k, v) -> drops.merge(k, v, Long::sum));
    increments.committed(tx);
  }

  private void writeDrops(StoreTx tx) throws SQLException {
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

  private void writeSequences(StoreTx tx) throws SQLException {
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

  // ---------------------------------------------------------------- rollups

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

  // ---------------------------------------------------------------- budget and age

  long usedBytes() throws SQLException {
    return shedding.usedBytes();
  }

  /** Drops raw samples older than the maximum age (see {@link Shedding#byAge}). */
  void shedByAge() throws SQLException {
    if (options.maxAge().isZero() || rawRows == 0) {
      return;
    }
    shedding.byAge(MicroTime.now(clock) - options.maxAge().toNanos() / 1000, this::inTransaction);
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
    List<RollupRecord> rollups = scan.rollups(u, room, budget);
    room -= rollups.size();
    List<IncrementRecord> increments = room > 0 ? this.increments.scan(u, room, budget, now) : List.of();
    room -= increments.size();
    List<UplinkLeases.Segment> segments = new ArrayList<>();
    List<SampleRecord> samples =
        room > 0 && budget[0] > 0 ? scan.orderByChannelThenTime(scanRaw(u, request, room, budget, segments)) : List.of();
    if (!increments.isEmpty()) {
      sealIncrements(increments);
    }
    if (samples.isEmpty() && rollups.isEmpty() && increments.isEmpty()) {
      return SqliteLease.empty(uplink, owner);
    }
    long ttlMicros = request.ttl().toNanos() / 1000;
    // Each part took what there was when the lease holds fewer records than asked for and the byte
    // budget was never used up (a by-channel scan may stop early for other reasons: never drained).
    boolean drained = !request.byChannel() && budget[0] > 0
        && samples.size() + rollups.size() + increments.size() < request.maxRecords();
    SqliteLease lease =
        new SqliteLease(
            owner, uplink, u.nextLeaseId++, now + ttlMicros, samples, rollups, increments,
            segments, drained);
    u.live.put(lease.leaseId(), lease);
    for (UplinkLeases.Segment s : segments) {
      u.rawSegments.put(s.lo(), s.hi());
    }
    rollups.forEach(r -> u.rollupIds.add(r.id()));
    increments.forEach(r -> u.incrIds.add(r.id()));
    return lease;
  }

  /**
   * How far a by-channel lease reads past what it takes: channels that are sparse in the queue
   * would otherwise make one lease walk the whole backlog.
   */
  static long maxScanned(int room) {
    return Math.max(1_000_000L, 4L * room);
  }

  private LeaseScan.RawRows scanRaw(
      UplinkLeases u, LeaseRequest request, int room, long[] budget, List<UplinkLeases.Segment> segments)
      throws SQLException {
    if (!request.byChannel()) {
      return scan.raw(u, room, budget, segments, nextSeq);
    }
    return scan.rawByChannel(
        u, room, budget, segments, nextSeq, request.maxChannels(), request.maxPerChannel(), maxScanned(room));
  }

  /** A bucket handed to an uplink no longer grows: later increments of it start a new row. */
  private void sealIncrements(List<IncrementRecord> sealed) throws SQLException {
    begin();
    try {
      increments.seal(sealed);
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
    StoreTx tx = newTx();
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
        perChannel.forEach((ch, n) -> tx.drop(channels.key(ch), REASON_REJECTED, n));
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

  UplinkState uplinkState() {
    return kv;
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
          String key = channels.channel(k.ch()) + " " + k.reason();
          if (k.reason().equals(EVENT_COUNTER_RESET) || k.reason().equals(EVENT_COUNTER_INVALID)) {
            events.put(key, v);
          } else {
            dropped.put(key, v);
          }
        });
    return new BufferStats(rawRows, fileBytes(file), appended, refused, backlog, dropped, events, reports.counts());
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
