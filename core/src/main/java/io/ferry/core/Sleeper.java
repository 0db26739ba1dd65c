package io.ferry.core;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;

/**
 * The one way Ferry waits (back-off, rate pacing, idle pauses, the scheduler's next tick). Injected
 * beside the clock so tests record the waits, or advance their fake clock, instead of sleeping.
 * Implementations must end a wait early with {@link InterruptedException} when the thread is
 * interrupted: that is how services stop their workers.
 */
@FunctionalInterface
public interface Sleeper {
  /** The longest single nap of {@link #sleepUntil} by default: a clock stepped backwards is noticed within this. */
  Duration MAX_NAP = Duration.ofSeconds(1);

  /** Waits {@code d}; a zero or negative duration returns at once. */
  void sleep(Duration d) throws InterruptedException;

  /**
   * Waits while there is nothing to do (an empty queue). The same as {@link #sleep} in production;
   * tests whose {@code sleep} advances a fake clock wait a little real time here instead, so an
   * idle thread neither spins nor races the fake time ahead.
   */
  default void idle(Duration d) throws InterruptedException {
    sleep(d);
  }

  /**
   * Blocks until {@code clock} reads {@code deadline}, or earlier: callers re-read the clock and
   * call again, so an early return (a clock step, a capped nap) is harmless. Naps at most
   * {@link #MAX_NAP} at a time; a test clock overrides this to wake when it is moved.
   */
  default void sleepUntil(Instant deadline, InstantSource clock) throws InterruptedException {
    Duration d = Duration.between(clock.instant(), deadline);
    if (d.isNegative() || d.isZero()) {
      if (Thread.interrupted()) {
        throw new InterruptedException();
      }
      return;
    }
    sleep(d.compareTo(MAX_NAP) > 0 ? MAX_NAP : d);
  }

  /** Really waits ({@link Thread#sleep}). */
  static Sleeper system() {
    return Sleeper::sleepOnThread;
  }

  /** The body of {@link #system()}. */
  static void sleepOnThread(Duration d) throws InterruptedException {
    if (!d.isZero() && !d.isNegative()) {
      Thread.sleep(d.toMillis(), d.toNanosPart() % 1_000_000);
    }
  }
}
