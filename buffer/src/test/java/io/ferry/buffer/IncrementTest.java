package io.ferry.buffer;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.core.ChannelId;
import io.ferry.core.ChannelSpec;
import io.ferry.core.CounterSpec;
import io.ferry.core.Quality;
import io.ferry.core.Sample;
import io.ferry.core.ValueKind;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Counter deltas and event increments through the real buffer, across restarts. */
class IncrementTest {
  static final long T0 = 1_699_999_980L * 1_000_000L; // a minute boundary
  static final long MIN = 60_000_000L;
  static final long SEC = 1_000_000L;

  @TempDir Path dir;
  final MutableClock clock = new MutableClock(Instant.ofEpochSecond(1_699_999_980L));

  BufferOptions options() {
    return RollupExactnessTest.fastOptions(dir.resolve("incr.db"));
  }

  @Test
  void cumulativeCounterWrapsResetsAndContinuesAfterRestart() {
    ChannelId energy = ChannelId.of("meter", "energy");
    List<ChannelSpec> specs =
        List.of(Specs.counter("meter/energy", ValueKind.COUNTER, new CounterSpec(Duration.ofMinutes(1), 65536), "cloud"));
    SqliteBuffer b = SqliteBuffer.open(options(), specs, clock);
    b.append(List.of(Sample.of(energy, T0, 65000))).join(); // first read ever: baseline
    b.append(List.of(Sample.of(energy, T0 + 10 * SEC, 65500))).join(); // +500
    b.append(List.of(Sample.of(energy, T0 + 20 * SEC, 200))).join(); // wrap: +236
    b.close();
    b = SqliteBuffer.open(options(), specs, clock);
    b.append(List.of(Sample.of(energy, T0 + 30 * SEC, 300))).join(); // first read after restart: +100
    b.append(List.of(Sample.of(energy, T0 + 35 * SEC, 310, Quality.BAD))).join(); // bad read: ignored
    // the read at +40 s is missing: the next delta covers it
    b.append(List.of(Sample.of(energy, T0 + 50 * SEC, 1000))).join(); // +700
    b.append(List.of(Sample.of(energy, T0 + 70 * SEC, 50))).join(); // device reset: +50, counted
    clock.advance(Duration.ofSeconds(59));
    assertThat(b.lease("cloud", LeaseRequest.of(100)).increments()).isEmpty(); // bucket still open
    clock.advance(Duration.ofSeconds(90));
    Map<Long, Double> buckets = drain(b);
    assertThat(buckets).containsExactly(Map.entry(T0, 1536.0), Map.entry(T0 + MIN, 50.0));
    assertThat(b.stats().events()).containsEntry("meter/energy counter-reset", 1L);
    b.close();
  }

  @Test
  void eventIncrementsAccumulatePerBucketAndLateOnesFormANewRecord() {
    ChannelId door = ChannelId.of("door", "opens");
    List<ChannelSpec> specs =
        List.of(Specs.counter("door/opens", ValueKind.EVENT, new CounterSpec(Duration.ofMinutes(1), 0), "cloud"));
    try (SqliteBuffer b = SqliteBuffer.open(options(), specs, clock)) {
      b.append(List.of(Sample.of(door, T0 + SEC, 1), Sample.of(door, T0 + 2 * SEC, 1))).join();
      b.append(List.of(Sample.of(door, T0 + 3 * SEC, 1), Sample.of(door, T0 + MIN + SEC, 1))).join();
      clock.advance(Duration.ofSeconds(61));
      Lease first = b.lease("cloud", LeaseRequest.of(100));
      assertThat(first.increments()).singleElement().satisfies(r -> {
        assertThat(r.bucketStartMicros()).isEqualTo(T0);
        assertThat(r.delta()).isEqualTo(3.0);
        assertThat(r.bucketMicros()).isEqualTo(MIN);
      });
      // Two more events of the bucket that is already out: a second record, never a lost update.
      b.append(List.of(Sample.of(door, T0 + 4 * SEC, 1), Sample.of(door, T0 + 5 * SEC, 1))).join();
      first.ack();
      clock.advance(Duration.ofSeconds(60));
      Map<Long, Double> rest = drain(b);
      assertThat(rest).containsExactly(Map.entry(T0, 2.0), Map.entry(T0 + MIN, 1.0));
    }
  }

  @Test
  void rejectedIncrementsAreCountedAndNeverOfferedAgainReleasedOnesAre() {
    ChannelId door = ChannelId.of("door", "opens");
    List<ChannelSpec> specs =
        List.of(Specs.counter("door/opens", ValueKind.EVENT, new CounterSpec(Duration.ofMinutes(1), 0), "cloud"));
    try (SqliteBuffer b = SqliteBuffer.open(options(), specs, clock)) {
      b.append(List.of(Sample.of(door, T0 + SEC, 1), Sample.of(door, T0 + MIN + SEC, 1))).join();
      clock.advance(Duration.ofMinutes(3));
      Lease l = b.lease("cloud", LeaseRequest.of(10));
      assertThat(l.increments()).hasSize(2);
      l.reject(List.of(l.increments().get(0)), "bucket too old for the API");
      Lease again = b.lease("cloud", LeaseRequest.of(10));
      assertThat(again.increments()).singleElement().satisfies(r -> assertThat(r.bucketStartMicros()).isEqualTo(T0 + MIN));
      again.ack();
      assertThat(b.lease("cloud", LeaseRequest.of(10)).isEmpty()).isTrue();
      assertThat(b.stats().dropped()).containsEntry("door/opens rejected", 1L);
      assertThat(b.stats().uplinks().get("cloud").increments()).isZero();
    }
  }

  static Map<Long, Double> drain(Buffer b) {
    Map<Long, Double> sums = new TreeMap<>();
    List<IncrementRecord> all = new ArrayList<>();
    while (true) {
      Lease l = b.lease("cloud", LeaseRequest.of(100));
      if (l.increments().isEmpty()) {
        l.release();
        break;
      }
      all.addAll(l.increments());
      l.ack();
    }
    all.forEach(r -> sums.merge(r.bucketStartMicros(), r.delta(), Double::sum));
    return sums;
  }
}
