package io.ferry.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.agent.runtime.WriteRules.Decision;
import io.ferry.agent.runtime.WriteRules.Refusal;
import io.ferry.core.ChannelId;
import io.ferry.core.ChannelSpec;
import io.ferry.core.ValueKind;
import io.ferry.core.WriteSpec;
import io.ferry.drivers.spi.WriteRequest;
import io.ferry.drivers.spi.WriteTarget;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every refusal before sending, as a table: unknown channel, not writable, wrong type, out of range, rate exceeded. */
class WriteRulesTest {
  static final ChannelId SP = ChannelId.of("plc1", "setpoint");
  static final Instant NOW = Instant.parse("2026-01-01T00:00:10Z");

  static ChannelSpec spec(Optional<WriteSpec> write) {
    return new ChannelSpec(SP, "degC", "", ValueKind.GAUGE, Optional.empty(), Optional.empty(), Map.of(), write);
  }

  static final WriteSpec LIMITED = new WriteSpec(0, 80, Optional.of(new WriteSpec.Rate(2, Duration.ofSeconds(10))), Optional.empty(),
      WriteSpec.Kind.SETPOINT);

  static Optional<WriteTarget> target(String domain) {
    return Optional.of(new WriteTarget(SP, switch (domain) {
      case "int16x0.1" -> new WriteTarget.Domain("int16 (scale 0.1)", -3276.8, 3276.7, 0.1, 0);
      case "coil" -> WriteTarget.Domain.bool("coil");
      default -> WriteTarget.Domain.anyNumber("float32");
    }, "write"));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
      setpoint in range          | limited  | float   | 42.5   | -        | 42.5 | -
      bounds are inclusive       | limited  | float   | 80     | -        | 80   | -
      unknown channel            | none     | float   | 1      | -        | -    | UNKNOWN_CHANNEL:no channel plc1/setpoint in the configuration
      no write key               | readonly | float   | 1      | -        | -    | NOT_WRITABLE:channel plc1/setpoint is not writable (its instrument file has no write: key for it)
      driver cannot write        | limited  | -       | 1      | -        | -    | NOT_WRITABLE:channel plc1/setpoint is not writable (its instrument file has no write: key for it)
      text                       | limited  | float   | warm   | -        | -    | WRONG_TYPE:"warm" is not a number (nor true or false); plc1/setpoint is float32
      not a number               | limited  | float   | NaN    | -        | -    | WRONG_TYPE:"NaN" is not a number (nor true or false); plc1/setpoint is float32
      above max                  | limited  | float   | 80.01  | -        | -    | OUT_OF_RANGE:80.01 is outside the range allowed for plc1/setpoint (0 to 80)
      below min                  | limited  | float   | -1     | -        | -    | OUT_OF_RANGE:-1 is outside the range allowed for plc1/setpoint (0 to 80)
      between register steps     | open     | int16x0.1 | 1.25 | -        | -    | WRONG_TYPE:plc1/setpoint: int16 (scale 0.1) holds steps of 0.1, got 1.25
      register step fits         | open     | int16x0.1 | 1.2  | -        | 1.2  | -
      beyond the register        | open     | int16x0.1 | 4000 | -        | -    | WRONG_TYPE:plc1/setpoint: int16 (scale 0.1) holds -3276.8 to 3276.7, got 4000
      coil takes true            | open     | coil    | true   | -        | 1    | -
      coil refuses 2             | open     | coil    | 2      | -        | -    | WRONG_TYPE:plc1/setpoint: coil takes 0 or 1 (false or true), got 2
      one write in window        | limited  | float   | 1      | 5        | 1    | -
      two writes in window       | limited  | float   | 1      | 2;5      | -    | RATE_EXCEEDED:plc1/setpoint takes at most 2 writes per 10s; the next is allowed at 2026-01-01T00:00:12Z
      old write left the window  | limited  | float   | 1      | 0;5      | 1    | -
      """)
  void decides(String name, String specKind, String domain, String text, String sendsAgo, String sent, String refused) {
    Optional<ChannelSpec> spec = switch (specKind) {
      case "none" -> Optional.empty();
      case "readonly" -> Optional.of(spec(Optional.empty()));
      case "open" -> Optional.of(spec(Optional.of(new WriteSpec(Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, Optional.empty(),
          Optional.empty(), WriteSpec.Kind.COMMAND))));
      default -> Optional.of(spec(Optional.of(LIMITED)));
    };
    List<Instant> sends = sendsAgo == null ? List.of()
        : java.util.Arrays.stream(sendsAgo.split(";")).map(s -> NOW.minusSeconds(10 - Long.parseLong(s))).toList();
    Decision d = WriteRules.decide(SP, text, spec, domain == null ? Optional.empty() : target(domain), sends, NOW);
    if (refused == null) {
      assertThat(d).isEqualTo(new Decision.Send(new WriteRequest(SP, Double.parseDouble(sent))));
    } else {
      String[] parts = refused.split(":", 2);
      assertThat(d).isEqualTo(new Decision.Refused(Refusal.valueOf(parts[0]), parts[1]));
    }
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      42.5   | 42.5
      ' -3 ' | -3
      1e3    | 1000
      +.5    | 0.5
      ON     | 1
      false  | 0
      """)
  void parsesNumbersAndSwitchWords(String text, double expected) {
    assertThat(WriteRules.parse(text)).hasValue(expected);
  }
}
