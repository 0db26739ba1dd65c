package io.ferry.drivers.serial;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.core.ChannelId;
import io.ferry.drivers.spi.DriverContext;
import io.ferry.drivers.spi.PollingDriver;
import io.ferry.drivers.spi.Writable;
import io.ferry.drivers.spi.WriteOutcome;
import io.ferry.drivers.spi.WriteRequest;
import io.ferry.drivers.testsupport.CountingMetrics;
import io.ferry.drivers.testsupport.FakeClock;
import io.ferry.drivers.testsupport.PtyPair;
import io.ferry.drivers.testsupport.TestConfigs;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A command template with its expected reply, to an instrument answering on a pty. */
class SerialWriteTest {
  @TempDir Path dir;
  final SerialDriverFactory factory = new SerialDriverFactory();

  static final String CHANNELS = """
      channels:
        - name: volt
          command: "SOUR:VOLT?"
          pattern: '^(?<value>-?[0-9.]+)$'
          write: {command: "SOUR:VOLT {value}", reply: "OK", min: 0, max: 60, verify: readBack, tolerance: 0.01}
        - name: reset
          command: "COUNT?"
          pattern: '^(?<value>[0-9]+)$'
          write: {command: "COUNT:RESET {value}", reply: "OK|DONE", kind: command}
      """;

  @Test
  void sendsTheTemplateAndJudgesTheReply() throws Exception {
    try (PtyPair pty = PtyPair.open(dir); SimInstrument sim = SimInstrument.pty(pty.a())) {
      AtomicReference<String> volt = new AtomicReference<>("0");
      sim.replies.put("SOUR:VOLT?", () -> volt.get() + "\r\n");
      sim.replies.put("SOUR:VOLT 42.5", () -> {
        volt.set("42.5");
        return "OK\r\n";
      });
      sim.replies.put("SOUR:VOLT 59", () -> "ERR -222,\"Data out of range\"\r\n");
      sim.replies.put("COUNT:RESET 1", () -> "DONE\r\n");
      SerialPlan p = TestConfigs.plan(dir, factory, "id: psu\ndriver: serial\nconnection: {port: " + pty.b()
          + ", baud: 115200, timeout: 1s}\n" + CHANNELS).as(SerialPlan.class);
      assertThat(p.describe()).contains("  send \"SOUR:VOLT {value}\\r\\n\", expect a reply matching /OK/ <- volt");
      try (PollingDriver d = (PollingDriver) factory.open(p, new DriverContext(new FakeClock(), dir.resolve("s"), new CountingMetrics()))) {
        Writable w = (Writable) d;
        assertThat(w.write(new WriteRequest(ChannelId.of("psu", "volt"), 42.5))).isEqualTo(new WriteOutcome.Applied(
            "the instrument answered \"OK\" to command \"SOUR:VOLT 42.5\" and read back 42.5"));
        assertThat(w.write(new WriteRequest(ChannelId.of("psu", "volt"), 59))).isEqualTo(new WriteOutcome.Rejected(
            "the instrument answered \"ERR -222,\"Data out of range\"\" to command \"SOUR:VOLT 59\" (expected /OK/)"));
        assertThat(w.write(new WriteRequest(ChannelId.of("psu", "reset"), 1))).isInstanceOf(WriteOutcome.Applied.class);
        WriteOutcome silent = w.write(new WriteRequest(ChannelId.of("psu", "volt"), 7));
        assertThat(silent).isInstanceOf(WriteOutcome.Unknown.class);
        assertThat(silent.detail()).isEqualTo("no reply to command \"SOUR:VOLT 7\" within 1000ms; the instrument may or may not have applied it");
        // the poll after a silent write still reads its own reply, not a late one
        assertThat(d.poll()).extracting(s -> s.value()).containsExactly(42.5); // COUNT? is not answered by this instrument
      }
      assertThat(sim.received).startsWith("SOUR:VOLT 42.5", "SOUR:VOLT?", "SOUR:VOLT 59", "COUNT:RESET 1", "SOUR:VOLT 7");
    }
  }

  @Test
  void templatesRenderTheRawValue() {
    SerialCommand c = new SerialCommand(ChannelId.of("i", "c"), "SP {value} C", Pattern.compile("OK"), 0.1, 0);
    assertThat(c.render(21.5)).isEqualTo("SP 215 C");
    assertThat(new SerialCommand(ChannelId.of("i", "c"), "V{value}", Pattern.compile("OK"), 1, 0).render(0.001)).isEqualTo("V0.001");
    assertThat(c.accepts(" OK ")).isTrue();
    assertThat(c.accepts("OK, but")).isFalse();
  }

  @Test
  void writeKeysOfAChannelThatIsInvalidAnywayAreNotCalledUnknown() {
    TestConfigs.Planned p = TestConfigs.plan(dir, factory, "id: psu\ndriver: serial\nconnection: {port: /dev/ttyUSB0}\nchannels:\n"
        + "  - {name: volt, command: 'V?', write: {command: 'SOUR:VOLT {value}', reply: 'OK'}}\n");
    assertThat(p.problems()).hasSize(1).allSatisfy(line -> assertThat(line).contains("a channel needs pattern"));
  }

  @Test
  void aCommandNeedsItsValueAndAReplyPattern() {
    TestConfigs.Planned p = TestConfigs.plan(dir, factory, "id: psu\ndriver: serial\nconnection: {port: /dev/ttyUSB0}\nchannels:\n"
        + "  - {name: volt, command: 'V?', field: 0, write: {command: 'SOUR:VOLT', reply: '(OK'}}\n");
    assertThat(p.problems()).containsExactly(
        "instruments.d/dev.yaml:5:60 channels[0].write.command: must contain {value}, where the value goes",
        "instruments.d/dev.yaml:5:80 channels[0].write.reply: not a valid regular expression: Unclosed group near index 3");
  }
}
