package io.ferry.agent.cli;

import static io.ferry.agent.cli.HealthViews.assertAgree;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fazecast.jSerialComm.SerialPort;
import io.ferry.agent.runtime.AgentStatus;
import io.ferry.agent.runtime.ReloadOutcome;
import io.ferry.drivers.testsupport.PtyPair;
import io.ferry.testsupport.mqtt.Broker;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 22: one definition of "up" per instrument. For each way an instrument can be down while
 * its driver keeps returning, a real agent on a manual clock is driven into it and every view an
 * operator has ({@code /health}, {@code /api/status}, {@code /metrics}, {@code ferry status})
 * must say the same: down, with the cause in words, no success counted, "last success" the last
 * good sample. A healthy simulated instrument beside it stays up in the same views.
 */
class InstrumentHealthAgreementTest {
  static final String HEALTHY = """
      id: sim
      driver: simulated
      poll: 1s
      channels:
        - {name: t, wave: sine, period: 1m}
      """;

  @TempDir Path dir;
  HealthViews run;
  final List<AutoCloseable> open = new CopyOnWriteArrayList<>();

  /** libc's signal(2), to undo what jSerialComm does to this JVM. */
  interface Signals extends com.sun.jna.Library {
    com.sun.jna.Pointer signal(int sig, com.sun.jna.Pointer handler);
  }

  /**
   * jSerialComm's native library sets SIGHUP (and other signals) to ignored for the whole process
   * when it loads (Fazecast/jSerialComm#612); processes started later inherit that, so a ferry
   * child JVM started by a later test (ServiceProcessTest) would ignore its reload signal. The
   * serial test loads it in this JVM: put SIGHUP back to its default.
   */
  @org.junit.jupiter.api.AfterAll
  static void restoreHangUp() {
    com.sun.jna.Native.load("c", Signals.class).signal(1, null); // SIGHUP, SIG_DFL
  }

  private long feedSamples() {
    return run.agent.snapshot().instruments().stream().filter(p -> p.instrument().equals("feed"))
        .mapToLong(io.ferry.agent.runtime.PollStats::samples).sum();
  }

  @AfterEach
  void stop() throws Exception {
    if (run != null) {
      run.close();
    }
    for (int i = open.size() - 1; i >= 0; i--) { // last opened, first closed: the publisher before its broker
      open.get(i).close();
    }
  }

  static String modbus(String id, int port) {
    return """
        id: %s
        driver: modbus-tcp
        poll: 1s
        connection: {host: 127.0.0.1, port: %d, unit: 1, timeout: 200ms, backoffInitial: 30s, backoffMax: 1m}
        channels:
          - {name: v, register: 'holding:0', type: uint16}
        """.formatted(id, port);
  }

  /** A device that accepts TCP connections and never answers a byte. */
  ServerSocket silentDevice() throws IOException {
    ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    List<Socket> held = new CopyOnWriteArrayList<>();
    Thread t = new Thread(() -> {
      try {
        while (true) {
          held.add(server.accept()); // kept open, never read, never written
        }
      } catch (IOException closed) {
        held.forEach(s -> {
          try {
            s.close();
          } catch (IOException ignored) {
            // closing
          }
        });
      }
    }, "silent-device");
    t.setDaemon(true);
    t.start();
    open.add(server);
    return server;
  }

  @Test
  void aDeviceThatAcceptsAndNeverAnswersIsDownWithItsCauseInEveryView() throws Exception {
    ServerSocket device = silentDevice();
    run = new HealthViews(dir, Map.of("dead", modbus("dead", device.getLocalPort()), "sim", HEALTHY));
    run.settle();

    // Within its limit (3 polls + 1 s timeout = 4 s) it is starting: no good sample yet, not yet down.
    HealthViews.Views first = run.views();
    JsonNode starting = assertAgree(first, "dead", "starting", "");
    assertThat(starting.get("errors").asLong()).as("the start-up poll got no answer").isEqualTo(1);
    assertThat(starting.get("lastError").asText()).contains("no answer within 200ms");
    assertAgree(first, "sim", "ok", "");

    // The unit is backed off for 30 s: every tick is skipped, none of them is a success.
    run.stepTo(5);
    HealthViews.Views down = run.views();
    JsonNode dead = assertAgree(down, "dead", "failing", "no answer within 200ms");
    assertThat(dead.get("problem").asText()).contains("no good value in the 5s since it started, stale after 4s");
    assertThat(dead.get("polls").asLong()).isZero();
    assertThat(dead.get("samples").asLong()).isZero();
    assertThat(dead.get("skippedPolls").asLong()).as("ticks 1..5 s: skipped while backing off").isEqualTo(5);
    assertThat(dead.get("lastSuccess").isNull()).isTrue();
    assertThat(down.health().get("status").asText()).isEqualTo("unhealthy");
    assertAgree(down, "sim", "ok", "");
    assertThat(down.count("ferry_polls_total", "instrument", "sim", "outcome", "data")).isEqualTo(6);

    // Minutes later (the 2 min 45 s), still down, still no success, still the cause.
    run.stepTo(165);
    JsonNode later = assertAgree(run.views(), "dead", "failing", "no answer within 200ms");
    assertThat(later.get("polls").asLong()).isZero();
    assertThat(later.get("errors").asLong()).as("one real try per backoff period (30 s, then 1 m)").isBetween(3L, 5L);
  }

  @Test
  void aRefusedConnectionIsDownWithItsCauseInEveryView() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    run = new HealthViews(dir, Map.of("refused", modbus("refused", closedPort), "sim", HEALTHY));
    run.settle();
    assertAgree(run.views(), "refused", "starting", "");
    run.stepTo(5);
    HealthViews.Views v = run.views();
    JsonNode refused = assertAgree(v, "refused", "failing", "connection refused");
    assertThat(refused.get("polls").asLong()).isZero();
    assertThat(refused.get("errors").asLong()).as("every tick: refused, or waiting to connect again").isEqualTo(6);
    assertAgree(v, "sim", "ok", "");
  }

  @Test
  void aSerialPortThatIsRemovedIsDownWithItsCauseInEveryView() throws Exception {
    PtyPair pty = PtyPair.open(dir); // skips, naming socat, when it is not installed
    open.add(pty);
    Path port = dir.resolve("ptyB"); // the link socat made: it goes away with socat, as a USB adapter's device does
    SerialPort device = SerialPort.getCommPort(pty.a());
    device.setComPortTimeouts(SerialPort.TIMEOUT_READ_SEMI_BLOCKING, 100, 0);
    assertThat(device.openPort()).isTrue();
    open.add(device::closePort);
    Thread answering = new Thread(() -> {
      byte[] buf = new byte[256];
      StringBuilder line = new StringBuilder();
      while (device.isOpen()) {
        int n = device.readBytes(buf, buf.length);
        if (n < 0) {
          return;
        }
        for (int i = 0; i < n; i++) {
          if (buf[i] == '\n') {
            byte[] reply = "V=1.5\n".getBytes(StandardCharsets.US_ASCII);
            device.writeBytes(reply, reply.length);
            line.setLength(0);
          } else {
            line.append((char) buf[i]);
          }
        }
      }
    }, "pty-device");
    answering.setDaemon(true);
    answering.start();
    run = new HealthViews(dir, Map.of("meter", """
        id: meter
        driver: serial
        poll: 1s
        connection: {port: %s, baud: 115200, timeout: 500ms, backoffInitial: 30s, backoffMax: 1m}
        command: 'MEAS?'
        channels:
          - {name: v, pattern: 'V=([-+.0-9]+)'}
        """.formatted(port), "sim", HEALTHY));
    run.settle();
    run.stepTo(2);
    JsonNode before = assertAgree(run.views(), "meter", "ok", "");
    assertThat(before.get("polls").asLong()).isEqualTo(3);

    pty.close(); // socat killed: the port is gone
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !java.nio.file.Files.exists(port));
    run.stepTo(10);
    HealthViews.Views v = run.views();
    JsonNode gone = assertAgree(v, "meter", "failing", "serial port " + port);
    assertThat(gone.get("problem").asText()).containsPattern("serial port \\S+ptyB (is gone|does not exist)");
    assertThat(gone.get("polls").asLong()).as("no poll after the port went away is a success").isEqualTo(3);
    assertThat(gone.get("skippedPolls").asLong()).as("ticks skipped while waiting to reopen the port").isPositive();
    assertAgree(v, "sim", "ok", "");
  }

  @Test
  void aStreamingSourceThatFallsSilentIsDownOnceItsLastMessageIsOlderThanStale() throws Exception {
    Broker broker = new Broker(dir.resolve("broker"));
    broker.start();
    open.add(broker::stop);
    run = new HealthViews(dir, Map.of("feed", """
        id: feed
        driver: mqtt
        stale: 1m
        connection: {url: "%s", clientId: ferry-feed-test}
        subscriptions:
          - {topic: plant/temp, payload: number, channel: temp}
        channels:
          - {name: temp}
        """.formatted(broker.url()), "sim", HEALTHY));
    run.settle();
    MqttClient publisher = new MqttClient(broker.url(), "publisher", new MemoryPersistence());
    MqttConnectOptions o = new MqttConnectOptions();
    o.setCleanSession(true);
    Awaitility.await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
      if (!publisher.isConnected()) {
        publisher.connect(o);
      }
      return true;
    });
    open.add(publisher::disconnect);
    // Exactly one message, once the broker holds the driver's subscription (the driver subscribes on
    // its own thread): it arrives before the clock moves. Publishing in a loop until one arrived
    // left others in flight, stamped with the moved clock under load (last success T0 + 2 s).
    Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> broker.subscribed("ferry-feed-test", "plant/temp"));
    publisher.publish("plant/temp", "21.5".getBytes(StandardCharsets.US_ASCII), 1, false);
    Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> feedSamples() == 1);
    long samples = feedSamples();

    run.stepTo(30);
    JsonNode talking = assertAgree(run.views(), "feed", "ok", "");
    assertThat(talking.get("lastSuccess").asText()).isEqualTo(HealthViews.T0.toString());
    assertThat(talking.get("staleLimitSeconds").asDouble()).isEqualTo(60.0);

    run.stepTo(61); // the publisher fell silent at T0: its last message is now older than stale: 1m
    HealthViews.Views v = run.views();
    JsonNode silent = assertAgree(v, "feed", "failing", "no message with a good value (last good value 1m 1s ago, stale after 1m)");
    assertThat(silent.get("samples").asLong()).isEqualTo(samples);
    assertAgree(v, "sim", "ok", "");

    publisher.publish("plant/temp", "22.0".getBytes(StandardCharsets.US_ASCII), 1, false); // it speaks again
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> run.agent.snapshot().instruments().stream()
        .anyMatch(p -> p.instrument().equals("feed") && p.samples() > samples));
    assertAgree(run.views(), "feed", "ok", "");
  }

  @Test
  void metricSeriesFollowReloadsAndCountersSurviveThem() throws Exception {
    run = new HealthViews(dir, Map.of("a", HEALTHY.replace("id: sim", "id: a"), "b", HEALTHY.replace("id: sim", "id: b")));
    run.settle();
    run.stepTo(3);
    HealthViews.Views before = run.views();
    assertAgree(before, "a", "ok", "");
    assertAgree(before, "b", "ok", "");
    assertThat(before.count("ferry_polls_total", "instrument", "a", "outcome", "data")).isEqualTo(4);
    assertThat(before.hasSeries("ferry_polls_total", "c")).isFalse();

    // a changes (restarted), b is removed, c is added.
    run.write("a", HEALTHY.replace("id: sim", "id: a").replace("period: 1m", "period: 2m"));
    java.nio.file.Files.delete(run.conf.resolve("instruments.d/b.yaml"));
    run.write("c", HEALTHY.replace("id: sim", "id: c"));
    ReloadOutcome outcome = run.reloader.reload();
    assertThat(outcome.line()).isEqualTo("reloaded: instruments: +c ~a -b 0 unchanged; uplinks: unchanged");
    run.settle();
    run.stepTo(5);

    HealthViews.Views after = run.views();
    JsonNode a = assertAgree(after, "a", "ok", "");
    assertThat(a.get("polls").asLong()).as("a's counters carried on through its restart: 4 before, ticks 4 and 5 after")
        .isEqualTo(6);
    JsonNode c = assertAgree(after, "c", "ok", "");
    assertThat(c.get("polls").asLong()).as("c, added while running, polls from the next tick: 4 and 5").isEqualTo(2);
    for (String family : List.of("ferry_polls_total", "ferry_instrument_up", "ferry_samples_polled_total",
        "ferry_poll_errors_total", "ferry_instrument_last_success_timestamp_seconds", "ferry_samples_dropped_total")) {
      assertThat(after.hasSeries(family, "c")).as(family + " for the added instrument").isTrue();
      assertThat(after.hasSeries(family, "b")).as(family + " of the removed instrument is gone").isFalse();
    }
    assertThat(after.instrument(after.health(), "a")).isNotNull();
    assertThat(after.health().get("instruments")).extracting(n -> n.get("id").asText()).containsExactly("a", "c");

    // The status line counts since the agent started, removed and restarted instruments included.
    AgentStatus status = run.agent.status();
    long polledNow = after.count("ferry_samples_polled_total", "instrument", "a") + after.count("ferry_samples_polled_total", "instrument", "c");
    assertThat(status.polled()).as("b's samples still count").isGreaterThan(polledNow);
    assertThat(status.polled()).isEqualTo(polledNow + before.count("ferry_samples_polled_total", "instrument", "b"));
  }
}
