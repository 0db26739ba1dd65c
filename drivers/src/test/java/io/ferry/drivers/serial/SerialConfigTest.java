package io.ferry.drivers.serial;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.drivers.testsupport.TestConfigs;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SerialConfigTest {
  @TempDir Path dir;

  List<String> problems(String yaml) {
    return TestConfigs.plan(dir, new SerialDriverFactory(), yaml).problems();
  }

  /** A reload compares plans: the same file must plan equal, or every reload restarts the instrument. */
  @Test
  void theSameFilePlansEqualSoAReloadLeavesItRunning() {
    String yaml = """
        id: t
        driver: serial
        connection: {port: /dev/ttyUSB0}
        command: 'MEAS?'
        channels:
          - {name: v, pattern: 'V=([-+.0-9]+)'}
          - {name: w, pattern: 'W=(?<value>[0-9]+)', group: value}
        """;
    var first = TestConfigs.plan(dir, new SerialDriverFactory(), yaml).plan().orElseThrow();
    var second = TestConfigs.plan(dir, new SerialDriverFactory(), yaml).plan().orElseThrow();
    assertThat(second).isEqualTo(first).hasSameHashCodeAs(first);
    var changed = TestConfigs.plan(dir, new SerialDriverFactory(), yaml.replace("V=(", "U=(")).plan().orElseThrow();
    assertThat(changed).isNotEqualTo(first);
  }

  @Test
  void mistakesNameFileLineAndPath() {
    assertThat(problems("""
        id: t
        driver: serial
        connection: {host: 10.0.0.9}
        mode: pol
        checksum: crc
        channels:
          - {name: a, pattern: 'V=([0-9'}
          - {name: b, field: 1, pattern: 'x'}
          - {name: c}
          - {name: d, pattern: 'V=(?<v>[0-9]+)', group: value}
        """)).containsExactly(
        "instruments.d/dev.yaml:3:13 connection: missing required key \"port\" (the TCP port of the serial device server)",
        "instruments.d/dev.yaml:4:7 mode: unknown mode \"pol\", did you mean \"poll\"?",
        "instruments.d/dev.yaml:5:11 checksum: unknown checksum \"crc\" (expected one of none, xor, sum8)",
        "instruments.d/dev.yaml:7:24 channels[0].pattern: not a valid regular expression: Unclosed character class near index 6",
        "instruments.d/dev.yaml:8:22 channels[1].field: give either pattern or field, not both",
        "instruments.d/dev.yaml:9:5 channels[2]: a channel needs pattern (a regular expression, value in group \"value\" or the"
            + " first group) or field (0-based index after splitting at delimiter)",
        "instruments.d/dev.yaml:10:49 channels[3].group: the pattern has no group named \"value\"");
  }

  @Test
  void pollModeNeedsACommand() {
    assertThat(problems("""
        id: t
        driver: serial
        connection: {port: /dev/ttyUSB0}
        channels:
          - {name: a, field: 0}
        """)).containsExactly("instruments.d/dev.yaml:5:5 channels[0]: in mode: poll every channel needs a command (set"
        + " command at the top level or on the channel), or use mode: stream");
  }
}
