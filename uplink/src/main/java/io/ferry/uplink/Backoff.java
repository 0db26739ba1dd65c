package io.ferry.uplink;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with "equal jitter": attempt n waits between half and all of
 * {@code min(max, initial * 2^n)}. Pure apart from the injected randomness.
 */
public record Backoff(Duration initial, Duration max) {
  public Backoff {
    Objects.requireNonNull(initial, "initial");
    Objects.requireNonNull(max, "max");
    if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
      throw new IllegalArgumentException("backoff needs 0 < initial <= max");
    }
  }

  /** The wait before retry number {@code attempt} (0 = first retry). */
  public Duration delay(int attempt, RandomGenerator random) {
    long cap = max.toMillis();
    long base = initial.toMillis();
    long ceiling = attempt >= 40 ? cap : Math.min(cap, base << Math.min(attempt, 40));
    if (ceiling <= 0 || ceiling > cap) {
      ceiling = cap;
    }
    long half = ceiling / 2;
    return Duration.ofMillis(half + (long) (random.nextDouble() * (ceiling - half)));
  }
}
