package io.ferry.drivers.modbus;

import static io.ferry.drivers.modbus.ModbusTestSupport.open;
import static io.ferry.drivers.modbus.ModbusTestSupport.plan;
import static io.ferry.drivers.modbus.ModbusTestSupport.tcpYaml;
import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.core.ChannelId;
import io.ferry.drivers.spi.WriteOutcome;
import io.ferry.drivers.spi.WriteRequest;
import io.ferry.drivers.testsupport.CountingMetrics;
import io.ferry.drivers.testsupport.FakeClock;
import io.ferry.drivers.testsupport.TestConfigs;
import io.ferry.drivers.testsupport.TestModbusServer;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Writes against the digitalpetri server over Modbus TCP: the exact request PDUs, the outcomes, the plan. */
class ModbusWriteTest {
  @TempDir Path dir;
  TestModbusServer server;
  final FakeClock clock = new FakeClock();
  final CountingMetrics metrics = new CountingMetrics();
  final ModbusDriverFactory factory = new ModbusDriverFactory();

  static final String CHANNELS = """
        - {name: abcd, register: 'holding:0', type: float32, order: ABCD, write: {}}
        - {name: cdab, register: 'holding:2', type: float32, order: CDAB, write: {}}
        - {name: badc, register: 'holding:4', type: float32, order: BADC, write: {}}
        - {name: dcba, register: 'holding:6', type: float32, order: DCBA, write: {}}
        - {name: i16, register: 'holding:8', type: int16, scale: 0.1, write: {verify: readBack}}
        - {name: i32, register: 'holding:10', type: int32, order: CDAB, write: {}}
        - {name: pump, register: 'coil:3', write: {kind: command}}
        - {name: valve, register: 'coil:4', write: {multiple: true}}
        - {name: one, register: 'holding:12', type: uint16, write: {multiple: true}}
        - {name: level, register: 'input:0', type: int16}
      """;

  @BeforeEach
  void start() throws Exception {
    server = TestModbusServer.tcp();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private static WriteRequest req(String channel, double value) {
    return new WriteRequest(ChannelId.of("dev", channel), value);
  }

  @Test
  void eachTypeAndWordOrderGoesOutAsOneRequestWithTheExactBytes() throws Exception {
    ModbusPlan plan = plan(dir, tcpYaml(server.port(), "", CHANNELS));
    try (ModbusDriver d = open(factory, plan, clock, metrics, dir.resolve("s"))) {
      for (String c : List.of("abcd", "cdab", "badc", "dcba")) {
        assertThat(d.write(req(c, 42.5))).isInstanceOf(WriteOutcome.Applied.class);
      }
      assertThat(d.write(req("i16", -21.5))).isInstanceOf(WriteOutcome.Applied.class);
      assertThat(d.write(req("i32", -100000))).isInstanceOf(WriteOutcome.Applied.class);
      assertThat(d.write(req("pump", 1))).isInstanceOf(WriteOutcome.Applied.class);
      assertThat(d.write(req("valve", 1))).isInstanceOf(WriteOutcome.Applied.class);
      assertThat(d.write(req("one", 513))).isInstanceOf(WriteOutcome.Applied.class);
      assertThat(server.writes).containsExactly(
          "1: 10 00 00 00 02 04 42 2A 00 00",
          "1: 10 00 02 00 02 04 00 00 42 2A",
          "1: 10 00 04 00 02 04 2A 42 00 00",
          "1: 10 00 06 00 02 04 00 00 2A 42",
          "1: 06 00 08 FF 29",
          "1: 10 00 0A 00 02 04 79 60 FF FE",
          "1: 05 00 03 FF 00",
          "1: 0F 00 04 00 01 01 01",
          "1: 10 00 0C 00 01 02 02 01");
      assertThat(server.reads).as("i16 verifies with one read of its register, nothing else is read").containsExactly("1 holding 8 1");
      // and the values read back through the normal poll are the ones written
      assertThat(ModbusTestSupport.byName(d.poll())).satisfies(m -> {
        assertThat(m.get("cdab").value()).isEqualTo(42.5);
        assertThat(m.get("i16").value()).isEqualTo(-21.5);
        assertThat(m.get("i32").value()).isEqualTo(-100000);
        assertThat(m.get("pump").value()).isEqualTo(1);
      });
    }
  }

  @Test
  void deviceExceptionIsRejectedInWords() throws Exception {
    ModbusPlan plan = plan(dir, tcpYaml(server.port(), "", CHANNELS));
    server.forcedException = 3;
    try (ModbusDriver d = open(factory, plan, clock, metrics, dir.resolve("s"))) {
      assertThat(d.write(req("abcd", 1))).isEqualTo(new WriteOutcome.Rejected(
          "the device answered exception 3 (illegal data value) to write fc16 holding:0 2 registers [3F 80 00 00] to unit 1"));
    }
  }

  @Test
  void readBackConfirmsTheValueOrRejectsWhatTheDeviceDidNotKeep() throws Exception {
    ModbusPlan plan = plan(dir, tcpYaml(server.port(), "",
        "  - {name: i16, register: 'holding:8', type: int16, write: {verify: readBack, tolerance: 0.5}}\n"));
    try (ModbusDriver d = open(factory, plan, clock, metrics, dir.resolve("s"))) {
      assertThat(d.write(req("i16", 7))).isEqualTo(new WriteOutcome.Applied(
          "the device acknowledged write fc6 holding:8 1 register [00 07] to unit 1 and read back 7"));
      server.ignoredWrites.add(8); // acknowledges, keeps its value (a device clamping or refusing silently)
      assertThat(d.write(req("i16", 9))).isEqualTo(new WriteOutcome.Rejected(
          "the device acknowledged write fc6 holding:8 1 register [00 09] to unit 1 but read back 7 instead of 9 (tolerance 0.5)"));
    }
  }

  @Test
  void noAnswerIsUnknownAndAClosedPortIsFailed() throws Exception {
    ModbusPlan plan = plan(dir, tcpYaml(server.port(), "300ms", "", CHANNELS));
    server.deadUnits.add(1);
    try (ModbusDriver d = open(factory, plan, clock, metrics, dir.resolve("s"))) {
      WriteOutcome o = d.write(req("abcd", 1));
      assertThat(o).isInstanceOf(WriteOutcome.Unknown.class);
      assertThat(o.detail()).contains("no answer within 300ms").contains("may or may not have applied it");
    }
    server.stop();
    try (ModbusDriver d = open(new ModbusDriverFactory(), plan, clock, metrics, dir.resolve("s2"))) {
      WriteOutcome o = d.write(req("abcd", 1));
      assertThat(o).isInstanceOf(WriteOutcome.Failed.class);
      assertThat(o.detail()).startsWith("write fc16 holding:0 2 registers [3F 80 00 00] to unit 1 was not sent: ");
    }
  }

  @Test
  void planListsEachWritableChannelsRequest() {
    ModbusPlan plan = plan(dir, tcpYaml(502, "", CHANNELS));
    assertThat(plan.writeTargets()).hasSize(9);
    assertThat(plan.describe()).contains(
        "  write holding:2 with function 16 (write multiple registers), 2 registers float32 CDAB <- cdab",
        "  write holding:8 with function 6 (write single register), 1 register int16, raw = (value - 0) / 0.1 <- i16",
        "  write coil:3 with function 5 (write single coil) <- pump",
        "  write coil:4 with function 15 (write multiple coils) <- valve");
  }

  @Test
  void readOnlyRegistersCannotBeMadeWritable() {
    TestConfigs.Planned p = TestConfigs.plan(dir, factory, tcpYaml(502, "",
        "  - {name: level, register: 'input:0', type: int16, write: {}}\n"
            + "  - {name: flag, register: 'holding:1', type: bool, bit: 3, write: {max: 1}}\n"));
    assertThat(p.plan()).isEmpty();
    assertThat(p.problems()).containsExactly(
        "instruments.d/dev.yaml:6:60 channels[0].write: input registers are read-only in Modbus; only holding registers and coils can be written",
        "instruments.d/dev.yaml:7:68 channels[1].write: a single bit of a holding register cannot be written without changing the other bits of the register");
  }
}
