package io.ferry.core;

import java.time.Duration;

/**
 * Waits for a length of time (back-off, rate pacing, idle pauses). Injected beside the clock so
 * tests record the waits, or advance their fake clock, instead of sleeping. Implementations must
 * end a wait early with {@link InterruptedException} when the thread is interrupted: that is how
 * services stop their workers.
 *
 * <p>This is the one duration-based waiter shared by the uplinks and the mirror. The scheduler's
 * {@code io.ferry.agent.runtime.Sleeper} is a different contract (wait until a deadline on a clock
 * that may be stepped, returning early when it is), so it stays separate.
 */
@FunctionalInterface
public interface Sleeper {
  void sleep(Duration d) throws InterruptedException;

  /** Really waits ({@link Thread#sleep}); a zero or negative duration returns at once. */
  static Sleeper system() {
    return Sleeper::sleepOnThread;
  }

  /** The body of {@link #system()}, reusable by interfaces that extend this one. */
  static void sleepOnThread(Duration d) throws InterruptedException {
    if (!d.isZero() && !d.isNegative()) {
      Thread.sleep(d.toMillis(), d.toNanosPart() % 1_000_000);
    }
  }
}
