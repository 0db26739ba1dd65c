package io.ferry.buffer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.ferry.core.ChannelId;
import io.ferry.core.ChannelSpec;
import io.ferry.core.MicroTime;
import io.ferry.core.RollupSpec;
import io.ferry.core.Route;
import io.ferry.core.Sample;
import io.ferry.core.Stat;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Random sample streams (late, out of order, duplicated times, restarts in the middle of an
 * interval): every interval the buffer closes equals a plain-Java reference computed over the
 * samples that arrived before the interval closed (or, with reopenLate, before its horizon).
 */
class RollupExactnessTest {
  static final ChannelId CH = ChannelId.of("press", "p1");
  static final Duration EVERY = Duration.ofSeconds(10);
  static final Duration GRACE = Duration.ofSeconds(5);

  @TempDir Path dir;

  record Arrival(long t, double v, long arrivedMicros) {}

  @ParameterizedTest(name = "seed {0}, reopenLate {1}")
  @CsvSource({"1, false", "2, false", "3, true", "4, true", "5, false"})
  void closedIntervalsEqualThePlainJavaReference(long seed, boolean reopenLate) {
    Random rnd = new Random(seed);
    RollupSpec spec = new RollupSpec(EVERY, List.of(Stat.values()), GRACE, reopenLate);
    ChannelSpec channel =
        Specs.rollup(CH.toString(), spec, Map.of("cloud", EnumSet.of(Route.ROLLUP, Route.RAW)));
    MutableClock clock = new MutableClock(Instant.ofEpochSecond(1_700_000_003L));
    BufferOptions options = fastOptions(dir.resolve("rollup.db"));
    SqliteBuffer buffer = SqliteBuffer.open(options, List.of(channel), clock);
    List<Arrival> arrivals = new ArrayList<>();
    List<RollupRecord> received = new ArrayList<>();
    long lastT = MicroTime.now(clock);
    try {
      for (int i = 0; i < 250; i++) {
        clock.advance(Duration.ofMillis(rnd.nextInt(700)));
        long now = MicroTime.now(clock);
        long t;
        int kind = rnd.nextInt(10);
        if (kind < 6) {
          t = now - rnd.nextInt(500_000); // on time
        } else if (kind < 8) {
          t = now - rnd.nextInt(12_000_000); // out of order, often within grace
        } else if (kind < 9) {
          t = now - 15_000_000 - rnd.nextInt(30_000_000); // late: its interval already closed
        } else {
          t = lastT; // same timestamp again
        }
        lastT = t;
        // Several samples per commit: the buffer folds them per interval before the SQL merge.
        List<Sample> batch = new ArrayList<>();
        for (int k = rnd.nextInt(4); k >= 0; k--) {
          double v = rnd.nextGaussian() * 100;
          long tk = k == 0 ? t : t - rnd.nextInt(3_000_000);
          batch.add(Sample.of(CH, tk, v));
          arrivals.add(new Arrival(tk, v, now));
        }
        buffer.append(batch).join();
        int action = rnd.nextInt(40);
        if (action == 0) {
          buffer.close(); // restart in the middle of an interval
          buffer = SqliteBuffer.open(options, List.of(channel), clock);
        } else if (action < 6) {
          buffer.flush();
          drainRollups(buffer, received);
        }
      }
      clock.advance(Duration.ofSeconds(60));
      buffer.flush();
      drainRollups(buffer, received);
    } finally {
      buffer.close();
    }

    Map<Long, RollupRecord> latest = new TreeMap<>();
    for (RollupRecord r : received) {
      latest.merge(r.startMicros(), r, (a, b) -> a.revision() >= b.revision() ? a : b);
    }
    Map<Long, List<Arrival>> reference = reference(arrivals, spec);
    assertThat(latest.keySet()).containsExactlyElementsOf(reference.keySet());
    long late = 0;
    for (var e : reference.entrySet()) {
      RollupRecord got = latest.get(e.getKey());
      List<Arrival> in = e.getValue();
      assertThat(got.count()).as("count of %s", e.getKey()).isEqualTo(in.size());
      // The sum is folded per commit batch, then added to the stored one: equal up to rounding.
      assertThat(got.sum()).isCloseTo(sum(in), within(1e-9 * (1 + Math.abs(sum(in)))));
      assertThat(got.min()).isEqualTo(in.stream().mapToDouble(Arrival::v).min().orElseThrow());
      assertThat(got.max()).isEqualTo(in.stream().mapToDouble(Arrival::v).max().orElseThrow());
      assertThat(got.avg()).isCloseTo(sum(in) / in.size(), within(1e-9 * (1 + Math.abs(sum(in)))));
      assertThat(got.first()).isEqualTo(first(in));
      assertThat(got.last()).isEqualTo(last(in));
      assertThat(got.twa()).isCloseTo(twa(in, e.getKey() + spec.everyMicros()), within(1e-9));
      assertThat(got.intervalMicros()).isEqualTo(spec.everyMicros());
    }
    late = arrivals.size() - reference.values().stream().mapToLong(List::size).sum();
    if (!reopenLate) {
      assertThat(late).isPositive();
      assertThat(received.stream().allMatch(r -> r.revision() == 0)).isTrue();
    } else {
      assertThat(received.stream().anyMatch(r -> r.revision() > 0)).isTrue();
    }
  }

  /** Commits at once (tests wait for each append), without fsync: this test is about arithmetic. */
  static BufferOptions fastOptions(Path file) {
    return new BufferOptions(
        file, Synchronous.NORMAL, Duration.ofMillis(1), 10_000, 0, Duration.ZERO, Duration.ofMinutes(1));
  }

  private static void drainRollups(Buffer buffer, List<RollupRecord> into) {
    while (true) {
      Lease l = buffer.lease("cloud", LeaseRequest.of(1000));
      if (l.rollups().isEmpty()) {
        l.release();
        return;
      }
      into.addAll(l.rollups());
      l.ack();
    }
  }

  /** Samples each interval holds once closed for the last time, in arrival order. */
  static Map<Long, List<Arrival>> reference(List<Arrival> arrivals, RollupSpec spec) {
    Map<Long, List<Arrival>> out = new TreeMap<>();
    for (Arrival a : arrivals) {
      long start = spec.intervalStart(a.t());
      long closeAt = start + spec.everyMicros() + spec.grace().toNanos() / 1000;
      long limit = spec.reopenLate() ? closeAt + BufferStore.reopenHorizon(spec.everyMicros()) : closeAt;
      if (a.arrivedMicros() < limit) {
        out.computeIfAbsent(start, k -> new ArrayList<>()).add(a);
      }
    }
    return out;
  }

  static double sum(List<Arrival> in) {
    double s = 0;
    for (Arrival a : in) {
      s += a.v();
    }
    return s;
  }

  /** Earliest time; among equal times the first to arrive. */
  static double first(List<Arrival> in) {
    Arrival best = in.get(0);
    for (Arrival a : in) {
      if (a.t() < best.t()) {
        best = a;
      }
    }
    return best.v();
  }

  /** Latest time; among equal times the last to arrive. */
  static double last(List<Arrival> in) {
    Arrival best = in.get(0);
    for (Arrival a : in) {
      if (a.t() >= best.t()) {
        best = a;
      }
    }
    return best.v();
  }

  static double twa(List<Arrival> in, long end) {
    List<Arrival> sorted = new ArrayList<>(in);
    sorted.sort(Comparator.comparingLong(Arrival::t)); // stable: ties stay in arrival order
    double weighted = 0;
    for (int i = 0; i < sorted.size(); i++) {
      long next = i + 1 < sorted.size() ? sorted.get(i + 1).t() : end;
      weighted += sorted.get(i).v() * (next - sorted.get(i).t());
    }
    return weighted / (end - sorted.get(0).t());
  }
}
