package io.ferry.core;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * An interval rollup of one channel: intervals of {@code every} aligned to wall-clock boundaries
 * (UTC epoch multiples), closed {@code grace} after their end. Samples arriving after close are
 * counted and, when {@code reopenLate} is set, reopen the interval so that it is sent again.
 */
public record RollupSpec(Duration every, List<Stat> stats, Duration grace, boolean reopenLate) {
  public static final Duration MIN_EVERY = Duration.ofSeconds(1);
  public static final Duration MAX_EVERY = Duration.ofDays(1);

  public RollupSpec {
    Objects.requireNonNull(every, "every");
    Objects.requireNonNull(grace, "grace");
    stats = List.copyOf(stats);
    if (every.compareTo(MIN_EVERY) < 0 || every.compareTo(MAX_EVERY) > 0) {
      throw new IllegalArgumentException("rollup interval must be between 1s and 1d, got " + every);
    }
    if (every.toNanos() % 1_000_000_000L != 0) {
      throw new IllegalArgumentException("rollup interval must be whole seconds, got " + every);
    }
    if (grace.isNegative()) {
      throw new IllegalArgumentException("grace must not be negative");
    }
    if (stats.isEmpty()) {
      throw new IllegalArgumentException("a rollup needs at least one statistic");
    }
  }

  public long everyMicros() {
    return every.toNanos() / 1000;
  }

  /** Start of the interval holding {@code timeMicros} (floor, also for negative times). */
  public long intervalStart(long timeMicros) {
    return Math.floorDiv(timeMicros, everyMicros()) * everyMicros();
  }
}
