package io.ferry.buffer;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.core.ChannelId;
import io.ferry.core.ChannelSpec;
import io.ferry.core.Quality;
import io.ferry.core.Sample;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lease scan packs a row's sequence as an offset from the query's lower bound and so covers
 * at most 2^23 sequences per query: rows separated by larger gaps (other uplinks' rows acked
 * meanwhile) must still all be leased, decoded and acked.
 */
class LeaseScanWindowTest {
  static final ChannelId A = ChannelId.of("boiler1", "temp");
  static final ChannelId B = ChannelId.of("boiler1", "flow");
  static final long T0 = 1_700_000_000_000_000L;

  @TempDir Path dir;
  final MutableClock clock = new MutableClock(Instant.ofEpochSecond(1_700_000_000L));
  final List<ChannelSpec> specs = List.of(Specs.raw("boiler1/temp", "cloud"), Specs.raw("boiler1/flow", "cloud"));

  @Test
  void rowsFartherApartThanOneScanWindowAreLeasedAndAcked() throws Exception {
    Path file = dir.resolve("buffer.db");
    try (Buffer b = SqliteBuffer.open(BufferOptions.defaults(file), specs, clock)) {
      b.append(List.of(
          Sample.of(B, T0 + 2, 2.5),
          Sample.text(A, T0 + 1, "open", Quality.BAD),
          new Sample(A, T0 + 3, Double.NaN, null, Quality.UNCERTAIN),
          Sample.of(A, T0 + 2, -7.25))).join();
    }
    long[] moved = {20_000_000L, 40_000_000L, 40_000_001L};
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement st = c.createStatement()) {
      List<Long> seqs = new java.util.ArrayList<>();
      try (var rs = st.executeQuery("SELECT seq FROM raw ORDER BY seq")) {
        while (rs.next()) {
          seqs.add(rs.getLong(1));
        }
      }
      assertThat(seqs).hasSize(4);
      // Gaps of more than two scan windows between the rows, as if other uplinks' rows between them were gone.
      for (int i = 3; i >= 1; i--) {
        st.executeUpdate("UPDATE raw SET seq = " + moved[i - 1] + " WHERE seq = " + seqs.get(i));
      }
    }
    try (Buffer b = SqliteBuffer.open(BufferOptions.defaults(file), specs, clock)) {
      Lease first = b.lease("cloud", LeaseRequest.of(2));
      assertThat(first.samples()).hasSize(2);
      Lease rest = b.lease("cloud", LeaseRequest.of(100));
      assertThat(rest.samples()).hasSize(2);
      List<SampleRecord> all = new java.util.ArrayList<>(first.samples());
      all.addAll(rest.samples());
      assertThat(all).extracting(SampleRecord::id).doesNotHaveDuplicates().contains(20_000_000L, 40_000_000L);
      assertThat(all).extracting(r -> r.sample().channel() + "@" + (r.sample().timeMicros() - T0) + "="
              + (r.sample().isText() ? r.sample().text() : r.sample().value()) + "/" + r.sample().quality())
          .containsExactlyInAnyOrder("boiler1/flow@2=2.5/GOOD", "boiler1/temp@1=open/BAD", "boiler1/temp@3=NaN/UNCERTAIN",
              "boiler1/temp@2=-7.25/GOOD");
      first.ack();
      rest.ack();
      assertThat(b.stats().rawSamples()).isZero();
      assertThat(b.lease("cloud", LeaseRequest.of(100)).isEmpty()).isTrue();
    }
  }
}
