package io.ferry.agent.uplink;

import java.time.Duration;

/**
 * How a runner waits. {@link #pause} is for backoff and rate pacing (time that matters for the
 * API: tests advance their fake clock instead of waiting); {@link #idle} is for polling an empty
 * queue (tests wait a few real milliseconds so the runner does not spin).
 */
public interface Sleeper {
  void pause(Duration d) throws InterruptedException;

  void idle(Duration d) throws InterruptedException;

  static Sleeper system() {
    return new Sleeper() {
      @Override
      public void pause(Duration d) throws InterruptedException {
        if (!d.isNegative() && !d.isZero()) {
          Thread.sleep(d.toMillis(), d.toNanosPart() % 1_000_000);
        }
      }

      @Override
      public void idle(Duration d) throws InterruptedException {
        pause(d);
      }
    };
  }
}
