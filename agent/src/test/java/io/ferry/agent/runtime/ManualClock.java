package io.ferry.agent.runtime;

import io.ferry.core.Sleeper;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A clock that moves only when the test moves it, and a sleeper that wakes when it does. Every
 * clock change wakes every sleeper (they re-check, as {@link Sleeper} allows) and forgets them,
 * so {@link #sleeping()} counts only threads that went back to sleep after the last change.
 */
public final class ManualClock implements InstantSource, Sleeper {
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final Map<String, Instant> sleeping = new ConcurrentHashMap<>();
  private volatile Instant now;
  private long generation;

  public ManualClock(Instant start) {
    this.now = start;
  }

  @Override
  public Instant instant() {
    return now;
  }

  public void set(Instant t) {
    lock.lock();
    try {
      now = t;
      generation++;
      sleeping.clear();
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  public void advance(Duration d) {
    set(now.plus(d));
  }

  @Override
  public void sleep(Duration d) throws InterruptedException {
    sleepUntil(now.plus(d), this);
  }

  /** Waits for any change of this clock (whatever {@code clock} is passed: the scheduler is given this one). */
  @Override
  public void sleepUntil(Instant deadline, InstantSource clock) throws InterruptedException {
    lock.lock();
    try {
      if (!now.isBefore(deadline)) {
        return;
      }
      long g = generation;
      String name = Thread.currentThread().getName();
      sleeping.put(name, deadline);
      try {
        while (g == generation) {
          changed.await();
        }
      } finally {
        if (g == generation) {
          sleeping.remove(name);
        }
      }
    } finally {
      lock.unlock();
    }
  }

  /** Threads asleep since the last clock change, by name, with the moment they wait for. */
  public Map<String, Instant> sleeping() {
    return Map.copyOf(sleeping);
  }
}
