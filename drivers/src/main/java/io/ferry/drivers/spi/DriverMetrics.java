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

  /** The connection state in a word (connected, connecting, backoff), logged on change. */
  void state(String state);
}
