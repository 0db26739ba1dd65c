package io.ferry.drivers.modbus;

import io.ferry.core.Sample;
import io.ferry.drivers.modbus.codec.RegisterDecoder;
import io.ferry.drivers.modbus.codec.WordOrder;
import io.ferry.drivers.testsupport.CountingMetrics;
import io.ferry.drivers.testsupport.FakeClock;
import io.ferry.drivers.testsupport.PtyPair;
import io.ferry.drivers.testsupport.TestModbusServer;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static io.ferry.drivers.modbus.ModbusTestSupport.byName;
import static io.ferry.drivers.modbus.ModbusTestSupport.open;
import static io.ferry.drivers.modbus.ModbusTestSupport.plan;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** RTU framing: over TCP (a serial device server) and on a real serial line (a socat pty pair). */
class ModbusRtuDriverTest {
  @TempDir Path dir;
  final FakeClock clock = new FakeClock();
  final CountingMetrics metrics = new CountingMetrics();

  static final String CHANNELS = """
      channels:
        - {name: flow, register: 'holding:0', type: float32, order: CDAB}
        - {name: total, register: 'holding:2', type: uint32, order: DCBA, kind: counter}
        - {name: level, register: 'input:5', type: int16, scale: 0.01}
        - {name: pump, register: 'coil:0'}
      """;

  private static void fill(TestModbusServer server, int unit) {
    server.holdingBytes(unit, 0, RegisterDecoder.toWire(ByteBuffer.allocate(4).putFloat(12.5f).array(), WordOrder.CDAB));
    server.holdingBytes(unit, 2, RegisterDecoder.toWire(ByteBuffer.allocate(4).putInt(1_000_000).array(), WordOrder.DCBA));
    server.input(unit, 5, -150);
    server.coil(unit, 0, true);
  }

  private static void assertValues(Map<String, Sample> got) {
    assertThat(got.get("flow").value()).isEqualTo(12.5);
    assertThat(got.get("total").value()).isEqualTo(1_000_000);
    assertThat(got.get("level").value()).isEqualTo(-1.5);
    assertThat(got.get("pump").value()).isEqualTo(1);
  }

  @Test
  void rtuOverTcp() throws Exception {
    try (TestModbusServer server = TestModbusServer.rtuOverTcp()) {
      fill(server, 3);
      ModbusPlan plan = plan(dir, "id: dev\ndriver: modbus-rtu-over-tcp\n"
          + "connection: {host: 127.0.0.1, port: " + server.port() + ", unit: 3, timeout: 3s}\n" + CHANNELS);
      assertThat(plan.describe().get(0)).startsWith("modbus-rtu-over-tcp 127.0.0.1:" + server.port() + " unit 3");
      try (ModbusDriver d = open(new ModbusDriverFactory(), plan, clock, metrics, dir.resolve("state"))) {
        assertValues(byName(d.poll()));
        assertValues(byName(d.poll()));
      }
    }
  }

  @Test
  void rtuOnASerialLineWithADeadUnitOnTheSameBus() throws Exception {
    try (PtyPair pty = PtyPair.open(dir); TestModbusServer server = TestModbusServer.rtu(pty.a(), 19200)) {
      fill(server, 1);
      server.deadUnits.add(2);
      String connection = "connection: {port: " + pty.b() + ", baud: 19200, parity: none, dataBits: 8, stopBits: 1, "
          + "timeout: 1s, pauseBetweenRequests: 5ms, backoffInitial: 1m, unit: ";
      ModbusPlan live = plan(dir.resolve("a"), "id: live\ndriver: modbus-rtu\n" + connection + "1}\n" + CHANNELS);
      ModbusPlan dead = plan(dir.resolve("b"), "id: dead\ndriver: modbus-rtu\n" + connection + "2}\n" + CHANNELS);
      assertThat(live.describe().get(0)).startsWith("modbus-rtu " + pty.b() + " 19200 8N1 unit 1, timeout 1000ms, pause 5ms");
      ModbusDriverFactory factory = new ModbusDriverFactory();
      try (ModbusDriver l = open(factory, live, clock, metrics, dir.resolve("s1"));
          ModbusDriver d = open(factory, dead, clock, new CountingMetrics(), dir.resolve("s2"))) {
        assertThatThrownBy(d::poll).hasMessageContaining("no answer");
        for (int i = 0; i < 5; i++) {
          assertValues(byName(l.poll()));
          // backed off: skipped without touching the line, and never an empty success
          assertThatThrownBy(d::poll).isInstanceOf(io.ferry.drivers.spi.BackingOffException.class).hasMessageContaining("no answer");
          clock.advance(Duration.ofSeconds(1));
        }
        assertThat(server.readsOf(2)).isEqualTo(1);
        assertThat(server.readsOf(1)).isEqualTo(5 * 3);    // three reads per poll: holding, input, coil
      }
    }
  }

  /** A device that answers with line noise: no value, counted, and the unit reads again once the line is clean. */
  @Test
  void garbageOnTheSerialLine() throws Exception {
    try (PtyPair pty = PtyPair.open(dir)) {
      ModbusPlan plan = plan(dir, "id: dev\ndriver: modbus-rtu\nconnection: {port: " + pty.b()
          + ", baud: 9600, timeout: 1s, backoffInitial: 1s}\n" + CHANNELS);
      try (ModbusDriver d = open(new ModbusDriverFactory(), plan, clock, metrics, dir.resolve("state"))) {
        Thread noise = new Thread(() -> {
          try (FileInputStream in = new FileInputStream(pty.a()); FileOutputStream out = new FileOutputStream(pty.a())) {
            byte[] buf = new byte[256];
            if (in.read(buf) > 0) {
              out.write(new byte[] {0x01, 0x03, 0x04, (byte) 0xFF, 0x13, 0x37, 0x00, 0x55, 0x66});   // bad CRC
              out.flush();
            }
          } catch (Exception ignored) {
            // the test asserts on the driver's side
          }
        });
        noise.start();
        assertThatThrownBy(d::poll).isInstanceOf(java.io.IOException.class);
        noise.join();
        assertThat(metrics.get("errors")).isEqualTo(1);
        try (TestModbusServer server = TestModbusServer.rtu(pty.a(), 9600)) {
          fill(server, 1);
          clock.advance(Duration.ofSeconds(1));
          assertValues(byName(d.poll()));
        }
      }
    }
  }
}
