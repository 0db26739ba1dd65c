package io.ferry.agent.runtime;

import io.ferry.core.Sleeper;
import java.time.Duration;

/**
 * The uplinks' {@link Sleeper} in a running agent: an idle runner (its queue was empty) waits for
 * the next committed append instead of leasing again every {@code idlePoll}, so an agent polling
 * once a second wakes its uplinks once a second, not twice per uplink plus the writer each time.
 * Rows that become leasable without an append (a rollup interval or an increment bucket closing,
 * released leases) are picked up by the capped wait: at most {@link #MAX_IDLE} or the runner's own
 * idle duration, whichever is longer. Back-off and pacing ({@link #sleep}) really wait.
 *
 * <p>Appends are counted, and an idle wait ends at once when any append committed since that
 * runner's previous wait ended: an append racing with the runner's empty lease is never missed, at
 * worst it costs one more empty lease.
 */
final class AppendSignal implements Sleeper {
  /** The longest idle wait without an append: the delay of a closed rollup or increment at worst. */
  static final Duration MAX_IDLE = Duration.ofSeconds(5);

  private final Object lock = new Object();
  private long appends;
  private final ThreadLocal<long[]> seen = ThreadLocal.withInitial(() -> new long[] {-1});

  /** Called when an append committed (on the buffer's writer thread). */
  void appended() {
    synchronized (lock) {
      appends++;
      lock.notifyAll();
    }
  }

  @Override
  public void sleep(Duration d) throws InterruptedException {
    Sleeper.sleepOnThread(d);
  }

  @Override
  public void idle(Duration d) throws InterruptedException {
    long[] mine = seen.get();
    long waitNanos = Math.max(d.toNanos(), MAX_IDLE.toNanos());
    long deadline = System.nanoTime() + waitNanos;
    synchronized (lock) {
      while (appends == mine[0]) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          break;
        }
        lock.wait(left / 1_000_000, (int) (left % 1_000_000));
      }
      mine[0] = appends;
    }
  }
}
