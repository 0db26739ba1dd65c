package io.ferry.buffer;

import io.ferry.core.ChannelSpec;
import io.ferry.core.MicroTime;
import io.ferry.core.Sample;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SQLite implementation of {@link Buffer}. One writer thread owns the only write connection:
 * appends wait in memory (at most {@code commitMaxSamples} samples, a bounded queue pushes back
 * on producers) and are committed together at least every {@code commitInterval}; leases, acks
 * and key/value writes run on the same thread between append batches, each in its own short
 * transaction, so they never block appends for longer than one transaction. See
 * {@code package-info.java} for the schema and the invariants.
 *
 * <p>About 600 lines: the public API and the writer loop that serves it (commands, commit batching,
 * the due times of maintenance) stay together, as they share the one queue and thread.
 */
public final class SqliteBuffer implements Buffer {
  private static final Logger log = LoggerFactory.getLogger(SqliteBuffer.class);
  private static final Duration MAX_MAINTENANCE_PERIOD = Duration.ofSeconds(1);

  private final BufferOptions options;
  private final BufferStore store;
  private final BlockingQueue<Command> queue = new LinkedBlockingQueue<>(1024);
  private final Thread writer;
  private final AtomicLong refusedOutside = new AtomicLong();
  private volatile boolean closed;
  private volatile FileChannel lock;
  private final java.util.concurrent.atomic.AtomicBoolean closing = new java.util.concurrent.atomic.AtomicBoolean();
  private boolean diskFull;
  private final long commitIntervalNanos;
  private final InstantSource clock;

  private sealed interface Command permits AppendCmd, TaskCmd {}

  /** @param history the samples came from a device's history ({@link #appendHistory}) */
  private record AppendCmd(List<Sample> samples, CompletableFuture<Void> done, boolean history) implements Command {}

  private record TaskCmd(SqlTask<?> task, CompletableFuture<Object> done, boolean flushFirst, boolean stop)
      implements Command {}

  @FunctionalInterface
  private interface SqlTask<T> {
    T run() throws SQLException;
  }

  private SqliteBuffer(BufferOptions options, BufferStore store, InstantSource clock) {
    this.options = options;
    this.store = store;
    this.clock = clock;
    this.commitIntervalNanos = Math.max(1, options.commitInterval().toNanos());
    this.writer = new Thread(this::runWriter, "ferry-buffer-writer");
    writer.setDaemon(true);
  }

  /**
   * Opens (creating, migrating or quarantining as needed) the buffer at {@code options.file()}.
   *
   * @throws UncheckedIOException when the file can be neither opened nor replaced
   */
  public static SqliteBuffer open(BufferOptions options, List<ChannelSpec> channels, InstantSource clock) {
    return open(options, channels, clock, List.of());
  }

  /** As {@link #open}, running {@code extraPragmas} on the writer connection (tests: max_page_count). */
  static SqliteBuffer open(
      BufferOptions options, List<ChannelSpec> channels, InstantSource clock, List<String> extraPragmas) {
    FileChannel lock = lockExclusively(options.file());
    Connection conn = null;
    try {
      conn = Databases.openWriter(options, clock);
      try (Statement st = conn.createStatement()) {
        for (String pragma : extraPragmas) {
          st.execute(pragma);
        }
      }
      BufferStore store = new BufferStore(conn, options, clock);
      store.configure(channels);
      SqliteBuffer buffer = new SqliteBuffer(options, store, clock);
      buffer.lock = lock;
      buffer.writer.start();
      log.info(
          "buffer {} open: {} raw samples queued, synchronous={}", options.file(), store.rawRows(),
          options.synchronous());
      return buffer;
    } catch (SQLException | RuntimeException e) {
      closeQuietly(conn, lock);
      throw new UncheckedIOException(new IOException("cannot open buffer " + options.file() + ": " + e.getMessage(), e));
    }
  }

  /**
   * One service per buffer file: a second writer would hand the same rows to two uplink runners
   * and fight over the write lock. Readers (CLI, mirror) do not take this lock.
   */
  private static FileChannel lockExclusively(Path file) {
    Path lockFile = Path.of(file + ".lock");
    try {
      Path parent = lockFile.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      FileChannel channel =
          FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock held;
      try {
        held = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        held = null;
      }
      if (held == null) {
        channel.close();
        throw new UncheckedIOException(
            new IOException("buffer " + file + " is already open (by another Ferry process?): " + lockFile + " is locked"));
      }
      return channel;
    } catch (IOException e) {
      throw new UncheckedIOException(new IOException("cannot lock buffer " + file + ": " + e.getMessage(), e));
    }
  }

  private static void closeQuietly(Connection conn, FileChannel lock) {
    try {
      if (conn != null) {
        conn.close();
      }
    } catch (SQLException ignored) {
      // failing anyway
    }
    try {
      lock.close();
    } catch (IOException ignored) {
      // failing anyway
    }
  }

  // ---------------------------------------------------------------- Buffer

  @Override
  public CompletableFuture<Void> append(List<Sample> samples) {
    return append(samples, false);
  }

  @Override
  public CompletableFuture<Void> appendHistory(List<Sample> samples) {
    return append(samples, true);
  }

  private CompletableFuture<Void> append(List<Sample> samples, boolean history) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    if (samples.isEmpty()) {
      done.complete(null);
      return done;
    }
    if (closed) {
      return refuseOutside(samples.size(), done);
    }
    try {
      queue.put(new AppendCmd(List.copyOf(samples), done, history));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return refuseOutside(samples.size(), done);
    }
    if (closed && !writer.isAlive()) {
      failLeftovers();
    }
    return done;
  }

  private CompletableFuture<Void> refuseOutside(int n, CompletableFuture<Void> done) {
    refusedOutside.addAndGet(n);
    done.completeExceptionally(new AppendRefusedException("buffer " + options.file() + " is closed", null));
    return done;
  }

  @Override
  public Lease lease(String uplink, LeaseRequest request) {
    return call(() -> store.lease(uplink, request, this), false);
  }

  void complete(SqliteLease lease, Set<Long> samples, Set<Long> rollups, Set<Long> increments, String reason) {
    call(
        () -> {
          store.complete(lease, samples, rollups, increments, reason);
          return null;
        },
        false);
  }

  @Override
  public KeyValueStore uplinkState(String uplink) {
    return new KeyValueStore() {
      @Override
      public Optional<String> get(String key) {
        return call(() -> store.uplinkState().get(uplink, key), false);
      }

      @Override
      public void put(String key, String value) {
        call(
            () -> {
              store.uplinkState().put(uplink, key, value);
              return null;
            },
            false);
      }

      @Override
      public void remove(String key) {
        call(
            () -> {
              store.uplinkState().remove(uplink, key);
              return null;
            },
            false);
      }

      @Override
      public Map<String, String> entries(String prefix) {
        return call(() -> store.uplinkState().entries(uplink, prefix), false);
      }
    };
  }

  @Override
  public void configure(List<ChannelSpec> channels) {
    List<ChannelSpec> copy = List.copyOf(channels);
    call(
        () -> {
          store.configure(copy);
          return null;
        },
        true);
  }

  /**
   * Commits what was appended before, then runs the periodic work at once (lease expiry, rollup
   * close, age limit) instead of waiting for its next turn.
   */
  @Override
  public void flush() {
    call(
        () -> {
          maintenanceNow();
          return null;
        },
        true);
  }

  @Override
  public java.util.Map<io.ferry.core.ChannelId, Long> newestSourceTimes(String instrument) {
    return call(() -> store.newestSourceTimes(instrument, false), true); // after the appends queued before it
  }

  @Override
  public java.util.Map<io.ferry.core.ChannelId, Long> historySourceTimes(String instrument) {
    return call(() -> store.newestSourceTimes(instrument, true), true);
  }

  @Override
  public BufferStats stats() {
    BufferStats s = call(store::stats, false);
    long outside = refusedOutside.get();
    return outside == 0
        ? s
        : new BufferStats(s.rawSamples(), s.bytes(), s.appended(), s.refused() + outside, s.uplinks(), s.dropped(),
            s.events(), s.reported());
  }

  @Override
  public Path file() {
    return options.file();
  }

  @Override
  public void close() {
    if (!closing.compareAndSet(false, true)) {
      return;
    }
    closed = true;
    if (writer.isAlive()) {
      CompletableFuture<Object> done = new CompletableFuture<>();
      try {
        queue.put(new TaskCmd(() -> null, done, true, true));
        writer.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    failLeftovers();
    try {
      store.close();
    } catch (SQLException e) {
      log.warn("closing buffer {}: {}", options.file(), e.getMessage());
    }
    try {
      lock.close(); // releases the lock
    } catch (IOException e) {
      log.warn("releasing the lock of buffer {}: {}", options.file(), e.getMessage());
    }
    log.info("buffer {} closed", options.file());
  }

  private void failLeftovers() {
    List<Command> left = new ArrayList<>();
    queue.drainTo(left);
    for (Command c : left) {
      if (c instanceof AppendCmd a) {
        refuseOutside(a.samples().size(), a.done());
      } else if (c instanceof TaskCmd t) {
        t.done().completeExceptionally(new IllegalStateException("buffer " + options.file() + " is closed"));
      }
    }
  }

  @SuppressWarnings("unchecked")
  private <T> T call(SqlTask<T> task, boolean flushFirst) {
    if (closed) {
      throw new IllegalStateException("buffer " + options.file() + " is closed");
    }
    if (Thread.currentThread() == writer) {
      throw new IllegalStateException("buffer called from its own writer thread");
    }
    CompletableFuture<Object> done = new CompletableFuture<>();
    try {
      queue.put(new TaskCmd(task, done, flushFirst, false));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the buffer", e);
    }
    try {
      return (T) done.join();
    } catch (CompletionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException("buffer " + options.file() + ": " + cause.getMessage(), cause);
    }
  }

  // ---------------------------------------------------------------- writer thread

  /** A writer that dies (an Error) must not leave callers waiting forever: refuse what is left. */
  private void runWriter() {
    try {
      writerLoop();
    } catch (Throwable t) {
      closed = true;
      log.error("buffer {}: writer thread died; refusing further appends", options.file(), t);
      failLeftovers();
      throw t;
    }
  }

  /**
   * Waits for the next command, the commit deadline of waiting appends, or the next maintenance
   * due time, whichever comes first. Idle is the common case: with nothing appended and nothing
   * due the thread sleeps (at most {@link #MAX_IDLE}, a safety net against wall-clock jumps).
   */
  private void writerLoop() {
    List<AppendCmd> pending = new ArrayList<>();
    int pendingSamples = 0;
    long deadline = 0;
    scheduleAll(System.nanoTime());
    while (true) {
      long now = System.nanoTime();
      long due = earliest(earliest(leaseDue, rollupDue), earliest(ageDue, checkpointDue));
      long until = pending.isEmpty() ? due : earliest(deadline, due);
      Command c;
      try {
        c = until - now <= 0 ? queue.poll() : queue.poll(until - now, TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        continue;
      }
      boolean committed = false;
      if (c instanceof AppendCmd a) {
        if (pending.isEmpty()) {
          deadline = System.nanoTime() + commitIntervalNanos;
        }
        pending.add(a);
        pendingSamples += a.samples().size();
        if (pendingSamples >= options.commitMaxSamples()) {
          committed = commitAppends(pending);
          pendingSamples = 0;
        }
      } else if (c instanceof TaskCmd t) {
        if (t.flushFirst()) {
          committed = commitAppends(pending);
          pendingSamples = 0;
        }
        try {
          t.done().complete(t.task().run());
        } catch (SQLException | RuntimeException e) {
          t.done().completeExceptionally(
              e instanceof RuntimeException re ? re : new IllegalStateException("buffer: " + e.getMessage(), e));
        }
        if (t.stop()) {
          return;
        }
        // A lease or its completion moves the next expiry; configure and flush may open or close rollups.
        now = System.nanoTime();
        leaseDue = at(store.nextLeaseExpiryMicros(), now);
        if (t.flushFirst()) {
          scheduleAll(now);
        }
        written(now);
      }
      now = System.nanoTime();
      if (!pending.isEmpty() && now - deadline >= 0) {
        committed |= commitAppends(pending);
        pendingSamples = 0;
      }
      if (committed) {
        afterCommit(now);
      }
      maintenance(now);
    }
  }

  /** Longest sleep of an idle writer: a safety net for wall-clock jumps and injected clocks. */
  private static final long MAX_IDLE_NANOS = Duration.ofMinutes(1).toNanos();

  // When each kind of maintenance is next due, in System.nanoTime() terms (writer thread only).
  private long leaseDue;
  private long rollupDue;
  private long ageDue;
  private long checkpointDue;
  private boolean ageKnown;
  private boolean checkpointOwed;
  private long lastAgePass;

  private static long earliest(long a, long b) {
    return a - b <= 0 ? a : b;
  }

  /** A due time in the buffer clock's micros as a System.nanoTime() deadline, capped at MAX_IDLE. */
  private long at(long dueMicros, long nowNanos) {
    if (dueMicros == Long.MAX_VALUE) {
      return nowNanos + MAX_IDLE_NANOS;
    }
    long delayMicros = dueMicros - MicroTime.now(clock);
    return nowNanos + Math.max(0, Math.min(MAX_IDLE_NANOS / 1000, delayMicros) * 1000);
  }

  private void scheduleAll(long now) {
    leaseDue = at(store.nextLeaseExpiryMicros(), now);
    rollupDue = rollupDueOrRetry(now);
    ageDue = ageDueOrRetry(now);
    if (!checkpointOwed) {
      checkpointDue = now + MAX_IDLE_NANOS;
    }
  }

  private long rollupDueOrRetry(long now) {
    try {
      return at(store.nextRollupDueMicros(), now);
    } catch (SQLException | RuntimeException e) {
      log.warn("buffer maintenance: cannot read the next rollup close (will retry): {}", String.valueOf(e.getMessage()));
      return now + MAX_MAINTENANCE_PERIOD.toNanos();
    }
  }

  private long ageDueOrRetry(long now) {
    try {
      long micros = store.nextAgeDueMicros();
      ageKnown = micros != Long.MAX_VALUE;
      // At most one age pass a second, as a pass that stopped after its chunk limit is due at once.
      return lastAgePass == 0 ? at(micros, now) : earliestAfter(at(micros, now), lastAgePass + MAX_MAINTENANCE_PERIOD.toNanos());
    } catch (SQLException | RuntimeException e) {
      log.warn("buffer maintenance: cannot read the oldest sample (will retry): {}", String.valueOf(e.getMessage()));
      ageKnown = true;
      return now + MAX_MAINTENANCE_PERIOD.toNanos();
    }
  }

  private static long earliestAfter(long due, long notBefore) {
    return due - notBefore >= 0 ? due : notBefore;
  }

  /**
   * Appends may open rollup intervals and give the age pass a first row. The intervals just written
   * can only bring the next close nearer: no query of the open intervals per commit (it scanned
   * them all, 10 % of the ingest rate with rollups).
   */
  private void afterCommit(long now) {
    long appendedDue = store.takeAppendedRollupDueMicros();
    if (appendedDue != Long.MAX_VALUE) {
      rollupDue = earliest(rollupDue, at(appendedDue, now));
    }
    if (!ageKnown) {
      ageDue = ageDueOrRetry(now);
    }
    written(now);
  }

  /** NORMAL fsyncs the WAL only at checkpoints: one within a second of a write bounds the power-cut loss window. */
  private void written(long now) {
    if (options.synchronous() == Synchronous.NORMAL && !checkpointOwed) {
      checkpointOwed = true;
      checkpointDue = now + MAX_MAINTENANCE_PERIOD.toNanos();
    }
  }

  /** Runs the maintenance whose time came, each part on its own due time. */
  private void maintenance(long now) {
    if (now - leaseDue >= 0) {
      store.expireLeases();
      leaseDue = at(store.nextLeaseExpiryMicros(), now);
    }
    if (now - rollupDue >= 0) {
      try {
        store.closeDueRollups();
        rollupDue = rollupDueOrRetry(now);
      } catch (SQLException | RuntimeException e) {
        log.warn("buffer maintenance failed (will retry): {}", String.valueOf(e.getMessage()));
        rollupDue = now + MAX_MAINTENANCE_PERIOD.toNanos();
      }
    }
    if (now - ageDue >= 0) {
      lastAgePass = now;
      try {
        store.shedByAge();
        ageDue = ageDueOrRetry(now);
      } catch (SQLException | RuntimeException e) {
        log.warn("buffer maintenance failed (will retry): {}", String.valueOf(e.getMessage()));
        ageDue = now + MAX_MAINTENANCE_PERIOD.toNanos();
      }
    }
    if (now - checkpointDue >= 0) {
      try {
        if (checkpointOwed) {
          store.checkpoint(false);
        }
        checkpointOwed = false;
        checkpointDue = now + MAX_IDLE_NANOS;
      } catch (SQLException | RuntimeException e) {
        log.warn("buffer checkpoint failed (will retry): {}", String.valueOf(e.getMessage()));
        checkpointDue = now + MAX_MAINTENANCE_PERIOD.toNanos();
      }
    }
  }

  /** flush(): every part of the maintenance at once, whatever its due time. */
  private void maintenanceNow() throws SQLException {
    store.expireLeases();
    store.closeDueRollups();
    lastAgePass = System.nanoTime();
    store.shedByAge();
    if (options.synchronous() == Synchronous.NORMAL) {
      store.checkpoint(false);
      checkpointOwed = false;
    }
  }

  /** Commits the waiting appends; false when none waited. */
  private boolean commitAppends(List<AppendCmd> pending) {
    if (pending.isEmpty()) {
      return false;
    }
    List<Sample> all;
    if (pending.size() == 1) {
      all = pending.get(0).samples();
    } else {
      int n = 0;
      for (AppendCmd a : pending) {
        n += a.samples().size();
      }
      all = new ArrayList<>(n);
      for (AppendCmd a : pending) {
        all.addAll(a.samples());
      }
    }
    List<Sample> history = List.of();
    for (AppendCmd a : pending) {
      if (a.history()) {
        if (history.isEmpty()) {
          history = new ArrayList<>();
        }
        history.addAll(a.samples());
      }
    }
    try {
      store.append(all, history);
      if (diskFull) {
        diskFull = false;
        log.warn("buffer {}: disk space is back, appends accepted again", options.file());
      }
      for (AppendCmd a : pending) {
        a.done().complete(null);
      }
    } catch (SQLException | RuntimeException e) {
      store.countRefused(all.size());
      boolean full = Databases.isDiskFull(e);
      if (full && !diskFull) {
        diskFull = true;
        log.error("buffer {}: disk full, refusing appends until space returns ({})", options.file(), e.getMessage());
      } else if (!full) {
        log.error("buffer {}: append of {} samples failed: {}", options.file(), all.size(), String.valueOf(e.getMessage()));
      }
      AppendRefusedException refused =
          new AppendRefusedException(
              (full ? "disk full: " : "append failed: ") + all.size() + " samples refused by " + options.file(), e);
      for (AppendCmd a : pending) {
        a.done().completeExceptionally(refused);
      }
    }
    pending.clear();
    return true;
  }
}
