package io.ferry.drivers.simulated;

/** The {@code wave:} values of a simulated channel. */
public enum Wave {
  SINE,
  RAMP,
  RANDOM_WALK,
  STEP,
  COUNTER,
  EVENTS
}
