package io.ferry.uplink;

import java.time.Duration;

/**
 * How a runner waits: the shared {@link io.ferry.core.Sleeper} plus {@link #idle}.
 * {@link #sleep} is for backoff and rate pacing (time that matters for the API: tests advance
 * their fake clock instead of waiting); {@link #idle} is for polling an empty queue (tests wait a
 * few real milliseconds so the runner does not spin).
 */
public interface Sleeper extends io.ferry.core.Sleeper {
  void idle(Duration d) throws InterruptedException;

  /** Really waits, for both kinds of wait. */
  static Sleeper system() {
    return new Sleeper() {
      @Override
      public void sleep(Duration d) throws InterruptedException {
        io.ferry.core.Sleeper.sleepOnThread(d);
      }

      @Override
      public void idle(Duration d) throws InterruptedException {
        sleep(d);
      }
    };
  }
}
