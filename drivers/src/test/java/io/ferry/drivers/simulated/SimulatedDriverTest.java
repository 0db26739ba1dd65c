package io.ferry.drivers.simulated;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.ferry.core.ChannelId;
import io.ferry.core.MicroTime;
import io.ferry.core.Quality;
import io.ferry.core.Sample;
import io.ferry.drivers.spi.DriverContext;
import io.ferry.drivers.spi.DriverMetrics;
import io.ferry.drivers.spi.PollingDriver;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SimulatedDriverTest {
  @TempDir Path dir;
  final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-11-21T12:00:00.250Z"));
  final InstantSource clock = now::get;

  private PollingDriver open(String head, String channels) {
    var r = SimulatedConfigs.loadInstrument(dir, head + "id: sim\ndriver: simulated\npoll: 1s\nuplinks: [local]\nchannels:\n" + channels);
    assertThat(r.messages()).isEmpty();
    return (PollingDriver) new SimulatedDriverFactory().open(r.plans().get(0), new DriverContext(clock, dir, DriverMetrics.NOOP));
  }

  @Test
  void pollStampsEveryChannelWithTheClockAndItsWaveformValue() throws Exception {
    try (PollingDriver d = open("", "  - {name: t, wave: sine, amplitude: 8, period: 10m, offset: 72}\n"
        + "  - {name: e, kind: counter, wrap: 10000, rate: 50}\n")) {
      long t = MicroTime.micros(now.get());
      List<Sample> samples = d.poll();
      assertThat(samples).containsExactly(
          new Sample(ChannelId.of("sim", "t"), t, new Waveform.Sine(8, java.time.Duration.ofMinutes(10), 72, 0).valueAt(t), null, Quality.GOOD),
          new Sample(ChannelId.of("sim", "e"), t, 12, null, Quality.GOOD)); // floor(0.25 s * 50)
      now.set(now.get().plusSeconds(1));
      assertThat(d.poll().get(1).value()).isEqualTo(62);
      assertThat(d.poll().get(1).timeMicros()).isEqualTo(t + 1_000_000);
    }
  }

  @Test
  void failEveryThrowsOnEveryNthPollOnly() {
    try (PollingDriver d = open("failEvery: 3\n", "  - {name: t, wave: sine}\n")) {
      int failures = 0;
      for (int i = 1; i <= 9; i++) {
        try {
          assertThat(d.poll()).hasSize(1);
          assertThat(i % 3).isNotZero();
        } catch (Exception e) {
          assertThat(e).isInstanceOf(SimulatedDriver.SimulatedFailureException.class).hasMessageContaining("poll " + i);
          assertThat(i % 3).isZero();
          failures++;
        }
      }
      assertThat(failures).isEqualTo(3);
    }
  }

  @Test
  void hangBlocksUntilInterrupted() throws Exception {
    PollingDriver d = open("hang: true\n", "  - {name: t, wave: sine}\n");
    CompletableFuture<Throwable> outcome = new CompletableFuture<>();
    Thread poller = pollUntilHanging(d, outcome);
    assertThat(outcome).isNotDone();
    poller.interrupt();
    assertThat(outcome.get()).isInstanceOf(InterruptedException.class);
    d.close();
  }

  @Test
  void closeReleasesAHangingPollAndLaterPollsFail() throws Exception {
    PollingDriver d = open("hang: true\n", "  - {name: t, wave: sine}\n");
    CompletableFuture<Throwable> outcome = new CompletableFuture<>();
    Thread poller = pollUntilHanging(d, outcome);
    d.close();
    assertThat(outcome.get()).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed while hanging");
    assertThatThrownBy(d::poll).hasMessageContaining("is closed");
  }

  /** Polls {@code d} on a new thread and returns once that poll hangs; {@code outcome} gets what the poll threw (null if it returned). */
  private static Thread pollUntilHanging(PollingDriver d, CompletableFuture<Throwable> outcome) {
    Thread poller = new Thread(() -> {
      try {
        d.poll();
        outcome.complete(null);
      } catch (Throwable e) {
        outcome.complete(e);
      }
    });
    poller.start();
    await().until(() -> poller.getState() == Thread.State.WAITING);
    return poller;
  }
}
