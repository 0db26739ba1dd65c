package io.ferry.mirror;

import io.ferry.core.Sleeper;
import io.ferry.core.testing.FakeClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Records every wait and returns at once, advancing the test clock by the wait (time passes, nobody sleeps). */
final class RecordingSleeper implements Sleeper {
  private final List<Duration> waits = new ArrayList<>();
  private final FakeClock clock;

  RecordingSleeper(FakeClock clock) {
    this.clock = clock;
  }

  @Override
  public void sleep(Duration d) throws InterruptedException {
    if (Thread.currentThread().isInterrupted()) {
      throw new InterruptedException();
    }
    synchronized (this) {
      waits.add(d);
    }
    if (clock != null) {
      clock.advance(d);
    }
  }

  synchronized List<Duration> waits() {
    return new ArrayList<>(waits);
  }
}
