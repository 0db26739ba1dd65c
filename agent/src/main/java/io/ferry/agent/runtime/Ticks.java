package io.ferry.agent.runtime;

/** Wall-clock tick arithmetic in microseconds since the epoch (floor semantics, also before 1970). */
final class Ticks {
  private Ticks() {}

  /** The last tick at or before {@code time}. */
  static long floor(long time, long interval) {
    return Math.floorDiv(time, interval) * interval;
  }

  /** The first tick at or after {@code time}. */
  static long ceil(long time, long interval) {
    long f = floor(time, interval);
    return f == time ? f : f + interval;
  }
}
