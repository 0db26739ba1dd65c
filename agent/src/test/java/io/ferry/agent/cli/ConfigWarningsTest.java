package io.ferry.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What is valid but almost always a mistake is said, not refused: overlapping registers, an
 * unusual baud rate; a counter on a 16/32-bit register without {@code wrap} wraps at the
 * register's range, and {@code ferry plan} says so.
 */
class ConfigWarningsTest {
  static final String AGENT = "gatewayId: gw-test\nstateDir: %s\nuplinks:\n  local:\n    type: jsonl\n    path: out.jsonl\n";
  static final String PLC = """
      id: plc
      driver: modbus-tcp
      poll: 5s
      uplinks: [local]
      connection: {host: 192.0.2.10}
      channels:
        - {name: temp, register: "holding:0", type: float32}
        - {name: status, register: "holding:1", type: uint16}
        - {name: alarm, register: "holding:1", type: bool, bit: 3}
        - {name: pulses, register: "input:10", type: uint16, kind: counter}
        - {name: energy, register: "input:20", type: uint32, kind: counter, scale: 0.1}
        - {name: total, register: "input:30", type: uint32, kind: counter, wrap: 0}
      """;
  static final String RTU = """
      id: meter
      driver: modbus-rtu
      poll: 5s
      uplinks: [local]
      connection: {port: /dev/ttyUSB7, baud: 9660}
      channels:
        - {name: volts, register: "input:0", type: uint16}
      """;

  @TempDir Path dir;

  String ferry(String command) throws IOException {
    Files.createDirectories(dir.resolve("instruments.d"));
    Files.writeString(dir.resolve("agent.yaml"), AGENT.formatted(dir.resolve("state")));
    Files.writeString(dir.resolve("instruments.d/plc.yaml"), PLC);
    Files.writeString(dir.resolve("instruments.d/meter.yaml"), RTU);
    StringWriter out = new StringWriter();
    var cl = Main.commandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(out));
    int exit = cl.execute(command, "--config", dir.toString());
    assertThat(exit).as(out.toString()).isZero();
    return out.toString();
  }

  @Test
  void checkWarnsAboutOverlappingRegistersAndAnUnusualBaudRateButPasses() throws IOException {
    assertThat(ferry("check").lines().toList()).containsExactly(
        "instruments.d/meter.yaml:5:40 connection.baud: warning: 9660 is not a standard baud rate (300, 600, 1200, 2400, 4800, "
            + "9600, 14400, 19200, 28800, 38400, 57600, 76800, 115200, 230400, 250000, 460800, 500000, 921600, 1000000, 1500000, "
            + "2000000, 3000000); check the device's setting",
        "instruments.d/plc.yaml:8:30 channels[1].register: warning: overlaps channel temp (channels[0], holding:0..1); "
            + "two channels reading the same registers is usually a mistake",
        "configuration OK: " + dir + ": 2 instruments, 7 channels, 1 uplinks");
  }

  @Test
  void planShowsTheWrapOfEveryCounterDefaultingToTheRegisterRange() throws IOException {
    String plan = ferry("plan");
    assertThat(plan)
        .contains("  counter pulses wraps at 65536\n")
        .contains("  counter energy wraps at 429496729.6\n")
        .contains("  counter total never wraps (wrap: 0)\n");
  }
}
