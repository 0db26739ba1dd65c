package io.ferry.core;

/**
 * Elapsed time, in nanoseconds from an arbitrary origin ({@link System#nanoTime} in production):
 * for timeouts and pauses measured on one thread, where a wall clock that is stepped (NTP, an
 * operator) must not matter. Injected, like the clock, so tests control it.
 */
@FunctionalInterface
public interface Ticker {
  long nanos();

  static Ticker system() {
    return System::nanoTime;
  }
}
