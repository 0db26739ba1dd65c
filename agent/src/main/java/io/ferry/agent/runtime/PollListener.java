package io.ferry.agent.runtime;

/**
 * Told about every finished poll, on the instrument's poll or tick thread: must return at once
 * (a counter, a ring buffer slot), never block or throw.
 */
@FunctionalInterface
public interface PollListener {
  PollListener NONE = (instrument, nanos, outcome) -> {};

  /** How a poll that reached the driver ended: OK with good samples, EMPTY without, ERROR, TIMEOUT. */
  enum Outcome { OK, EMPTY, ERROR, TIMEOUT }

  /**
   * @param instrument the instrument's id
   * @param nanos how long the driver's poll took (for a timeout: until it was abandoned)
   */
  void polled(String instrument, long nanos, Outcome outcome);
}
