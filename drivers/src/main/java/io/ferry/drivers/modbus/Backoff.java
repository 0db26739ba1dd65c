package io.ferry.drivers.modbus;

import java.time.Duration;
import java.time.Instant;

/**
 * Exponential, capped retry delay: {@code initial}, then doubled after every further failure up
 * to {@code max}; a success resets it. Immutable and pure: the caller supplies the time.
 *
 * @param failures consecutive failures so far
 * @param notBefore no attempt before this instant (EPOCH when none is pending)
 */
public record Backoff(Duration initial, Duration max, int failures, Instant notBefore) {
  public static Backoff of(Duration initial, Duration max) {
    return new Backoff(initial, max, 0, Instant.EPOCH);
  }

  public Backoff failed(Instant now) {
    return new Backoff(initial, max, failures + 1, now.plus(delayAfter(failures + 1)));
  }

  public Backoff succeeded() {
    return failures == 0 ? this : new Backoff(initial, max, 0, Instant.EPOCH);
  }

  public boolean allows(Instant now) {
    return !now.isBefore(notBefore);
  }

  /** The delay after the n-th consecutive failure (n >= 1). */
  public Duration delayAfter(int n) {
    Duration d = initial;
    for (int i = 1; i < n && d.compareTo(max) < 0; i++) {
      d = d.multipliedBy(2);
    }
    return d.compareTo(max) > 0 ? max : d;
  }
}
