package io.ferry.uplink;

import io.ferry.core.Sleeper;
import static io.ferry.uplink.UplinkTesting.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ferry.buffer.Buffer;
import io.ferry.config.Problems;
import io.ferry.core.ChannelId;
import io.ferry.core.Sample;
import io.ferry.core.testing.FakeClock;
import io.ferry.uplink.grovestreams.GroveStreamsUplinkFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the systemd watchdog reads from a runner ({@link UplinkService#dueBy()},
 * {@link UplinkService#busySince()}): a call that hangs keeps the moment it started and is due back
 * by its own timeout, however far the clock moves; a runner backing off is waiting, so it reports
 * neither.
 */
class UplinkProgressTest {
  @TempDir Path dir;

  /** Backoff waits until the test releases it, so the runner can be looked at mid-backoff. */
  static final class HeldSleeper implements Sleeper {
    final CountDownLatch release = new CountDownLatch(1);
    volatile int backoffs;

    @Override
    public void sleep(Duration d) throws InterruptedException {
      backoffs++;
      release.await();
    }

    @Override
    public void idle(Duration d) throws InterruptedException {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
      if (Thread.interrupted()) {
        throw new InterruptedException();
      }
    }
  }

  @Test
  void aHungCallKeepsItsStartWhileABackoffIsNotBusy() throws Exception {
    FakeClock clock = new FakeClock(UplinkTesting.START);
    try (MockWebServer hung = new MockWebServer();
        MockWebServer failing = new MockWebServer();
        Buffer buffer = UplinkTesting.buffer(dir, List.of(UplinkTesting.raw("m1/x", "", "hung", "failing")), clock)) {
      hung.setDispatcher(new mockwebserver3.Dispatcher() {
        @Override
        public MockResponse dispatch(mockwebserver3.RecordedRequest r) {
          return new MockResponse.Builder().code(200).body("{\"success\":true}").headersDelay(30, TimeUnit.SECONDS).build();
        }
      });
      failing.setDispatcher(new mockwebserver3.Dispatcher() {
        @Override
        public MockResponse dispatch(mockwebserver3.RecordedRequest r) {
          return new MockResponse.Builder().code(503).body("busy").build();
        }
      });
      hung.start(java.net.InetAddress.getLoopbackAddress(), 0);
      failing.start(java.net.InetAddress.getLoopbackAddress(), 0);
      buffer.append(List.of(Sample.of(ChannelId.of("m1", "x"), T0, 1.0))).join();
      HeldSleeper sleeper = new HeldSleeper();
      UplinkContext ctx = new UplinkContext(buffer, clock, new OkHttpClient(), sleeper, new SplittableRandom(1));
      GroveStreamsUplinkFactory f = new GroveStreamsUplinkFactory();
      Problems problems = new Problems();
      var hungPlan = f.plan(UplinkTesting.section("hung", "grovestreams",
          "url: http://127.0.0.1:" + hung.getPort() + "\napiKey: ${env:K}\ntimeout: 60s\nreadTimeout: 60s\n", problems, Map.of("K", "k-12345678")),
          UplinkTesting.agent(dir, "gw"), List.of()).orElseThrow();
      var failingPlan = f.plan(UplinkTesting.section("failing", "grovestreams",
          "url: http://127.0.0.1:" + failing.getPort() + "\napiKey: ${env:K}\n", problems, Map.of("K", "k-12345678")),
          UplinkTesting.agent(dir, "gw"), List.of()).orElseThrow();
      try (UplinkService stuck = f.open(hungPlan, ctx); UplinkService backingOff = f.open(failingPlan, ctx)) {
        assertThat(stuck.busySince()).isEmpty(); // not started
        Instant started = clock.instant();
        stuck.start();
        backingOff.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> hung.getRequestCount() == 1 && sleeper.backoffs == 1);

        clock.advance(Duration.ofMinutes(10));
        assertThat(stuck.busySince()).contains(started);
        // The call is due back by its own timeout (timeout: 60s), however far the clock moves.
        assertThat(stuck.dueBy()).contains(started.plus(Duration.ofSeconds(60)));
        assertThat(backingOff.status().state()).isEqualTo(UplinkState.BACKING_OFF);
        assertThat(backingOff.busySince()).isEmpty();
        assertThat(backingOff.dueBy()).isEmpty();
        sleeper.release.countDown();
      }
    }
  }
}
