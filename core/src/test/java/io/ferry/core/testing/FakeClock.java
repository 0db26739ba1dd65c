package io.ferry.core.testing;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A clock tests move by hand, shared by the uplink and mirror tests. (The scheduler's tests use
 * {@code io.ferry.agent.runtime.ManualClock}, which also wakes sleepers when it moves.)
 */
public final class FakeClock implements InstantSource {
  private final AtomicReference<Instant> now;

  public FakeClock(Instant start) {
    now = new AtomicReference<>(start);
  }

  @Override
  public Instant instant() {
    return now.get();
  }

  public void advance(Duration d) {
    now.updateAndGet(t -> t.plus(d));
  }
}
