package io.ferry.mirror;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.mirror.SubscriptionBatch.DeleteRange;
import io.ferry.mirror.SubscriptionBatch.Point;
import io.ferry.mirror.SubscriptionBatch.SeriesRef;
import io.ferry.mirror.SubscriptionBatch.SeriesUpdate;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The mirror tables on a real SQLite file. */
class MirrorStoreTest {
  static final Instant NOW = Instant.parse("2026-11-21T10:00:00Z");
  static final SeriesRef A = SeriesRef.of(1, "a", false);

  @TempDir Path dir;
  MirrorStore store;
  Path db;

  @BeforeEach
  void open() throws Exception {
    db = dir.resolve("buffer.db");
    store = MirrorStore.open(db, "subs");
    store.partition(0, Optional.empty());
  }

  @AfterEach
  void close() throws Exception {
    store.close();
  }

  static SubscriptionBatch batch(String cursor, SeriesUpdate... updates) {
    return new SubscriptionBatch(List.of(updates), List.of(), List.of(), Map.of(0, cursor), false);
  }

  List<Long> times() throws Exception {
    try (MirrorReader r = MirrorReader.open(db)) {
      List<Long> out = new java.util.ArrayList<>();
      r.points(A.id(), Long.MIN_VALUE, Long.MAX_VALUE, p -> out.add(p.timestamp()));
      return out;
    }
  }

  Optional<String> cursor() throws Exception {
    return store.partition(0, Optional.empty()).cursor();
  }

  @Test
  void deleteRangesIncludeTheBeginAndExcludeTheEnd() throws Exception {
    store.apply(0, batch("c1", new SeriesUpdate(A, List.of(Point.number(1, 1), Point.number(2, 2), Point.number(3, 3), Point.number(4, 4)), List.of())), NOW);
    store.apply(0, batch("c2", new SeriesUpdate(A, List.of(), List.of(new DeleteRange(2, 4)))), NOW);
    assertThat(times()).containsExactly(1L, 4L);
    assertThat(cursor()).contains("c2");
  }

  @Test
  void reapplyingABatchChangesNothing() throws Exception {
    SubscriptionBatch b = batch("c1", new SeriesUpdate(A, List.of(Point.number(1, 1), new Point(2, null, null, 5)), List.of()));
    store.apply(0, b, NOW);
    store.apply(0, b, NOW);
    assertThat(times()).containsExactly(1L, 2L);
    try (MirrorReader r = MirrorReader.open(db)) {
      assertThat(r.status(NOW).points()).isEqualTo(2);
    }
  }

  @Test
  void aFailingBatchLeavesNeitherDataNorCursor() throws Exception {
    store.apply(0, batch("c1", new SeriesUpdate(A, List.of(Point.number(1, 1)), List.of())), NOW);
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
      s.execute("CREATE TRIGGER fail_on_666 BEFORE INSERT ON mirror_points WHEN NEW.ts = 666 BEGIN SELECT RAISE(ABORT, 'disk trouble'); END");
    }
    SubscriptionBatch bad = batch("c2", new SeriesUpdate(A, List.of(Point.number(2, 2)), List.of(new DeleteRange(1, 2))),
        new SeriesUpdate(A, List.of(Point.number(666, 6)), List.of()));
    assertThatThrownBy(() -> store.apply(0, bad, NOW)).isInstanceOf(SQLException.class).hasMessageContaining("disk trouble");
    assertThat(times()).containsExactly(1L); // the delete and the first upsert were rolled back too
    assertThat(cursor()).contains("c1");
    assertThatThrownBy(() -> store.apply(0, new SubscriptionBatch(List.of(), List.of(), List.of(), Map.of(1, "x"), false), NOW))
        .hasMessageContaining("no cursor for partition 0");
  }

  @Test
  void theWriteLockIsFreeBetweenBatches() throws Exception {
    store.apply(0, batch("c1", new SeriesUpdate(A, List.of(Point.number(1, 1)), List.of())), NOW);
    // The buffer's writer must get the lock at once (a regression: with auto-commit off,
    // sqlite-jdbc re-opens an IMMEDIATE transaction right after each commit and keeps the lock).
    try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = other.createStatement()) {
      s.execute("PRAGMA busy_timeout = 0");
      s.execute("BEGIN IMMEDIATE");
      s.execute("CREATE TABLE buffer_like(x)");
      s.execute("COMMIT");
    }
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("PRAGMA journal_mode")) {
      assertThat(rs.getString(1)).isEqualTo("wal");
    }
  }

  @Test
  void membershipChangesKeepPointsAndPruneForgetsOldRemovedSeries() throws Exception {
    long old = NOW.minus(Duration.ofDays(40)).toEpochMilli();
    store.apply(0, new SubscriptionBatch(List.of(new SeriesUpdate(A, List.of(Point.number(old, 1), Point.number(NOW.toEpochMilli(), 2)), List.of())),
        List.of(A), List.of(), Map.of(0, "c1"), false), NOW.minus(Duration.ofDays(40)));
    store.apply(0, new SubscriptionBatch(List.of(), List.of(), List.of(A), Map.of(0, "c2"), false), NOW.minus(Duration.ofDays(35)));
    try (MirrorReader r = MirrorReader.open(db)) {
      assertThat(r.series("a").orElseThrow().member()).isFalse();
      assertThat(r.status(NOW).removedSeries()).isEqualTo(1);
    }
    assertThat(store.prune(NOW.minus(Duration.ofDays(30)))).isEqualTo(1);
    assertThat(times()).containsExactly(NOW.toEpochMilli());
    store.apply(0, batch("c3", new SeriesUpdate(A, List.of(), List.of(new DeleteRange(0, Long.MAX_VALUE)))), NOW);
    store.prune(NOW.minus(Duration.ofDays(30)));
    try (MirrorReader r = MirrorReader.open(db)) {
      assertThat(r.series("a")).isEmpty(); // removed, no points left, changed long ago: forgotten
    }
  }

  @Test
  void rejectedCursorIsReplacedByAStartTimeThatSurvivesRestarts() throws Exception {
    store.apply(0, batch("c1"), NOW);
    store.reinitialize(0, Optional.of(NOW.minus(Duration.ofMinutes(15))), "cursor expired", NOW);
    store.close();
    store = MirrorStore.open(db, "subs");
    MirrorStore.PartitionState st = store.partition(0, Optional.of(NOW));
    assertThat(st.cursor()).isEmpty();
    assertThat(st.initFrom()).contains(NOW.minus(Duration.ofMinutes(15)));
    assertThat(st.caughtUpAt()).contains(NOW);
  }

  @Test
  void refusesTablesOfANewerFerry() throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
      s.execute("UPDATE mirror_meta SET value = '99' WHERE key = 'schema_version'");
    }
    assertThatThrownBy(() -> MirrorStore.open(db, "subs")).hasMessageContaining("schema version 99");
  }
}
