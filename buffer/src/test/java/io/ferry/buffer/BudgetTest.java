package io.ferry.buffer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.ferry.core.ChannelId;
import io.ferry.core.ChannelSpec;
import io.ferry.core.MicroTime;
import io.ferry.core.RollupSpec;
import io.ferry.core.Route;
import io.ferry.core.Sample;
import io.ferry.core.Stat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Byte budget, age limit and a really full disk: bounded, counted, never a crash. */
class BudgetTest {
  static final ChannelId ROLL = ChannelId.of("a", "roll");
  static final ChannelId PLAIN = ChannelId.of("a", "plain");
  static final int BATCH = 2000;

  @TempDir Path dir;
  final MutableClock clock = new MutableClock(Instant.ofEpochSecond(1_700_000_000L));

  List<ChannelSpec> specs() {
    RollupSpec roll = new RollupSpec(Duration.ofMinutes(1), List.of(Stat.AVG), Duration.ZERO, false);
    return List.of(
        Specs.rollup("a/roll", roll, Map.of("cloud", EnumSet.of(Route.RAW, Route.ROLLUP))),
        Specs.raw("a/plain", "cloud"));
  }

  List<Sample> batch(int n, long base) {
    List<Sample> out = new ArrayList<>(BATCH);
    for (int i = 0; i < BATCH; i++) {
      out.add(Sample.of(i % 2 == 0 ? ROLL : PLAIN, base + n * (long) BATCH + i, i * 0.25));
    }
    return out;
  }

  @Test
  void staysWithinBudgetPlusOneBatchShedsRollupChannelsFirstAndCountsExactly() throws Exception {
    long budget = 1 << 19;
    Path file = dir.resolve("budget.db");
    BufferOptions options =
        new BufferOptions(file, Synchronous.NORMAL, Duration.ofMillis(1), BATCH, budget, Duration.ZERO, Duration.ofMinutes(1));
    long base = MicroTime.now(clock);
    long batchBytes = (long) BATCH * BufferStore.SAMPLE_BYTES;
    try (SqliteBuffer b = SqliteBuffer.open(options, specs(), clock)) {
      long plainDropsBefore = 0;
      for (int n = 0; n < 60; n++) {
        b.append(batch(n, base)).join();
        assertThat(Files.size(file)).as("database file after batch %d", n).isLessThanOrEqualTo(budget + batchBytes);
        BufferStats st = b.stats();
        long plainDrops = st.dropped().getOrDefault("a/plain budget", 0L);
        if (plainDrops > plainDropsBefore) {
          // Plain samples go only once no older rollup-channel sample is left.
          assertThat(rowsPerChannel(file).getOrDefault(ROLL, 0L)).isLessThanOrEqualTo(BATCH / 2);
        }
        plainDropsBefore = plainDrops;
      }
      BufferStats st = b.stats();
      Map<ChannelId, Long> left = rowsPerChannel(file);
      long rollDrops = st.dropped().get("a/roll budget");
      long plainDrops = st.dropped().get("a/plain budget");
      assertThat(rollDrops).isPositive();
      assertThat(plainDrops).isPositive();
      assertThat(left.get(ROLL) + rollDrops).isEqualTo(60L * BATCH / 2);
      assertThat(left.get(PLAIN) + plainDrops).isEqualTo(60L * BATCH / 2);
      assertThat(st.rawSamples()).isEqualTo(left.get(ROLL) + left.get(PLAIN));
      assertThat(st.uplinks().get("cloud").samples()).isEqualTo(st.rawSamples());
      // What is left is the newest: draining it returns exactly the counted rows.
      long leased = 0;
      for (Lease l = b.lease("cloud", LeaseRequest.of(50_000)); !l.isEmpty(); l = b.lease("cloud", LeaseRequest.of(50_000))) {
        leased += l.samples().size();
        l.ack();
      }
      assertThat(leased).isEqualTo(st.rawSamples());
    }
  }

  @Test
  void samplesOlderThanMaxAgeAreDroppedAndCounted() {
    BufferOptions options =
        new BufferOptions(
            dir.resolve("age.db"), Synchronous.NORMAL, Duration.ofMillis(1), BATCH, 0, Duration.ofHours(1),
            Duration.ofMinutes(1));
    long now = MicroTime.now(clock);
    try (SqliteBuffer b = SqliteBuffer.open(options, specs(), clock)) {
      List<Sample> old = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        old.add(Sample.of(PLAIN, now - Duration.ofHours(2).toNanos() / 1000 + i, i));
      }
      b.append(old).join();
      List<Sample> fresh = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        fresh.add(Sample.of(PLAIN, now + i, i));
      }
      b.append(fresh).join();
      b.flush();
      assertThat(b.stats().dropped()).containsEntry("a/plain age", 100L);
      assertThat(b.stats().rawSamples()).isEqualTo(50);
      assertThat(b.stats().uplinks().get("cloud").samples()).isEqualTo(50);
    }
  }

  @Test
  void aFullDiskRefusesAppendsWithoutCrashingAndRecoversWhenSpaceReturns() {
    BufferOptions options =
        new BufferOptions(
            dir.resolve("full.db"), Synchronous.NORMAL, Duration.ofMillis(1), BATCH, 0, Duration.ZERO,
            Duration.ofMinutes(1));
    long base = MicroTime.now(clock);
    // SQLite answers SQLITE_FULL once the file would pass 64 pages: a disk that is really full.
    try (SqliteBuffer b = SqliteBuffer.open(options, specs(), clock, List.of("PRAGMA max_page_count = 64"))) {
      Throwable refused = null;
      int accepted = 0;
      for (int n = 0; n < 50 && refused == null; n++) {
        refused = catchThrowable(b.append(batch(n, base))::join);
        if (refused == null) {
          accepted++;
        }
      }
      assertThat(refused).isInstanceOf(CompletionException.class).hasCauseInstanceOf(AppendRefusedException.class);
      assertThat(refused.getCause()).hasMessageContaining("disk full");
      BufferStats st = b.stats();
      assertThat(st.refused()).isEqualTo(BATCH);
      assertThat(st.rawSamples()).isEqualTo((long) accepted * BATCH);
      // An uplink drains the queue: space returns and appends are accepted again.
      for (Lease l = b.lease("cloud", LeaseRequest.of(50_000)); !l.isEmpty(); l = b.lease("cloud", LeaseRequest.of(50_000))) {
        l.ack();
      }
      b.append(batch(99, base)).join();
      assertThat(b.stats().rawSamples()).isEqualTo(BATCH);
    }
  }

  static Map<ChannelId, Long> rowsPerChannel(Path file) throws Exception {
    Map<ChannelId, Long> out = new HashMap<>();
    try (Connection c = Databases.openReadOnly(file);
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT c.instrument, c.name, count(*) FROM raw r JOIN channel c ON c.id = r.ch GROUP BY r.ch")) {
      while (rs.next()) {
        out.put(ChannelId.of(rs.getString(1), rs.getString(2)), rs.getLong(3));
      }
    }
    return out;
  }

  /**
   * The files on disk stay within the bounds the README states for maxSize: the database within
   * maxSize + one commit batch (commitSamples x 40 B); database + WAL within 2 x maxSize + one
   * commit batch + the checkpoint interval (clamp(maxSize / 32 KiB, 16, 1000) pages of 4 KiB),
   * with the defaults of a real service (commitSamples 10,000, synchronous full). Prints the
   * measured maxima quoted in the README.
   */
  @Test
  void databasePlusWalStayWithinTheDocumentedBound() throws Exception {
    for (long budget : List.of(2L << 20, 16L << 20)) {
      Path file = dir.resolve("total-" + budget + ".db");
      int commitSamples = 10_000;
      BufferOptions options =
          new BufferOptions(
              file, Synchronous.FULL, Duration.ofMillis(100), commitSamples, budget, Duration.ZERO, Duration.ofMinutes(1));
      long walPages = Math.max(16, Math.min(1000, budget / 4096 / 8));
      long batchBytes = (long) commitSamples * BufferStore.SAMPLE_BYTES;
      // The WAL holds up to walPages pages plus the pages of the transaction that crossed that
      // mark; a shedding transaction can rewrite as many pages as the budget holds.
      long bound = 2 * budget + batchBytes + walPages * 4096;
      long base = MicroTime.now(clock);
      long maxDb = 0;
      long maxWal = 0;
      long maxTotal = 0;
      try (SqliteBuffer b = SqliteBuffer.open(options, specs(), clock)) {
        int batches = (int) (3 * budget / (commitSamples * 20L)) + 10;
        for (int n = 0; n < batches; n++) {
          List<Sample> batch = new ArrayList<>(commitSamples);
          for (int i = 0; i < commitSamples; i++) {
            batch.add(Sample.of(i % 2 == 0 ? ROLL : PLAIN, base + (long) n * commitSamples + i, i * 0.25));
          }
          b.append(batch).join();
          long db = Files.size(file);
          long wal = Files.exists(Path.of(file + "-wal")) ? Files.size(Path.of(file + "-wal")) : 0;
          maxDb = Math.max(maxDb, db);
          maxWal = Math.max(maxWal, wal);
          maxTotal = Math.max(maxTotal, db + wal);
          assertThat(db).as("database after batch %d", n).isLessThanOrEqualTo(budget + batchBytes);
          assertThat(db + wal).as("database %d + WAL %d after batch %d", db, wal, n).isLessThanOrEqualTo(bound);
        }
        assertThat(b.stats().droppedFor("budget")).as("the budget was reached").isPositive();
      }
      System.out.printf(
          "maxSize %d: max database %d, max WAL %d, max total %d (%.3f x maxSize), bound %d%n", budget, maxDb, maxWal,
          maxTotal, maxTotal / (double) budget, bound);
    }
  }
}
