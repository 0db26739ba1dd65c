package io.ferry.buffer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The counter classification as a table: previous read, new read, modulus -> outcome. */
class CounterStepTest {

  @ParameterizedTest(name = "{0}: {1} -> {2} (wrap {3}) = {4} {5}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          first read ever                  | NaN        | 500        | 65536      | Baseline | 0
          normal increase                  | 100        | 250        | 65536      | Delta    | 150
          no change                        | 250        | 250        | 65536      | Delta    | 0
          wrap at 2^16                     | 65530      | 4          | 65536      | Wrap     | 10
          wrap at 2^16 to zero             | 65535      | 0          | 65536      | Wrap     | 1
          wrap at 2^32                     | 4294967290 | 5          | 4294967296 | Wrap     | 11
          reset to zero, no wrap set       | 1000       | 0          | 0          | Reset    | 0
          reset, small new value           | 1000       | 7          | 0          | Reset    | 7
          reset with wrap set (low range)  | 20000      | 3          | 65536      | Reset    | 3
          ambiguous: half range, a wrap    | 40000      | 3          | 65536      | Wrap     | 25539
          meter replaced, 2^32 meter       | 123456     | 42         | 4294967296 | Reset    | 42
          missing read: gap in one delta   | 100        | 400        | 65536      | Delta    | 300
          not a number                     | 100        | NaN        | 65536      | Invalid  | 0
          """)
  void classifiesReads(String name, double previous, double value, double wrap, String kind, double delta) {
    CounterStep step = CounterStep.of(previous, value, wrap);
    switch (kind) {
      case "Baseline" -> assertThat(step).isEqualTo(new CounterStep.Baseline(value));
      case "Delta" -> assertThat(step).isEqualTo(new CounterStep.Delta(delta, false));
      case "Wrap" -> assertThat(step).isEqualTo(new CounterStep.Delta(delta, true));
      case "Reset" -> assertThat(step).isEqualTo(new CounterStep.Reset(delta));
      case "Invalid" -> assertThat(step).isInstanceOf(CounterStep.Invalid.class);
      default -> throw new IllegalArgumentException(kind);
    }
  }
}
