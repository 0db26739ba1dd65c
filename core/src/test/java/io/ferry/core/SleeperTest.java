package io.ferry.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.core.testing.FakeClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SleeperTest {
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void sleepUntilNapsAtMostMaxNapAndNotAtAllForAPastDeadline() throws Exception {
    FakeClock clock = new FakeClock(T0);
    List<Duration> naps = new ArrayList<>();
    Sleeper recording = naps::add;
    recording.sleepUntil(T0.plusMillis(300), clock);
    recording.sleepUntil(T0.plusSeconds(30), clock);
    recording.sleepUntil(T0, clock);
    recording.sleepUntil(T0.minusSeconds(5), clock);
    assertThat(naps).containsExactly(Duration.ofMillis(300), Sleeper.MAX_NAP);
  }

  @Test
  void idleIsASleepUnlessOverridden() throws Exception {
    List<Duration> naps = new ArrayList<>();
    Sleeper recording = naps::add;
    recording.idle(Duration.ofMillis(500));
    assertThat(naps).containsExactly(Duration.ofMillis(500));
  }

  @Test
  void aPastDeadlineStillReportsAnInterrupt() {
    Sleeper never = d -> {
      throw new AssertionError("must not sleep");
    };
    Thread.currentThread().interrupt();
    assertThatThrownBy(() -> never.sleepUntil(T0, new FakeClock(T0))).isInstanceOf(InterruptedException.class);
    assertThat(Thread.interrupted()).isFalse();
  }
}
