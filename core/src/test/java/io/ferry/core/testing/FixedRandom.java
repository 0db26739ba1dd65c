package io.ferry.core.testing;

import java.util.random.RandomGenerator;

/** Randomness that always draws the same double (for table tests of jitter). */
public final class FixedRandom implements RandomGenerator {
  private final double value;

  private FixedRandom(double value) {
    this.value = value;
  }

  /** Always {@code value}, which must lie in [0, 1). */
  public static FixedRandom of(double value) {
    if (!(value >= 0 && value < 1)) {
      throw new IllegalArgumentException("a random double lies in [0, 1), got " + value);
    }
    return new FixedRandom(value);
  }

  @Override
  public double nextDouble() {
    return value;
  }

  @Override
  public long nextLong() {
    return (long) (value * (1L << 53)) << 11;
  }
}
