package io.ferry.drivers.modbus;

import io.ferry.drivers.modbus.transport.ModbusTransport;
import io.ferry.drivers.testsupport.TestConfigs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;

/** Every mistake names file, line, column and path, and explains itself. */
class ModbusConfigTest {
  @TempDir Path dir;

  List<String> problems(String yaml) {
    return TestConfigs.plan(dir, new ModbusDriverFactory(), yaml).problems();
  }

  @Test
  void unknownTypeHasADidYouMean() {
    assertThat(problems("""
        id: boiler
        driver: modbus-tcp
        connection: {host: 10.0.0.5}
        channels:
          - {name: t, register: 'holding:0', type: flaot32}
        """)).containsExactly(
        "instruments.d/dev.yaml:5:44 channels[0].type: unknown type \"flaot32\", did you mean \"float32\"?");
  }

  @Test
  void oneBasedModiconAddressesGetTheZeroBasedSpelling() {
    assertThat(problems("""
        id: boiler
        driver: modbus-tcp
        connection: {host: 10.0.0.5}
        channels:
          - name: t
            register: 40001
            type: int16
          - {name: u, register: 'holdng:3', type: int16}
          - {name: v, register: 'holding:70000', type: int16}
        """)).containsExactly(
        "instruments.d/dev.yaml:6:15 channels[0].register: expected table:address with a 0-based address, such as holding:0 or"
            + " input:12, got \"40001\", did you mean \"holding:0\"? (40001 in 1-based Modicon notation is the 0-based protocol"
            + " address holding:0)",
        "instruments.d/dev.yaml:8:25 channels[1].register: unknown table \"holdng\", did you mean \"holding\"? (expected coil,"
            + " discrete, input or holding, as in holding:0)",
        "instruments.d/dev.yaml:9:25 channels[2].register: address 70000 is out of range 0..65535 (addresses are 0-based"
            + " protocol addresses)");
  }

  @Test
  void typeRulesAreChecked() {
    assertThat(problems("""
        id: boiler
        driver: modbus-tcp
        connection: {host: 10.0.0.5, maxRegistersPerRequest: 2}
        channels:
          - {name: a, register: 'holding:0', type: bool}
          - {name: b, register: 'coil:0', type: int16}
          - {name: c, register: 'holding:1', type: string}
          - {name: d, register: 'holding:2', type: float64}
          - {name: e, register: 'holding:6', type: bool, bit: 3, scale: 2}
          - {name: f, register: 'holding:7', type: int16, bit: 16, ordr: CDAB}
          - {name: g, register: 'holding:8', type: string, length: 2, kind: counter}
          - {name: h, register: 'input:0'}
        """)).containsExactly(
        "instruments.d/dev.yaml:5:44 channels[0].type: a bool read from a holding register needs bit: 0..15 (0 = least significant)",
        "instruments.d/dev.yaml:6:41 channels[1].type: coil holds single bits: type must be bool, got int16",
        "instruments.d/dev.yaml:7:5 channels[2]: missing required key \"length\" (registers of the string, two characters each)",
        "instruments.d/dev.yaml:8:44 channels[3].type: needs 4 registers, more than maxRegistersPerRequest (2)",
        "instruments.d/dev.yaml:9:65 channels[4].scale: scale and offset apply to numeric types, not bool",
        "instruments.d/dev.yaml:10:56 channels[5].bit: must be between 0 and 15, got 16",
        "instruments.d/dev.yaml:10:60 channels[5].ordr: unknown key \"ordr\", did you mean \"order\"?",
        "instruments.d/dev.yaml:11:69 channels[6].kind: a string channel cannot be a counter",
        "instruments.d/dev.yaml:12:5 channels[7]: missing required key \"type\" (one of bool, int16, uint16, int32, uint32,"
            + " int64, uint64, float32, float64, string)");
  }

  @Test
  void aStringChannelReportsOnChangeOnly() {
    assertThat(problems("""
        id: boiler
        driver: modbus-tcp
        poll: 1s
        connection: {host: 10.0.0.5}
        report: {deadband: 0.5}
        channels:
          - {name: t, register: 'holding:0', type: float32}
          - {name: firmware, register: 'holding:100', type: string, length: 4}
          - {name: mode, register: 'holding:110', type: string, length: 2, report: {onChange: true}}
          - {name: tag, register: 'holding:120', type: string, length: 2, report: {deadband: 1}}
        """)).containsExactly(
        "instruments.d/dev.yaml:8:53 channels[1].type: a string channel has no deadband, and the instrument's report: gives it"
            + " one: add report: {onChange: true} (or report: off) to this channel",
        "instruments.d/dev.yaml:10:75 channels[3].report: a string channel has no deadband: it reports on change"
            + " (write report: {onChange: true})");
  }

  @Test
  void connectionMistakes() {
    assertThat(problems("""
        id: boiler
        driver: modbus-tcp
        connection: {prot: 502, unit: 300, timeout: 5}
        channels:
          - {name: t, register: 'holding:0', type: int16}
        """)).containsExactly(
        "instruments.d/dev.yaml:3:13 connection.host: missing required key \"host\"",
        "instruments.d/dev.yaml:3:14 connection.prot: unknown key \"prot\", did you mean \"port\"?",
        "instruments.d/dev.yaml:3:31 connection.unit: must be between 0 and 255, got 300",
        "instruments.d/dev.yaml:3:45 connection.timeout: expected a duration such as 500ms, 5s, 1m or 1h, got the number 5"
            + " (add a unit: 5s or 5ms)");
    assertThat(problems("""
        id: meter
        driver: modbus-rtu
        connection: {port: ttyUSB0, parity: evn}
        channels:
          - {name: t, register: 'holding:0', type: int16}
        """)).containsExactly(
        "instruments.d/dev.yaml:3:20 connection.port: expected a serial device path such as /dev/ttyUSB0, got \"ttyUSB0\""
            + " (for a serial device server over TCP, set host and a port number)",
        "instruments.d/dev.yaml:3:37 connection.parity: unknown parity \"evn\", did you mean \"even\"?");
  }

  @Test
  void rtuDefaultsAndInterFrameDelay() {
    ModbusPlan p = TestConfigs.plan(dir, new ModbusDriverFactory(), """
        id: meter
        driver: modbus-rtu
        connection: {port: /dev/ttyUSB0, baud: 9600, parity: even, unit: 7}
        channels:
          - {name: t, register: 'holding:0', type: int16}
        """).as(ModbusPlan.class);
    assertThat(p.unit()).isEqualTo(7);
    assertThat(p.transport()).isInstanceOf(ModbusTransport.Rtu.class);
    // 3.5 characters of 11 bits at 9600 baud = 4.01 ms: the pause never goes below it
    assertThat(p.pause()).isEqualTo(Duration.ofNanos(4_011_000));
    assertThat(p.transport().busKey()).isEqualTo("rtu:/dev/ttyUSB0");
  }

  @Test
  void theDefaultWrapOfACounterKeepsItsReportAndWriteKeys() {
    // Regression: completing a counter's wrap rebuilt the channel from some of its parts and
    // silently dropped report: and write: (each added by another change).
    ModbusPlan p = TestConfigs.plan(dir, new ModbusDriverFactory(), """
        id: meter
        driver: modbus-tcp
        connection: {host: 10.0.0.5}
        channels:
          - {name: pulses, register: 'holding:0', type: uint16, kind: counter, report: {deadband: 5}, write: {min: 0, max: 0, kind: command}}
        """).as(ModbusPlan.class);
    var spec = p.instrument().channels().get(0);
    assertThat(spec.counter().orElseThrow().wrap()).isEqualTo(65536.0);
    assertThat(spec.report()).isPresent();
    assertThat(spec.write()).isPresent();
  }
}
