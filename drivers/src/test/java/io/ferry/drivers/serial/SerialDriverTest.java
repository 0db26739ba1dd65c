package io.ferry.drivers.serial;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.ferry.core.Sample;
import io.ferry.drivers.spi.DriverContext;
import io.ferry.drivers.spi.PollingDriver;
import io.ferry.drivers.spi.StreamingDriver;
import io.ferry.drivers.testsupport.CountingMetrics;
import io.ferry.drivers.testsupport.FakeClock;
import io.ferry.drivers.testsupport.PtyPair;
import io.ferry.drivers.testsupport.TestConfigs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The serial driver against a simulated SCPI-like instrument, over TCP and on a socat pty pair. */
class SerialDriverTest {
  @TempDir Path dir;
  final FakeClock clock = new FakeClock();
  final CountingMetrics metrics = new CountingMetrics();
  final SerialDriverFactory factory = new SerialDriverFactory();

  static final String POLL_CHANNELS = """
      mode: poll
      command: "MEAS:ALL?"
      delimiter: ","
      channels:
        - {name: temp, field: 0, unit: degC}
        - {name: pressure, field: 1, unit: hPa}
        - {name: status, field: 2, type: text}
        - {name: ident, command: "*IDN?", pattern: '^(?<value>[A-Z]+),', type: text}
      """;

  SerialPlan plan(String yaml) {
    return TestConfigs.plan(dir, factory, yaml).as(SerialPlan.class);
  }

  PollingDriver openPolling(SerialPlan p) {
    return (PollingDriver) factory.open(p, new DriverContext(clock, dir.resolve("state"), metrics));
  }

  static void scpi(SimInstrument sim) {
    sim.replies.put("MEAS:ALL?", () -> "+2.345E+01,+1.013E+03,OK\r\n");
    sim.replies.put("*IDN?", () -> "ACME,T100,1234,1.0\r\n");
  }

  static void assertScpi(List<Sample> got) {
    assertThat(got).extracting(s -> s.channel().channel()).containsExactly("temp", "pressure", "status", "ident");
    assertThat(got.get(0).value()).isEqualTo(23.45);
    assertThat(got.get(1).value()).isEqualTo(1013.0);
    assertThat(got.get(2).text()).isEqualTo("OK");
    assertThat(got.get(3).text()).isEqualTo("ACME");
  }

  @Test
  void requestResponseOverTcp() throws Exception {
    try (SimInstrument sim = SimInstrument.tcp()) {
      scpi(sim);
      SerialPlan p = plan("id: t100\ndriver: serial\nconnection: {host: 127.0.0.1, port: " + sim.port() + ", timeout: 3s}\n"
          + POLL_CHANNELS);
      assertThat(p.describe()).containsExactly(
          "tcp 127.0.0.1:" + sim.port() + ", request/response, timeout 3000ms, lines end with \"\\n\"",
          "  send \"MEAS:ALL?\\r\\n\" -> temp, pressure, status",
          "  send \"*IDN?\\r\\n\" -> ident",
          "  temp: field 0 of \",\"-separated",
          "  pressure: field 1 of \",\"-separated",
          "  status: field 2 of \",\"-separated (text)",
          "  ident: pattern /^(?<value>[A-Z]+),/ group value (text)");
      try (PollingDriver d = openPolling(p)) {
        assertScpi(d.poll());
        assertScpi(d.poll());
      }
      assertThat(sim.received).containsExactly("MEAS:ALL?", "*IDN?", "MEAS:ALL?", "*IDN?");
    }
  }

  @Test
  void requestResponseOnAPty() throws Exception {
    try (PtyPair pty = PtyPair.open(dir); SimInstrument sim = SimInstrument.pty(pty.a())) {
      scpi(sim);
      SerialPlan p = plan("id: t100\ndriver: serial\nconnection: {port: " + pty.b() + ", baud: 115200, timeout: 3s}\n"
          + POLL_CHANNELS);
      try (PollingDriver d = openPolling(p)) {
        assertScpi(d.poll());
        assertScpi(d.poll());
      }
    }
  }

  @Test
  void faultsOfARequestResponseInstrument() throws Exception {
    try (SimInstrument sim = SimInstrument.tcp()) {
      SerialPlan p = plan("id: t100\ndriver: serial\nconnection: {host: 127.0.0.1, port: " + sim.port()
          + ", timeout: 1s, backoffInitial: 10s}\nmode: poll\ncommand: 'MEAS?'\nchecksum: xor\n"
          + "channels:\n  - {name: v, pattern: 'V=([-+.0-9E]+)'}\n");
      String good = "V=+1.5E+00";
      try (PollingDriver d = openPolling(p)) {
        // no answer: timeout, counted, no value
        assertThatThrownBy(d::poll).hasMessageContaining("no reply to \"MEAS?\" within 1000ms");
        assertThat(metrics.get("timeouts")).isEqualTo(1);
        // garbage bytes
        sim.replies.put("MEAS?", () -> "\u0000\u00ff\u0013V=9\n");
        assertThatThrownBy(d::poll).hasMessageContaining("garbage");
        // a reply with a wrong checksum
        sim.replies.put("MEAS?", () -> good + "*00\r\n");
        assertThatThrownBy(d::poll).hasMessageContaining("checksum");
        // a reply cut off (no terminator) is discarded, never parsed
        sim.replies.put("MEAS?", () -> "V=+1.");
        assertThatThrownBy(d::poll).hasMessageContaining("no reply");
        assertThat(metrics.get("partial")).isEqualTo(1);
        // an unparsable reply
        sim.replies.put("MEAS?", () -> "ERR -113,\"Undefined header\"*" + Checksum.XOR.compute("ERR -113,\"Undefined header\"") + "\n");
        assertThatThrownBy(d::poll).hasMessageContaining("could not be read");
        assertThat(metrics.get("malformed")).isEqualTo(1);
        assertThat(metrics.get("garbage")).isEqualTo(1);
        assertThat(metrics.get("checksum")).isEqualTo(1);
        // and a good one after all that
        sim.replies.put("MEAS?", () -> good + "*" + Checksum.XOR.compute(good) + "\r\n");
        List<Sample> got = d.poll();
        assertThat(got).extracting(Sample::value).containsExactly(1.5);
        // the device server drops the connection mid-poll: error, backoff, reconnect
        sim.dropClients();
        assertThatThrownBy(d::poll).isInstanceOf(java.io.IOException.class);
        // backing off, nothing sent: a skipped poll with the cause, never an empty success
        assertThatThrownBy(d::poll).isInstanceOf(io.ferry.drivers.spi.BackingOffException.class)
            .hasMessageContaining("connection closed by the device server");
        clock.advance(Duration.ofSeconds(10));
        assertThat(d.poll()).extracting(Sample::value).containsExactly(1.5);
        assertThat(metrics.states).containsExactly("connected", "disconnected", "connected");
      }
    }
  }

  static final String STREAM = """
      mode: stream
      delimiter: ";"
      channels:
        - {name: weight, field: 1, scale: 1000, unit: g}
        - {name: tare, pattern: 'T=(?<value>[-+.0-9]+)'}
      """;

  record Collected(List<Sample> samples, StreamingDriver driver) {}

  Collected startStreaming(SerialPlan p) {
    List<Sample> samples = new CopyOnWriteArrayList<>();
    StreamingDriver d = (StreamingDriver) factory.open(p, new DriverContext(clock, dir.resolve("state"), metrics));
    d.start(batch -> {
      samples.addAll(batch);
      return CompletableFuture.completedFuture(null);
    });
    return new Collected(samples, d);
  }

  @Test
  void streamingOverTcpDropsTheFirstLineAndEveryBadLine() throws Exception {
    try (SimInstrument sim = SimInstrument.tcp()) {
      Collected c = startStreaming(plan("id: scale\ndriver: serial\nconnection: {host: 127.0.0.1, port: " + sim.port() + "}\n" + STREAM));
      try (StreamingDriver d = c.driver()) {
        await().atMost(Duration.ofSeconds(10)).until(sim::connected);
        sim.print("2.5;T=0\n");                           // first line: possibly cut, dropped
        sim.print("W;1.250;T=0.5\n");
        sim.print("W;\u0001\u0002garbage\n");               // noise
        sim.print("W;not-a-number\n");                     // unparsable
        sim.print("x".repeat(5000) + "\n");                // overlong
        sim.print("W;+2.0E-01;T=-1\r\n");
        await().atMost(Duration.ofSeconds(10)).until(() -> c.samples().size() >= 4);
        assertThat(c.samples()).extracting(s -> s.channel().channel() + "=" + s.value())
            .containsExactly("weight=1250.0", "tare=0.5", "weight=200.0", "tare=-1.0");
        assertThat(metrics.get("partial")).isEqualTo(1);
        assertThat(metrics.get("garbage")).isEqualTo(1);
        assertThat(metrics.get("malformed")).isEqualTo(1);
        assertThat(metrics.get("overlong")).isEqualTo(1);
      }
    }
  }

  @Test
  void streamingReconnectsAfterTheDeviceServerDropsTheConnection() throws Exception {
    try (SimInstrument sim = SimInstrument.tcp()) {
      Collected c = startStreaming(plan("id: scale\ndriver: serial\nconnection: {host: 127.0.0.1, port: " + sim.port()
          + ", backoffInitial: 50ms}\n" + STREAM));
      try (StreamingDriver d = c.driver()) {
        await().atMost(Duration.ofSeconds(10)).until(sim::connected);
        sim.print("cut line\nW;1;T=1\n");
        await().atMost(Duration.ofSeconds(10)).until(() -> c.samples().size() == 2);
        sim.dropClients();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(metrics.states).contains("disconnected"));
        await().atMost(Duration.ofSeconds(10)).until(sim::connected);
        sim.print("W;2;T=2\nW;3;T=3\n");               // the first line after reconnecting is dropped
        await().atMost(Duration.ofSeconds(10)).until(() -> c.samples().size() == 4);
        assertThat(c.samples()).extracting(Sample::value).containsExactly(1000.0, 1.0, 3000.0, 3.0);
        assertThat(metrics.states).containsExactly("connected", "disconnected", "connected");
        assertThat(metrics.get("partial")).isEqualTo(2);
      }
    }
  }

  @Test
  void streamingOnAPty() throws Exception {
    try (PtyPair pty = PtyPair.open(dir); SimInstrument sim = SimInstrument.pty(pty.a())) {
      Collected c = startStreaming(plan("id: scale\ndriver: serial\nconnection: {port: " + pty.b() + ", baud: 9600}\n"
          + "skipFirstLine: false\n" + STREAM));
      try (StreamingDriver d = c.driver()) {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(metrics.states).contains("connected"));
        await().atMost(Duration.ofSeconds(10)).until(() -> {
          sim.print("W;0.001;T=1\n");
          return !c.samples().isEmpty();
        });
        assertThat(c.samples().get(0).value()).isEqualTo(1.0);
      }
    }
  }
}
