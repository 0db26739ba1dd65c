package io.ferry.agent.runtime;

import static io.ferry.agent.runtime.SchedulerTest.T0;
import static io.ferry.agent.runtime.SchedulerTest.awaitTrue;
import static io.ferry.agent.runtime.SchedulerTest.info;
import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.agent.systemd.NotifySocket;
import io.ferry.agent.systemd.ServiceNotifier;
import io.ferry.agent.systemd.UnixDatagramReceiver;
import io.ferry.core.ChannelId;
import io.ferry.core.Sample;
import io.ferry.drivers.simulated.SimulatedDriver;
import io.ferry.drivers.simulated.SimulatedPlan;
import io.ferry.drivers.simulated.Waveform;
import io.ferry.drivers.spi.SampleSink;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The systemd side of hang detection, end to end through a real datagram socket standing in for
 * systemd: READY once, then STATUS with WATCHDOG on every beat while polling makes progress; a poll
 * stuck in its driver (ignoring its interrupt) past the grace stops the pings, while a poll that
 * merely timed out does not; the pings resume once the poll comes back.
 */
class WatchdogTest {
  static final Duration GRACE = Duration.ofSeconds(10);

  @TempDir Path dir;
  final ManualClock clock = new ManualClock(T0.minusMillis(700));
  final ConcurrentLinkedQueue<Sample> stored = new ConcurrentLinkedQueue<>();
  final SampleSink sink = batch -> {
    stored.addAll(batch);
    return CompletableFuture.completedFuture(null);
  };
  Scheduler scheduler;

  @AfterEach
  void stop() {
    if (scheduler != null) {
      scheduler.stop(Duration.ofSeconds(5));
    }
  }

  @Test
  void pingsStopWhileAPollIsStuckInItsDriverAndResumeWhenItReturns() {
    SimulatedDriver healthy = new SimulatedDriver(new SimulatedPlan(info("wd-healthy", 1000, 400),
        List.of(new SimulatedPlan.ChannelPlan(ChannelId.of("wd-healthy", "t"), new Waveform.Sine(1, Duration.ofMinutes(1), 0, 0))),
        0, false), clock);
    SchedulerTest.StuckDriver stuck = new SchedulerTest.StuckDriver();
    scheduler = new Scheduler(clock, clock, sink);
    scheduler.add(info("wd-healthy", 1000, 400), healthy);
    scheduler.add(info("wd-stuck", 1000, 400), stuck);
    scheduler.start();
    awaitTrue(() -> clock.sleeping().size() == 2);

    String path = dir.resolve("notify").toString();
    try (UnixDatagramReceiver systemd = new UnixDatagramReceiver(path); NotifySocket socket = NotifySocket.open(path)) {
      ServiceNotifier notifier = new ServiceNotifier(socket, () -> "2 instruments | polled " + stored.size(),
          () -> scheduler.stalled(clock.instant(), GRACE), Optional.of(Duration.ofSeconds(30)));
      notifier.ready();
      assertThat(next(systemd)).isEqualTo("READY=1\nSTATUS=2 instruments | polled 0");

      clock.set(T0); // first tick: the stuck driver enters its poll and never leaves it
      awaitTrue(() -> scheduler.stats("wd-healthy").orElseThrow().polls() == 1 && asleep("wd-healthy") && asleep("wd-stuck"));
      notifier.beat();
      assertThat(next(systemd)).isEqualTo("WATCHDOG=1\nSTATUS=2 instruments | polled 1");

      clock.set(T0.plusMillis(400)); // its deadline: interrupted (ignored) and counted as a timeout; not yet a hang
      awaitTrue(() -> scheduler.stats("wd-stuck").orElseThrow().timeouts() == 1 && asleep("wd-healthy") && asleep("wd-stuck"));
      notifier.beat();
      assertThat(next(systemd)).startsWith("WATCHDOG=1\n");

      for (int s = 1; s <= 11; s++) { // the healthy instrument goes on polling every second
        final int n = s + 1;
        clock.set(T0.plusSeconds(s));
        awaitTrue(() -> scheduler.stats("wd-healthy").orElseThrow().polls() == n && asleep("wd-healthy") && asleep("wd-stuck"));
        notifier.beat();
        String beat = next(systemd);
        if (s <= 10) {
          assertThat(beat).as("second %d: the stuck poll is within the grace", s).startsWith("WATCHDOG=1\n");
        } else {
          assertThat(beat).doesNotContain("WATCHDOG=1")
              .startsWith("STATUS=STALLED: instrument wd-stuck: the poll of 2026-11-21T12:00:00Z is stuck in the driver past its timeout | 2 instruments");
        }
      }
      assertThat(scheduler.stats("wd-healthy").orElseThrow().missedTicks()).isZero();
      assertThat(scheduler.stats("wd-stuck").orElseThrow().missedTicks()).isEqualTo(11);

      stuck.close(); // the driver lets go (its poll throws): progress again
      awaitTrue(() -> !scheduler.stats("wd-stuck").orElseThrow().pollInFlight());
      notifier.beat();
      assertThat(next(systemd)).startsWith("WATCHDOG=1\n");
      assertThat(systemd.poll()).isEmpty();
    }
  }

  boolean asleep(String id) {
    return clock.sleeping().containsKey("ferry-tick-" + id);
  }

  static String next(UnixDatagramReceiver r) {
    return org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(2))
        .until(r::poll, Optional::isPresent).orElseThrow();
  }
}
