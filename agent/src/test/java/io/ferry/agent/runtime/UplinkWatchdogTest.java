package io.ferry.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.agent.systemd.NotifySocket;
import io.ferry.agent.systemd.ServiceNotifier;
import io.ferry.agent.systemd.UnixDatagramReceiver;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The systemd watchdog against an uplink whose server takes the request and never answers, with
 * {@code timeout: 5m} (issue 22). The watchdog's verdict ({@link Agent#stalled}, read by
 * {@link ServiceNotifier#beat}) goes by the call's own deadline plus the margin ({@code --stall-after}),
 * so three minutes into a five-minute call the pings go on; a call still not back two minutes after
 * its deadline is frozen and stops them. Time is the injected clock; nothing sleeps.
 */
class UplinkWatchdogTest {
  /** {@code ferry run --stall-after}'s default. */
  static final Duration STALL_AFTER = Duration.ofMinutes(2);
  static final Instant T0 = SchedulerTest.T0;

  @TempDir Path dir;
  final ManualClock clock = new ManualClock(T0);
  final MockWebServer cloud = new MockWebServer();
  /** Held until the test ends: the server has the request and says nothing. */
  final CountDownLatch answer = new CountDownLatch(1);
  final CountDownLatch received = new CountDownLatch(1);
  Agent agent;

  @BeforeEach
  void start() throws IOException {
    cloud.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
        received.countDown();
        answer.await();
        return new MockResponse.Builder().code(503).build();
      }
    });
    cloud.start(InetAddress.getLoopbackAddress(), 0);
    java.nio.file.Files.writeString(dir.resolve("slow.key"), "slow-key-0123");
    ReloadTestConfig config = new ReloadTestConfig(dir);
    config.write("agent.yaml", """
        gatewayId: test
        stateDir: %s
        buffer: {commitInterval: 20ms}
        uplinks:
          slow: {type: grovestreams, url: "http://127.0.0.1:%d", apiKey: "${file:%s}", minInterval: 0s, timeout: 5m, readTimeout: 5m}
        """.formatted(dir.resolve("state"), cloud.getPort(), dir.resolve("slow.key")));
    config.write("instruments.d/a.yaml", """
        id: a
        driver: simulated
        poll: 1s
        uplinks: [slow]
        channels:
          - {name: level, wave: sine, period: 10s}
        """);
    config.delete("instruments.d/b.yaml");
    agent = Agent.start(config.plan(), clock, clock);
  }

  @AfterEach
  void stop() throws IOException {
    answer.countDown();
    if (agent != null) {
      agent.close();
    }
    cloud.close();
  }

  @Test
  void aCallWaitingLongerThanTheStallLimitButWithinItsTimeoutKeepsThePings() throws Exception {
    try (UnixDatagramReceiver systemd = new UnixDatagramReceiver(dir.resolve("notify").toString());
        NotifySocket socket = NotifySocket.open(systemd.path())) {
      ServiceNotifier notifier = notifier(socket);
      assertThat(received.await(10, TimeUnit.SECONDS)).as("the uplink sent its first batch").isTrue();

      at(T0.plus(Duration.ofMinutes(3))); // past --stall-after since the call started, well within timeout: 5m
      assertThat(agent.stalled(STALL_AFTER)).isEmpty();
      notifier.beat();
      assertThat(SchedulerTest.next(systemd)).startsWith("WATCHDOG=1\nSTATUS=");

      at(T0.plus(Duration.ofMinutes(5)).plus(STALL_AFTER)); // the deadline plus the whole margin: still not a stall
      assertThat(agent.stalled(STALL_AFTER)).isEmpty();
      notifier.beat();
      assertThat(SchedulerTest.next(systemd)).startsWith("WATCHDOG=1\nSTATUS=");
    }
  }

  @Test
  void aStepPastItsDeadlineAndTheMarginStopsThePings() throws Exception {
    try (UnixDatagramReceiver systemd = new UnixDatagramReceiver(dir.resolve("notify").toString());
        NotifySocket socket = NotifySocket.open(systemd.path())) {
      ServiceNotifier notifier = notifier(socket);
      assertThat(received.await(10, TimeUnit.SECONDS)).as("the uplink sent its first batch").isTrue();
      notifier.beat();
      assertThat(SchedulerTest.next(systemd)).startsWith("WATCHDOG=1\n");

      // OkHttp would have ended the call at its timeout: a call not back a margin later is frozen.
      at(T0.plus(Duration.ofMinutes(5)).plus(STALL_AFTER).plusSeconds(1));
      assertThat(agent.stalled(STALL_AFTER))
          .containsExactly("uplink slow: one step was due back at " + T0.plus(Duration.ofMinutes(5)) + " and has not returned");
      notifier.beat();
      String beat = SchedulerTest.next(systemd);
      assertThat(beat).doesNotContain("WATCHDOG=1")
          .startsWith("STATUS=STALLED: uplink slow: one step was due back at " + T0.plus(Duration.ofMinutes(5)));
    }
  }

  private ServiceNotifier notifier(NotifySocket socket) {
    return new ServiceNotifier(socket, () -> "1 instrument", () -> agent.stalled(STALL_AFTER), Optional.of(Duration.ofSeconds(30)));
  }

  /** Moves the clock and waits until the instrument's tick thread has polled and gone back to sleep. */
  private void at(Instant t) {
    clock.set(t);
    long micros = io.ferry.core.MicroTime.micros(t);
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> {
      List<PollStats> stats = agent.instrumentStats();
      return stats.stream().allMatch(p -> p.lastPollMicros() >= micros - 1_000_000 && !p.pollInFlight())
          && clock.sleeping().containsKey("ferry-tick-a");
    });
  }
}
