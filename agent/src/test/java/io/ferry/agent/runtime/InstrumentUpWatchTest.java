package io.ferry.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ferry.core.MicroTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The uplinks' view of "up": the same judgement as /health, told when it changes, looked at when due. */
class InstrumentUpWatchTest {
  static final Instant STARTED = Instant.parse("2026-12-02T10:00:00Z");

  /** kiln: poll 10 s, timeout 2 s: with 3 failures allowed, stale after 32 s. */
  static PollStats kiln(long lastGoodSecondsAfterStart) {
    long good = MicroTime.micros(STARTED.plusSeconds(lastGoodSecondsAfterStart));
    return new PollStats("kiln", 5, 0, 10, 0, 0, 0, 0, 0, 0, false, good, good, MicroTime.micros(STARTED), "",
        Duration.ofSeconds(10), Duration.ofSeconds(2), Optional.empty());
  }

  @Test
  void judgesByTheHealthRuleTellsListenersOnlyOnAChangeAndSaysWhenToLookNext() {
    ManualClock clock = new ManualClock(STARTED.plusSeconds(120));
    AtomicReference<List<PollStats>> stats = new AtomicReference<>(List.of(kiln(100)));
    InstrumentUpWatch watch = new InstrumentUpWatch(clock, 3, stats::get, Set::of);
    AtomicInteger told = new AtomicInteger();
    watch.onChange(told::incrementAndGet);

    // Up: the next look is due when its last good sample becomes too old (100 s + 32 s, just past).
    assertThat(watch.look()).contains(STARTED.plusSeconds(132).plusNanos(1_000));
    assertThat(watch.down()).isEmpty();
    assertThat(told).hasValue(0);

    clock.set(STARTED.plusSeconds(133));
    assertThat(watch.look()).contains(STARTED.plusSeconds(143)); // down: its next poll may bring it back
    assertThat(watch.down()).containsExactly("kiln");
    assertThat(watch.look()).isPresent();
    assertThat(told).hasValue(1); // the same verdict again tells nobody

    stats.set(List.of(kiln(135)));
    clock.set(STARTED.plusSeconds(135));
    watch.look();
    assertThat(watch.down()).isEmpty();
    assertThat(told).hasValue(2);
  }

  @Test
  void aGoodPollOfADownInstrumentIsJudgedAtOnceNotAtItsNextDueTime() throws Exception {
    ManualClock clock = new ManualClock(STARTED.plusSeconds(133));
    AtomicReference<List<PollStats>> stats = new AtomicReference<>(List.of(kiln(100)));
    try (InstrumentUpWatch watch = new InstrumentUpWatch(clock, 3, stats::get, Set::of)) {
      AtomicInteger told = new AtomicInteger();
      watch.onChange(told::incrementAndGet);
      watch.start();
      await().atMost(Duration.ofSeconds(5)).until(() -> watch.down().equals(Set.of("kiln")));
      // The manual clock stands still: only the poll's wake-up can end the watch's 10 s wait in time.
      stats.set(List.of(kiln(133)));
      watch.polled("kiln", 1_000_000L, PollListener.Outcome.OK);
      await().atMost(Duration.ofSeconds(5)).until(() -> watch.down().isEmpty());
      assertThat(told).hasValue(2);
    }
  }

  @Test
  void aStreamingInstrumentWithoutALimitIsWatchedUntilItsFirstSampleOnly() {
    ManualClock clock = new ManualClock(STARTED.plusSeconds(10));
    PollStats starting = new PollStats("feed", 0, 0, 0, 0, 0, 0, 0, 0, 0, false, 0, 0, MicroTime.micros(STARTED), "",
        Duration.ZERO, Duration.ZERO, Optional.empty());
    AtomicReference<List<PollStats>> stats = new AtomicReference<>(List.of(starting));
    InstrumentUpWatch watch = new InstrumentUpWatch(clock, 3, stats::get, () -> Set.of("feed"));
    assertThat(watch.look()).contains(STARTED.plusSeconds(11)); // it may still fail to start
    assertThat(watch.down()).isEmpty();

    stats.set(List.of(new PollStats("feed", 0, 0, 0, 1, 0, 0, 0, 0, 0, false, 0, 0, MicroTime.micros(STARTED),
        "connection refused", Duration.ZERO, Duration.ZERO, Optional.empty())));
    assertThat(watch.look()).contains(STARTED.plusSeconds(11));
    assertThat(watch.down()).containsExactly("feed"); // could not start

    long now = MicroTime.micros(STARTED.plusSeconds(10));
    stats.set(List.of(new PollStats("feed", 0, 0, 5, 1, 0, 0, 0, 0, 0, false, now, now, MicroTime.micros(STARTED), "",
        Duration.ZERO, Duration.ZERO, Optional.empty())));
    assertThat(watch.look()).isEmpty(); // streaming with samples and no limit: nothing can change without a poll
    assertThat(watch.down()).isEmpty();
  }
}
