package io.ferry.bench;

import io.ferry.buffer.BufferOptions;
import io.ferry.buffer.Lease;
import io.ferry.buffer.LeaseRequest;
import io.ferry.buffer.SqliteBuffer;
import io.ferry.buffer.Synchronous;
import io.ferry.core.ChannelId;
import io.ferry.core.ChannelSpec;
import io.ferry.core.RollupSpec;
import io.ferry.core.Route;
import io.ferry.core.Sample;
import io.ferry.core.Stat;
import io.ferry.core.ValueKind;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/**
 * {@code bench/run.sh buffer [--samples N] [--flat N]}: ingest (normal, full) next to a plain JDBC
 * batch insert of the same rows into the same table in the same run, lease+ack drain, rollup cost
 * per sample, bytes per raw sample, and a flat-memory run (N queued samples appended and drained
 * by a child JVM with -Xmx64m). Prints one line per figure.
 */
public final class BufferBench {
  static final int CHANNELS = 100;
  static final int APPEND_BATCH = 1_000;
  /**
   * Sample times start at the current minute and run into the future (100 channels, 1 s apart),
   * so rollup intervals are open while samples arrive: the rollup cost measured is the fold and
   * the SQL merge of live samples, not the cheap path of late ones.
   */
  static final long T0 = System.currentTimeMillis() / 60_000 * 60_000_000L;

  public static void main(String[] args) throws Exception {
    int samples = 2_000_000;
    long flat = 10_000_000;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--samples" -> samples = Integer.parseInt(args[++i]);
        case "--flat" -> flat = Long.parseLong(args[++i]);
        case "--flat-child" -> {
          flatChild(Path.of(args[++i]), Long.parseLong(args[++i]));
          return;
        }
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    Path dir = Files.createTempDirectory("ferry-bench-buffer");
    try {
      run(dir, samples, flat);
    } finally {
      try (Stream<Path> files = Files.list(dir)) {
        for (Path p : files.toList()) {
          Files.deleteIfExists(p);
        }
      }
      Files.deleteIfExists(dir);
    }
  }

  static void run(Path dir, int n, long flat) throws Exception {
    List<Sample> rows = samples(n);
    System.out.printf("# %d samples over %d channels, appended in lists of %d; commit every 10,000 samples%n", n,
        CHANNELS, APPEND_BATCH);
    // JIT warm-up of both paths, not measured.
    List<Sample> warm = rows.subList(0, Math.min(rows.size(), 200_000));
    baseline(dir.resolve("warm-base.db"), warm, Synchronous.NORMAL);
    ingest(dir.resolve("warm-buffer.db"), warm, Synchronous.NORMAL, rawSpecs());
    drain(dir.resolve("warm-buffer.db"), warm.size());
    deleteDb(dir.resolve("warm-base.db"));
    deleteDb(dir.resolve("warm-buffer.db"));
    // The machine is shared: alternate baseline and buffer, three rounds, and keep the best of each.
    for (Synchronous sync : List.of(Synchronous.NORMAL, Synchronous.FULL)) {
      double base = 0;
      double buffer = 0;
      for (int round = 0; round < ROUNDS; round++) {
        Path b = dir.resolve("base-" + sync + ".db");
        Path f = dir.resolve("ingest-" + sync + ".db");
        deleteDb(b);
        deleteDb(f);
        base = Math.max(base, baseline(b, rows, sync));
        buffer = Math.max(buffer, ingest(f, rows, sync, rawSpecs()));
      }
      System.out.printf("ingest %-6s: buffer %,.0f samples/s, plain JDBC batch insert %,.0f samples/s, ratio %.2f%n",
          sync, buffer, base, buffer / base);
    }
    Path normal = dir.resolve("ingest-NORMAL.db");
    System.out.printf("bytes per raw sample on disk: %.1f (database %,d bytes for %,d samples, WAL checkpointed)%n",
        (double) Files.size(normal) / n, Files.size(normal), n);
    double drain = drain(normal, n);
    System.out.printf("drain (lease 50,000 + ack, one uplink): %,.0f samples/s%n", drain);

    double raw = 0;
    double roll = 0;
    double twa = 0;
    for (int round = 0; round < ROUNDS + 2; round++) {
      for (String name : List.of("r1.db", "r2.db", "r3.db")) {
        deleteDb(dir.resolve(name));
      }
      raw = Math.max(raw, ingest(dir.resolve("r1.db"), rows, Synchronous.NORMAL, rawSpecs()));
      roll = Math.max(roll, ingest(dir.resolve("r2.db"), rows, Synchronous.NORMAL, rollupSpecs(false)));
      twa = Math.max(twa, ingest(dir.resolve("r3.db"), rows, Synchronous.NORMAL, rollupSpecs(true)));
    }
    System.out.printf(
        "rollup cost per sample: %.0f ns (first,last,min,max,sum,count,avg), %.0f ns with twa"
            + " (raw only %,.0f samples/s, with rollup %,.0f, with twa %,.0f)%n",
        1e9 / roll - 1e9 / raw, 1e9 / twa - 1e9 / raw, raw, roll, twa);
    if (flat > 0) {
      flatMemory(dir.resolve("flat.db"), flat);
    }
  }

  static final int ROUNDS = 3;

  static void deleteDb(Path file) throws java.io.IOException {
    for (String suffix : List.of("", "-wal", "-shm")) {
      Files.deleteIfExists(Path.of(file + suffix));
    }
  }

  static List<Sample> samples(int n) {
    List<Sample> out = new ArrayList<>(n);
    ChannelId[] ids = new ChannelId[CHANNELS];
    for (int c = 0; c < CHANNELS; c++) {
      ids[c] = ChannelId.of("inst" + c / 10, "ch" + c % 10);
    }
    for (int i = 0; i < n; i++) {
      // 100 channels polled once a second each; values like a real sensor (not integral).
      out.add(Sample.of(ids[i % CHANNELS], T0 + (i / CHANNELS) * 1_000_000L, 20 + Math.sin(i * 0.001) * 5.123));
    }
    return out;
  }

  static List<ChannelSpec> rawSpecs() {
    List<ChannelSpec> specs = new ArrayList<>();
    for (int c = 0; c < CHANNELS; c++) {
      specs.add(new ChannelSpec(ChannelId.of("inst" + c / 10, "ch" + c % 10), "", "", ValueKind.GAUGE, Optional.empty(),
          Optional.empty(), Map.of("cloud", EnumSet.of(Route.RAW))));
    }
    return specs;
  }

  static List<ChannelSpec> rollupSpecs(boolean twa) {
    List<Stat> stats = twa ? List.of(Stat.values()) : List.of(Stat.FIRST, Stat.LAST, Stat.MIN, Stat.MAX, Stat.SUM,
        Stat.COUNT, Stat.AVG);
    RollupSpec spec = new RollupSpec(Duration.ofMinutes(1), stats, Duration.ofSeconds(10), false);
    List<ChannelSpec> specs = new ArrayList<>();
    for (int c = 0; c < CHANNELS; c++) {
      specs.add(new ChannelSpec(ChannelId.of("inst" + c / 10, "ch" + c % 10), "", "", ValueKind.GAUGE, Optional.of(spec),
          Optional.empty(), Map.of("cloud", EnumSet.of(Route.RAW, Route.ROLLUP))));
    }
    return specs;
  }

  static BufferOptions options(Path file, Synchronous sync) {
    return new BufferOptions(file, sync, Duration.ofMillis(100), 10_000, 0, Duration.ZERO, Duration.ofMinutes(1));
  }

  /** The same rows, the same table, the same pragmas: one prepared INSERT, executeBatch, commit per 10,000. */
  static double baseline(Path file, List<Sample> rows, Synchronous sync) throws Exception {
    Map<ChannelId, Integer> ids = new java.util.HashMap<>();
    int[] ch = new int[rows.size()];
    for (int i = 0; i < rows.size(); i++) {
      ch[i] = ids.computeIfAbsent(rows.get(i).channel(), k -> ids.size() + 1);
    }
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement st = c.createStatement()) {
      st.execute("PRAGMA journal_mode = WAL");
      st.execute("PRAGMA synchronous = " + sync);
      st.execute("CREATE TABLE raw(seq INTEGER PRIMARY KEY, ch INTEGER NOT NULL, t INTEGER NOT NULL, v REAL,"
          + " q INTEGER NOT NULL, txt TEXT, pending INTEGER NOT NULL)");
      c.setAutoCommit(false);
      long start = System.nanoTime();
      try (PreparedStatement ps =
          c.prepareStatement("INSERT INTO raw(seq, ch, t, v, q, txt, pending) VALUES (?,?,?,?,?,?,?)")) {
        for (int i = 0; i < rows.size(); i++) {
          Sample s = rows.get(i);
          ps.setLong(1, i + 1);
          ps.setInt(2, ch[i]);
          ps.setLong(3, s.timeMicros());
          ps.setDouble(4, s.value());
          ps.setInt(5, s.quality().code());
          ps.setNull(6, java.sql.Types.VARCHAR);
          ps.setLong(7, 1);
          ps.addBatch();
          if ((i + 1) % 10_000 == 0) {
            ps.executeBatch();
            c.commit();
          }
        }
        ps.executeBatch();
        c.commit();
      }
      return rows.size() / ((System.nanoTime() - start) / 1e9);
    }
  }

  /** One producer appending lists of 1,000; the clock stops when every append future completed. */
  static double ingest(Path file, List<Sample> rows, Synchronous sync, List<ChannelSpec> specs) {
    try (SqliteBuffer b = SqliteBuffer.open(options(file, sync), specs, InstantSource.system())) {
      long start = System.nanoTime();
      List<CompletableFuture<Void>> pending = new ArrayList<>();
      for (int i = 0; i < rows.size(); i += APPEND_BATCH) {
        pending.add(b.append(rows.subList(i, Math.min(rows.size(), i + APPEND_BATCH))));
        if (pending.size() >= 64) {
          pending.remove(0).join();
        }
      }
      pending.forEach(CompletableFuture::join);
      return rows.size() / ((System.nanoTime() - start) / 1e9);
    }
  }

  static double drain(Path file, long expected) {
    try (SqliteBuffer b = SqliteBuffer.open(options(file, Synchronous.NORMAL), rawSpecs(), InstantSource.system())) {
      long start = System.nanoTime();
      long drained = 0;
      for (Lease l = b.lease("cloud", LeaseRequest.of(50_000)); !l.isEmpty(); l = b.lease("cloud", LeaseRequest.of(50_000))) {
        drained += l.samples().size();
        l.ack();
      }
      double rate = drained / ((System.nanoTime() - start) / 1e9);
      if (drained != expected || b.stats().rawSamples() != 0) {
        throw new IllegalStateException("drained " + drained + " of " + expected);
      }
      return rate;
    }
  }

  /** Runs {@link #flatChild} in a JVM with a 64 MiB heap and prints what it reports. */
  static void flatMemory(Path file, long n) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(java, "-Xmx64m", "-cp", System.getProperty("java.class.path"),
        BufferBench.class.getName(), "--flat-child", file.toString(), Long.toString(n))
        .redirectErrorStream(true).start();
    try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
      String line;
      while ((line = in.readLine()) != null) {
        if (!line.contains(" INFO ")) {
          System.out.println(line);
        }
      }
    }
    System.out.println("flat memory child (-Xmx64m) exit code " + p.waitFor());
  }

  /** Appends {@code n} samples without draining (a long outage), restarts, then drains them all. */
  static void flatChild(Path file, long n) throws Exception {
    ChannelId[] ids = new ChannelId[CHANNELS];
    for (int c = 0; c < CHANNELS; c++) {
      ids[c] = ChannelId.of("inst" + c / 10, "ch" + c % 10);
    }
    long start = System.nanoTime();
    try (SqliteBuffer b = SqliteBuffer.open(options(file, Synchronous.NORMAL), rawSpecs(), InstantSource.system())) {
      List<CompletableFuture<Void>> pending = new ArrayList<>();
      for (long i = 0; i < n; i += APPEND_BATCH) {
        List<Sample> batch = new ArrayList<>(APPEND_BATCH);
        for (long j = i; j < Math.min(n, i + APPEND_BATCH); j++) {
          batch.add(Sample.of(ids[(int) (j % CHANNELS)], T0 + (j / CHANNELS) * 1_000_000L, j * 0.5));
        }
        pending.add(b.append(batch));
        if (pending.size() >= 64) {
          pending.remove(0).join();
        }
      }
      pending.forEach(CompletableFuture::join);
      System.out.printf("flat: appended %,d samples in %.1f s, heap peak %,d MiB, database %,d MiB%n", n,
          (System.nanoTime() - start) / 1e9, peakHeapMiB(), Files.size(file) >> 20);
    }
    start = System.nanoTime();
    try (SqliteBuffer b = SqliteBuffer.open(options(file, Synchronous.NORMAL), rawSpecs(), InstantSource.system())) {
      System.out.printf("flat: reopened with %,d queued samples in %.1f s; stats: %s%n", b.stats().rawSamples(),
          (System.nanoTime() - start) / 1e9, b.stats().uplinks());
      long drained = 0;
      start = System.nanoTime();
      for (Lease l = b.lease("cloud", LeaseRequest.of(50_000)); !l.isEmpty(); l = b.lease("cloud", LeaseRequest.of(50_000))) {
        drained += l.samples().size();
        l.ack();
      }
      System.out.printf("flat: drained %,d samples in %.1f s, heap peak %,d MiB (max heap %,d MiB), left %d%n", drained,
          (System.nanoTime() - start) / 1e9, peakHeapMiB(), Runtime.getRuntime().maxMemory() >> 20,
          b.stats().rawSamples());
    }
  }

  static long peakHeapMiB() {
    long peak = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        peak += pool.getPeakUsage().getUsed();
      }
    }
    return peak >> 20;
  }
}
