package io.ferry.drivers.simulated;

import io.ferry.config.Durations;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/**
 * One channel's signal: a pure function from sample time (microseconds since the epoch) to a
 * value. No state, no clock: the same time always gives the same value.
 */
public sealed interface Waveform
    permits Waveform.Sine, Waveform.Ramp, Waveform.RandomWalk, Waveform.Step, Waveform.Counter, Waveform.Events {

  double valueAt(long timeMicros);

  /** One line for {@code ferry plan}. */
  String describe();

  /** {@code offset + amplitude * sin(2π t / period + phase)}; t is reduced modulo the period in whole microseconds so precision does not decay with the epoch. */
  record Sine(double amplitude, Duration period, double offset, double phaseDegrees) implements Waveform {
    @Override
    public double valueAt(long timeMicros) {
      long p = micros(period);
      double fraction = Math.floorMod(timeMicros, p) / (double) p;
      return offset + amplitude * Math.sin(2 * Math.PI * fraction + Math.toRadians(phaseDegrees));
    }

    @Override
    public String describe() {
      return "sine amplitude " + num(amplitude) + " period " + Durations.format(period) + " offset " + num(offset)
          + (phaseDegrees != 0 ? " phase " + num(phaseDegrees) + "°" : "");
    }
  }

  /** A sawtooth: rises (or falls, for a negative slope) by {@code slope} per second and wraps within [min, max). */
  record Ramp(double slopePerSecond, double min, double max) implements Waveform {
    @Override
    public double valueAt(long timeMicros) {
      double range = max - min;
      double x = slopePerSecond * (timeMicros / 1e6);
      double r = x % range;
      return min + (r < 0 ? r + range : r);
    }

    @Override
    public String describe() {
      return "ramp slope " + num(slopePerSecond) + "/s between " + num(min) + " and " + num(max);
    }
  }

  /**
   * A bounded random walk with steps of standard deviation {@code step} per tick (the
   * instrument's poll interval), reflected into [min, max]. Computed as a Brownian bridge over
   * dyadic intervals of ticks: the value at tick n needs ~40 hashes of (seed, node) and nothing
   * else, so it is a pure function of seed and time while neighbouring ticks still differ by
   * about one step.
   */
  record RandomWalk(long seed, double step, double min, double max, Duration tick) implements Waveform {
    private static final int DEPTH = 40;

    @Override
    public double valueAt(long timeMicros) {
      long n = Math.floorDiv(timeMicros, micros(tick));
      return reflect(walk(n));
    }

    double walk(long n) {
      long segment = n >> DEPTH;
      long pos = n & ((1L << DEPTH) - 1);
      double scale = step * Math.sqrt((double) (1L << DEPTH));
      double lo = Noise.unitStep(seed, segment, -1) * scale;
      double hi = Noise.unitStep(seed, segment + 1, -1) * scale;
      long a = 0;
      long b = 1L << DEPTH;
      while (pos != a) {
        long m = (a + b) >>> 1;
        double mid = (lo + hi) / 2 + Noise.unitStep(seed, segment, m) * step * Math.sqrt((double) (b - a)) / 2;
        if (pos < m) {
          b = m;
          hi = mid;
        } else {
          a = m;
          lo = mid;
        }
      }
      return lo;
    }

    private double reflect(double v) {
      double range = max - min;
      double r = (v - min) % (2 * range);
      if (r < 0) {
        r += 2 * range;
      }
      return min + (r > range ? 2 * range - r : r);
    }

    @Override
    public String describe() {
      return "random walk seed " + seed + " step " + num(step) + " per " + Durations.format(tick) + " between "
          + num(min) + " and " + num(max);
    }
  }

  /** Holds each of {@code levels} for {@code period}, in order, then starts again (aligned to the epoch). */
  record Step(List<Double> levels, Duration period) implements Waveform {
    public Step {
      levels = List.copyOf(levels);
      if (levels.isEmpty()) {
        throw new IllegalArgumentException("a step waveform needs at least one level");
      }
    }

    @Override
    public double valueAt(long timeMicros) {
      long index = Math.floorMod(Math.floorDiv(timeMicros, micros(period)), (long) levels.size());
      return levels.get((int) index);
    }

    @Override
    public String describe() {
      return "step levels " + levels.stream().map(Waveform::num).collect(Collectors.joining(", ", "[", "]"))
          + " each held " + Durations.format(period);
    }
  }

  /**
   * A cumulative device counter: {@code floor(start + rate * seconds since the epoch)}, modulo
   * {@code wrap} when it is not 0 (an integer register rolling over, as the channel's
   * {@code kind: counter} + {@code wrap} tell the buffer).
   */
  record Counter(double ratePerSecond, double start, double wrap) implements Waveform {
    @Override
    public double valueAt(long timeMicros) {
      double v = Math.floor(start + ratePerSecond * (timeMicros / 1e6));
      if (wrap > 0) {
        v %= wrap;
        if (v < 0) {
          v += wrap;
        }
      }
      return v;
    }

    @Override
    public String describe() {
      return "counter " + num(ratePerSecond) + "/s from " + num(start) + (wrap > 0 ? " wrapping at " + num(wrap) : " (never wraps)");
    }
  }

  /**
   * Events counted since the previous tick ({@code kind: event}): {@code perTick} each tick, or a
   * seeded whole number between {@code perTick} and {@code maxPerTick} when they differ.
   */
  record Events(long perTick, long maxPerTick, long seed, Duration tick) implements Waveform {
    @Override
    public double valueAt(long timeMicros) {
      if (maxPerTick <= perTick) {
        return perTick;
      }
      long n = Math.floorDiv(timeMicros, micros(tick));
      return perTick + Math.floorMod(Noise.hash(seed, n, 0), maxPerTick - perTick + 1);
    }

    @Override
    public String describe() {
      return maxPerTick <= perTick
          ? "events " + perTick + " per tick"
          : "events " + perTick + " to " + maxPerTick + " per tick (seed " + seed + ")";
    }
  }

  private static long micros(Duration d) {
    return Math.max(1, d.toNanos() / 1000);
  }

  private static String num(double d) {
    return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
  }
}
