package io.ferry.drivers.modbus;

import io.ferry.drivers.spi.BackingOffException;
import io.ferry.core.MicroTime;
import io.ferry.core.Sample;
import io.ferry.drivers.modbus.codec.ReadRequest;
import io.ferry.drivers.modbus.codec.RegisterDecoder;
import io.ferry.drivers.modbus.codec.WordOrder;
import io.ferry.drivers.testsupport.CountingMetrics;
import io.ferry.drivers.testsupport.FakeClock;
import io.ferry.drivers.testsupport.TcpProxy;
import io.ferry.drivers.testsupport.TestModbusServer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static io.ferry.drivers.modbus.ModbusTestSupport.byName;
import static io.ferry.drivers.modbus.ModbusTestSupport.open;
import static io.ferry.drivers.modbus.ModbusTestSupport.plan;
import static io.ferry.drivers.modbus.ModbusTestSupport.tcpYaml;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The driver against the digitalpetri server over Modbus TCP on loopback. */
class ModbusTcpDriverTest {
  @TempDir Path dir;
  TestModbusServer server;
  final FakeClock clock = new FakeClock();
  final CountingMetrics metrics = new CountingMetrics();
  final ModbusDriverFactory factory = new ModbusDriverFactory();

  @BeforeEach
  void start() throws Exception {
    server = TestModbusServer.tcp();
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  /** A value of each type in each word order, written into the server in that order, decoded back. */
  @Test
  void decodesEveryTypeInEveryWordOrder() throws Exception {
    record Case(String type, int regs, byte[] canonical, double expected) {}
    List<Case> cases = List.of(
        new Case("int16", 1, ByteBuffer.allocate(2).putShort((short) -12345).array(), -12345),
        new Case("uint16", 1, ByteBuffer.allocate(2).putShort((short) 54321).array(), 54321),
        new Case("int32", 2, ByteBuffer.allocate(4).putInt(-123456789).array(), -123456789),
        new Case("uint32", 2, ByteBuffer.allocate(4).putInt((int) 3_000_000_000L).array(), 3_000_000_000L),
        new Case("int64", 4, ByteBuffer.allocate(8).putLong(-1_234_567_890_123L).array(), -1_234_567_890_123L),
        new Case("uint64", 4, ByteBuffer.allocate(8).putLong(0x8000_0000_0000_0000L).array(), 9.223372036854775808E18),
        new Case("float32", 2, ByteBuffer.allocate(4).putFloat(229.01f).array(), 229.01f),
        new Case("float64", 4, ByteBuffer.allocate(8).putDouble(-0.000123456789).array(), -0.000123456789));
    StringBuilder channels = new StringBuilder();
    Map<String, Double> expected = new java.util.TreeMap<>();
    int address = 0;
    for (Case c : cases) {
      for (WordOrder o : WordOrder.values()) {
        String name = c.type() + "_" + o.name().toLowerCase(Locale.ROOT);
        server.holdingBytes(1, address, RegisterDecoder.toWire(c.canonical(), o));
        channels.append("  - {name: ").append(name).append(", register: 'holding:").append(address)
            .append("', type: ").append(c.type()).append(", order: ").append(o).append("}\n");
        expected.put(name, c.expected());
        address += c.regs() + 1;
      }
    }
    ModbusPlan plan = plan(dir, tcpYaml(server.port(), "", channels.toString()));
    try (ModbusDriver d = open(factory, plan, clock, metrics, dir.resolve("state"))) {
      Map<String, Sample> got = byName(d.poll());
      assertThat(got.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
      expected.forEach((name, v) -> assertThat(got.get(name).value()).as(name).isEqualTo(v));
      assertThat(got.values()).allSatisfy(s -> assertThat(s.timeMicros()).isEqualTo(MicroTime.now(clock)));
    }
    // 32 channels over 112 registers with 1-register gaps: one read, not 32
    assertThat(server.reads).containsExactly("1 holding 0 111");
  }

  @Test
  void bitsCoilsStringsScaleOffsetAndInputRegisters() throws Exception {
    server.holding(1, 10, 0b1000_0000_0000_0101);
    server.coil(1, 3, true);
    server.discrete(1, 7, true);
    server.input(1, 0, 250);
    server.holdingBytes(1, 20, "FERRY-01\0\0".getBytes(StandardCharsets.US_ASCII));
    String channels = """
          - {name: b0, register: 'holding:10', type: bool, bit: 0}
          - {name: b1, register: 'holding:10', type: bool, bit: 1}
          - {name: b15, register: 'holding:10', type: bool, bit: 15}
          - {name: c3, register: 'coil:3'}
          - {name: c4, register: 'coil:4'}
          - {name: d7, register: 'discrete:7', type: bool}
          - {name: temp, register: 'input:0', type: int16, scale: 0.1, offset: -5, unit: degC}
          - {name: serial, register: 'holding:20', type: string, length: 5}
          - {name: energy, register: 'input:1', type: uint32, kind: counter}
        """;
    server.input(1, 1, 0x0001, 0x0002);
    ModbusPlan plan = plan(dir, tcpYaml(server.port(), "", channels));
    try (ModbusDriver d = open(factory, plan, clock, metrics, dir.resolve("state"))) {
      Map<String, Sample> got = byName(d.poll());
      assertThat(got.get("b0").value()).isEqualTo(1);
      assertThat(got.get("b1").value()).isEqualTo(0);
      assertThat(got.get("b15").value()).isEqualTo(1);
      assertThat(got.get("c3").value()).isEqualTo(1);
      assertThat(got.get("c4").value()).isEqualTo(0);
      assertThat(got.get("d7").value()).isEqualTo(1);
      assertThat(got.get("temp").value()).isCloseTo(20.0, org.assertj.core.data.Offset.offset(1e-9));
      assertThat(got.get("serial").text()).isEqualTo("FERRY-01");
      assertThat(got.get("energy").value()).isEqualTo(65538);
      assertThat(plan.channels().stream().filter(c -> c.id().channel().equals("energy")).findFirst().orElseThrow().kind())
          .isEqualTo(io.ferry.core.ValueKind.COUNTER);
    }
  }

  @Test
  void describeListsThePlannedRequests() {
    ModbusPlan plan = plan(dir, tcpYaml(server.port(), ", maxGap: 2", """
          - {name: a, register: 'holding:0', type: float32}
          - {name: b, register: 'holding:3', type: uint16}
          - {name: c, register: 'holding:40', type: uint16}
          - {name: d, register: 'coil:0'}
        """));
    assertThat(plan.describe()).containsExactly(
        "modbus-tcp 127.0.0.1:" + server.port() + " unit 1, timeout 3000ms, pause 0ms, max 125 registers/2000 bits per request,"
            + " maxGap 2: 3 requests per poll for 4 channels",
        "  read coil 0..0 (1 bit) -> d@0",
        "  read holding 0..3 (4 registers, 1 unused) -> a@0, b@3",
        "  read holding 40..40 (1 register) -> c@40");
  }

  @Test
  void exception2SplitsTheMergedReadAndRemembersTheSplit() throws Exception {
    server.holding(1, 0, 1, 2, 3, 4, 5, 6, 7, 8);
    server.rejectedHolding.add(5);   // a hole between the channels that the device refuses to read
    String channels = """
          - {name: a, register: 'holding:0', type: uint16}
          - {name: b, register: 'holding:2', type: uint16}
          - {name: c, register: 'holding:6', type: uint16}
          - {name: d, register: 'holding:7', type: uint16}
        """;
    ModbusPlan plan = plan(dir, tcpYaml(server.port(), "", channels));
    assertThat(plan.requests()).hasSize(1);
    Path state = dir.resolve("state");
    try (ModbusDriver d = open(factory, plan, clock, metrics, state)) {
      Map<String, Sample> got = byName(d.poll());
      assertThat(got).containsOnlyKeys("a", "b", "c", "d");
      assertThat(got.get("c").value()).isEqualTo(7);
      assertThat(d.currentRequests()).extracting(ReadRequest::describe)
          .containsExactly("holding 0..2 (3 registers, 1 unused)", "holding 6..7 (2 registers)");
      assertThat(metrics.get("splits")).isEqualTo(1);
      server.reads.clear();
      d.poll();
      assertThat(server.reads).containsExactly("1 holding 0 3", "1 holding 6 2");
    }
    assertThat(Files.readString(state.resolve("modbus-splits.txt"))).contains("holding 6");
    // a new driver (an agent restart) starts with the learned split: no rejected read at all
    server.reads.clear();
    try (ModbusDriver d = open(factory, plan, clock, new CountingMetrics(), state)) {
      assertThat(byName(d.poll())).containsOnlyKeys("a", "b", "c", "d");
    }
    assertThat(server.reads).containsExactly("1 holding 0 3", "1 holding 6 2");
  }

  @Test
  void aSingleChannelTheDeviceRejectsFailsAloneTheOthersKeepReading() throws Exception {
    server.holding(1, 0, 11, 12, 13);
    server.rejectedHolding.add(1);
    ModbusPlan plan = plan(dir, tcpYaml(server.port(), "", """
          - {name: a, register: 'holding:0', type: uint16}
          - {name: bad, register: 'holding:1', type: uint16}
          - {name: c, register: 'holding:2', type: uint16}
        """));
    try (ModbusDriver d = open(factory, plan, clock, metrics, dir.resolve("state"))) {
      assertThat(byName(d.poll())).containsOnlyKeys("a", "c");
      assertThat(byName(d.poll())).containsOnlyKeys("a", "c");
      assertThat(d.currentRequests()).hasSize(3);
    }
  }

  @Test
  void exceptionResponseGivesNoValueAndNoBackoff() throws Exception {
    server.forcedException = 4;
    ModbusPlan plan = plan(dir, tcpYaml(server.port(), "", "  - {name: a, register: 'holding:0', type: uint16}\n"));
    try (ModbusDriver d = open(factory, plan, clock, metrics, dir.resolve("state"))) {
      assertThatThrownBy(d::poll).hasMessageContaining("exception 4 (server device failure)");
      assertThatThrownBy(d::poll).hasMessageContaining("exception 4");
      assertThat(metrics.get("exceptions")).isEqualTo(2);
      assertThat(server.readsOf(1)).isEqualTo(2);      // the device answers, so it is not backed off
      server.forcedException = 0;
      assertThat(d.poll()).hasSize(1);
    }
  }

  @Test
  void timeoutBacksTheUnitOffExponentiallyAndRecovers() throws Exception {
    server.deadUnits.add(1);
    ModbusPlan plan = plan(dir, tcpYaml(server.port(), "1s", ", backoffInitial: 10s, backoffMax: 30s",
        "  - {name: a, register: 'holding:0', type: uint16}\n"));
    try (ModbusDriver d = open(factory, plan, clock, metrics, dir.resolve("state"))) {
      assertThatThrownBy(d::poll).hasMessageContaining("no answer");
      assertThat(metrics.get("timeouts")).isEqualTo(1);
      assertThat(metrics.states).containsExactly("backoff");
      // within the backoff the unit is not asked again; the skipped poll keeps the cause
      assertThatThrownBy(d::poll).isInstanceOf(BackingOffException.class)
          .hasMessage("unit 1: read holding 0..0 (1 register): no answer within 1000ms; waiting before asking the unit again");
      clock.advance(Duration.ofSeconds(9));
      assertThatThrownBy(d::poll).isInstanceOf(BackingOffException.class);
      assertThat(server.readsOf(1)).isEqualTo(1);
      clock.advance(Duration.ofSeconds(1));
      assertThatThrownBy(d::poll).hasMessageContaining("no answer");
      assertThat(server.readsOf(1)).isEqualTo(2);
      // second failure: 20 s
      clock.advance(Duration.ofSeconds(19));
      assertThatThrownBy(d::poll).isInstanceOf(BackingOffException.class);
      clock.advance(Duration.ofSeconds(1));
      server.deadUnits.clear();
      assertThat(d.poll()).hasSize(1);
      assertThat(metrics.states).containsExactly("backoff", "connected");   // logged once per change
    }
  }

  @Test
  void disconnectMidPollReconnectsWithBackoff() throws Exception {
    server.holding(1, 0, 42);
    try (TcpProxy proxy = new TcpProxy(server.port())) {
      ModbusPlan plan = plan(dir, tcpYaml(proxy.port(), ", backoffInitial: 5s",
          "  - {name: a, register: 'holding:0', type: uint16}\n"));
      try (ModbusDriver d = open(factory, plan, clock, metrics, dir.resolve("state"))) {
        assertThat(d.poll()).hasSize(1);
        proxy.cut();
        assertThatThrownBy(d::poll).isInstanceOf(java.io.IOException.class);
        proxy.start();
        // The device is back, but nothing is read before the backoff has passed. Whether the
        // client noticed the cut as a lost link (the bus refuses: "next attempt at ...") or as a
        // timeout (the unit is backed off: a skipped poll) is a race inside the client.
        assertThat(readsBeforeBackoff(d)).isEmpty();
        clock.advance(Duration.ofSeconds(5));
        assertThat(byName(d.poll()).get("a").value()).isEqualTo(42);
        assertThat(metrics.states).startsWith("connected").endsWith("connected");
      }
    }
  }

  @Test
  void garbageBytesGiveNoValueAndTheUnitRecoversWhenTheyStop() throws Exception {
    server.holding(1, 0, 42);
    try (TcpProxy proxy = new TcpProxy(server.port())) {
      ModbusPlan plan = plan(dir, tcpYaml(proxy.port(), "1s", ", backoffInitial: 1s",
          "  - {name: a, register: 'holding:0', type: uint16}\n"));
      try (ModbusDriver d = open(factory, plan, clock, metrics, dir.resolve("state"))) {
        proxy.garbage = new byte[] {(byte) 0xDE, (byte) 0xAD, 0x00, 0x00, (byte) 0xBE, (byte) 0xEF, 0x41};
        assertThatThrownBy(d::poll).isInstanceOf(java.io.IOException.class);
        assertThat(metrics.get("errors")).isEqualTo(1);
        proxy.garbage = null;
        clock.advance(Duration.ofMinutes(1));
        assertThat(byName(d.poll()).get("a").value()).isEqualTo(42);
      }
    }
  }

  @Test
  void unreachableServerFailsFastAndNeverThrowsFromTheBusThread() throws Exception {
    int port = TestModbusServer.freePort();
    ModbusPlan plan = plan(dir, tcpYaml(port, "", "  - {name: a, register: 'holding:0', type: uint16}\n"));
    try (ModbusDriver d = open(factory, plan, clock, metrics, dir.resolve("state"))) {
      assertThatThrownBy(d::poll).hasMessageContaining("cannot connect");
      assertThatThrownBy(d::poll).hasMessageContaining("next attempt");
      assertThat(metrics.get("errors")).isEqualTo(2);
    }
  }

  /** A poll during backoff: the bus refuses (an exception naming the next attempt) or the unit is skipped (its own exception). */
  private static List<Sample> readsBeforeBackoff(ModbusDriver d) throws Exception {
    try {
      return d.poll();
    } catch (java.io.IOException e) {
      assertThat(e).hasMessageContaining("next attempt");
      return List.of();
    } catch (BackingOffException e) {
      assertThat(e).hasMessageContaining("waiting before asking the unit again");
      return List.of();
    }
  }
}
