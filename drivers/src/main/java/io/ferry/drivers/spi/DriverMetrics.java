package io.ferry.drivers.spi;

/** Counters and states a driver reports per instrument (exposed by the agent's health endpoint). */
public interface DriverMetrics {
  DriverMetrics NOOP = new DriverMetrics() {
    @Override
    public void increment(String counter, long delta) {}

    @Override
    public void state(String state) {}
  };

  /** Adds to a named counter, for example {@code errors}, {@code malformed}, {@code timeouts}. */
  void increment(String counter, long delta);

  default void increment(String counter) {
    increment(counter, 1);
  }

  /**
   * Sets a named level that goes up and down or is a time, for example {@code backfillPending}
   * (channels whose history is still to read) or {@code backfillReachedMicros}. Ignored by default.
   */
  default void gauge(String name, long value) {}

  /** The connection state in a word (connected, connecting, backoff), logged on change. */
  void state(String state);
}
