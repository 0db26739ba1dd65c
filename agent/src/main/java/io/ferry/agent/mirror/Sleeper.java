package io.ferry.agent.mirror;

import java.time.Duration;

/**
 * Waits between requests (back-off, idle pauses). Injected so tests record the waits instead of
 * sleeping. Implementations must return early with {@link InterruptedException} when the thread
 * is interrupted ({@link MirrorService#close()} interrupts its workers).
 */
@FunctionalInterface
public interface Sleeper {
  void sleep(Duration d) throws InterruptedException;

  /** Really waits. */
  static Sleeper system() {
    return d -> {
      if (!d.isZero() && !d.isNegative()) {
        Thread.sleep(d.toMillis(), (int) (d.toNanos() % 1_000_000));
      }
    };
  }
}
