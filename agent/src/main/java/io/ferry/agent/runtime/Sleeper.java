package io.ferry.agent.runtime;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * How the scheduler waits for a moment of its clock. Tests inject a manual clock that wakes
 * sleepers when it is advanced; production naps on the system clock.
 *
 * <p>Not the duration-based {@link io.ferry.core.Sleeper} of the uplinks and the mirror: this one
 * waits for a moment of a clock that may be stepped, and may return early whenever it changes.
 */
@FunctionalInterface
public interface Sleeper {
  /** The longest single nap of {@link #system}: a clock stepped backwards is noticed within this. */
  Duration MAX_NAP = Duration.ofSeconds(1);

  /**
   * Blocks until {@code deadline} or earlier: callers re-read the clock and call again, so an
   * early return (a clock change, a capped nap) is harmless.
   *
   * @throws InterruptedException when the thread is interrupted (the scheduler is stopping)
   */
  void sleepUntil(Instant deadline) throws InterruptedException;

  /** Naps on {@code clock} in steps of at most {@link #MAX_NAP}. */
  static Sleeper system(InstantSource clock) {
    Objects.requireNonNull(clock, "clock");
    return deadline -> {
      long nanos = Duration.between(clock.instant(), deadline).toNanos();
      if (nanos > 0) {
        TimeUnit.NANOSECONDS.sleep(Math.min(nanos, MAX_NAP.toNanos()));
      } else if (Thread.interrupted()) {
        throw new InterruptedException();
      }
    };
  }
}
