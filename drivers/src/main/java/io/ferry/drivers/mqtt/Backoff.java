package io.ferry.drivers.mqtt;

import java.time.Duration;

/**
 * Reconnect delays: doubling from {@code min} up to {@code max}, with "equal jitter" (between
 * half and all of the step) so that a fleet of gateways does not reconnect to a restarted broker
 * in lock-step. Pure: the random number is passed in.
 */
record Backoff(Duration min, Duration max) {
  /**
   * @param failures consecutive failures so far (0 for the first retry)
   * @param random a number in [0, 1)
   */
  Duration delay(int failures, double random) {
    long minMs = Math.max(1, min.toMillis());
    long maxMs = Math.max(minMs, max.toMillis());
    long step = failures >= 40 ? maxMs : Math.min(maxMs, minMs << Math.min(failures, 40));
    if (step < 0) {
      step = maxMs;
    }
    long jittered = step / 2 + (long) (random * (step - step / 2));
    return Duration.ofMillis(Math.max(minMs, Math.min(maxMs, jittered)));
  }
}
