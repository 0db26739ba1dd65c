package io.ferry.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.core.Backoff;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BackoffKeysTest {
  private record Read(Backoff backoff, String problems) {}

  private static Read read(String yaml) {
    Problems problems = new Problems();
    ConfigContext ctx = ConfigContext.of(problems, Map.of());
    Fields f = ctx.fields(YamlReader.read("inst.yaml", yaml, problems).orElseThrow(), "connection").orElseThrow();
    Backoff b = BackoffKeys.read(f, Duration.ofSeconds(1), Duration.ofMinutes(1));
    ctx.finish();
    return new Read(b, problems.all().toString());
  }

  @Test
  void defaultsWhenAbsentAndReadsBothKeys() {
    assertThat(read("other: 1\n").backoff()).isEqualTo(Backoff.of(Duration.ofSeconds(1), Duration.ofMinutes(1)));
    Read r = read("backoffInitial: 250ms\nbackoffMax: 2h\n");
    assertThat(r.backoff()).isEqualTo(Backoff.of(Duration.ofMillis(250), Duration.ofHours(2)));
    assertThat(r.problems()).isEqualTo("[]");
  }

  @Test
  void anInitialAboveTheDefaultMaxRaisesTheMaxInsteadOfFailing() {
    Read r = read("backoffInitial: 5m\n");
    assertThat(r.backoff()).isEqualTo(Backoff.of(Duration.ofMinutes(5), Duration.ofMinutes(5)));
    assertThat(r.problems()).isEqualTo("[]");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      max below initial | backoffInitial: 10s\\nbackoffMax: 1s  | inst.yaml:2:13 connection.backoffMax: must not be shorter than backoffInitial (10s)
      old min spelling  | reconnectMin: 1s                       | inst.yaml:1:15 connection.reconnectMin: unknown key "reconnectMin", did you mean "backoffInitial"?
      old max spelling  | reconnectMax: 1m                       | connection.reconnectMax: unknown key "reconnectMax", did you mean "backoffMax"?
      too short         | backoffInitial: 1ms                    | connection.backoffInitial
      """)
  void problemsNameTheFileAndTheKey(String name, String yaml, String expected) {
    Read r = read(yaml.replace("\\n", "\n") + "\n");
    assertThat(r.problems()).contains(expected);
    assertThat(r.backoff().max()).isGreaterThanOrEqualTo(r.backoff().initial());
  }
}
