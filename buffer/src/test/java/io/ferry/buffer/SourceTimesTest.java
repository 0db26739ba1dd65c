package io.ferry.buffer;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.core.ChannelId;
import io.ferry.core.ChannelSpec;
import io.ferry.core.Sample;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The newest source time per channel: kept after upload and delete, across restarts and from an older file. */
class SourceTimesTest {
  static final ChannelId A = ChannelId.of("press", "a");
  static final ChannelId B = ChannelId.of("press", "b");
  static final ChannelId OTHER = ChannelId.of("boiler", "x");
  static final long T0 = 1_700_000_000_000_000L;

  @TempDir Path dir;
  final MutableClock clock = new MutableClock(Instant.ofEpochSecond(1_700_000_000L));
  final List<ChannelSpec> specs = List.of(Specs.raw("press/a", "cloud"), Specs.raw("press/b", "cloud"), Specs.raw("boiler/x", "cloud"));

  @Test
  void theNewestTimeSurvivesUploadDeleteAndRestartAndNeverGoesBack() throws Exception {
    Path file = dir.resolve("buffer.db");
    try (SqliteBuffer b = SqliteBuffer.open(BufferOptions.defaults(file), specs, clock)) {
      b.append(List.of(Sample.of(A, T0 + 5, 1), Sample.of(A, T0 + 3, 2), Sample.of(B, T0 + 1, 3), Sample.of(OTHER, T0 + 9, 4))).get();
      assertThat(b.newestSourceTimes("press")).isEqualTo(Map.of(A, T0 + 5, B, T0 + 1));
      Lease l = b.lease("cloud", LeaseRequest.of(100));
      assertThat(l.samples()).hasSize(4);
      l.ack();
      assertThat(b.stats().rawSamples()).as("every row uploaded and deleted").isZero();
      assertThat(b.newestSourceTimes("press")).isEqualTo(Map.of(A, T0 + 5, B, T0 + 1));
    }
    try (SqliteBuffer b = SqliteBuffer.open(BufferOptions.defaults(file), specs, clock)) {
      assertThat(b.newestSourceTimes("press")).isEqualTo(Map.of(A, T0 + 5, B, T0 + 1));
      b.append(List.of(Sample.of(A, T0 + 2, 5), Sample.of(B, T0 + 7, 6))).get();
      assertThat(b.newestSourceTimes("press")).as("an older sample (a backfill) does not move it back")
          .isEqualTo(Map.of(A, T0 + 5, B, T0 + 7));
      assertThat(b.newestSourceTimes("boiler")).isEqualTo(Map.of(OTHER, T0 + 9));
      assertThat(b.newestSourceTimes("nobody")).isEmpty();
    }
  }

  @Test
  void historyAppendsKeepTheirOwnNewestTimeInTheSameTransaction() throws Exception {
    Path file = dir.resolve("buffer.db");
    try (SqliteBuffer b = SqliteBuffer.open(BufferOptions.defaults(file), specs, clock)) {
      b.append(List.of(Sample.of(A, T0 + 100, 1))).get(); // live: after the gap
      assertThat(b.historySourceTimes("press")).isEmpty();
      // live and history in flight together end up in one transaction: only the history ones count for h
      var live = b.append(List.of(Sample.of(B, T0 + 200, 2)));
      var history = b.appendHistory(List.of(Sample.of(A, T0 + 10, 3), Sample.of(A, T0 + 20, 4), Sample.of(B, T0 + 5, 5)));
      live.get();
      history.get();
      assertThat(b.historySourceTimes("press")).isEqualTo(Map.of(A, T0 + 20, B, T0 + 5));
      assertThat(b.newestSourceTimes("press")).isEqualTo(Map.of(A, T0 + 100, B, T0 + 200));
      b.appendHistory(List.of(Sample.of(A, T0 + 15, 6))).get();
      assertThat(b.historySourceTimes("press")).as("never back").containsEntry(A, T0 + 20);
      Lease l = b.lease("cloud", LeaseRequest.of(100));
      assertThat(l.samples()).hasSize(6);
      l.ack();
    }
    try (SqliteBuffer b = SqliteBuffer.open(BufferOptions.defaults(file), specs, clock)) {
      assertThat(b.historySourceTimes("press")).as("after upload, delete and restart").isEqualTo(Map.of(A, T0 + 20, B, T0 + 5));
    }
  }

  @Test
  void aVersionTwoFileOpensWithNoTimesAndKeepsItsRows() throws Exception {
    Path file = dir.resolve("v2.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement st = c.createStatement()) {
      Schema.migrate(c, Schema.MIGRATIONS.subList(0, 2));
      st.execute("INSERT INTO channel(id, instrument, name) VALUES (1, 'press', 'a')");
      st.execute("INSERT INTO uplink(bit, name) VALUES (0, 'cloud')");
      st.execute("INSERT INTO raw(seq, ch, t, v, q, txt, pending) VALUES (1, 1, " + T0 + ", 1.0, 0, NULL, 1)");
    }
    try (SqliteBuffer b = SqliteBuffer.open(BufferOptions.defaults(file), specs, clock)) {
      assertThat(b.newestSourceTimes("press")).as("unknown before migration 3: a backfill reads maxAge").isEmpty();
      assertThat(b.lease("cloud", LeaseRequest.of(10)).samples()).singleElement()
          .satisfies(s -> assertThat(s.sample().timeMicros()).isEqualTo(T0));
      b.append(List.of(Sample.of(A, T0 + 10, 2))).get();
      assertThat(b.newestSourceTimes("press")).isEqualTo(Map.of(A, T0 + 10));
    }
  }
}
