package io.ferry.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.core.testing.FakeClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LogGateTest {
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void sampledLogsTheFirstThenAtMostOncePerIntervalWithACount() {
    FakeClock clock = new FakeClock(T0);
    List<String> lines = new ArrayList<>();
    Duration every = Duration.ofMinutes(1);
    LogGate gate = LogGate.sampled(clock, every);
    java.util.function.Consumer<String> report = m -> gate.admit("bad", m).ifPresent(p -> lines.add(m + p.heldBackSuffix(every)));

    report.accept("bad 1");
    for (int i = 2; i <= 100; i++) {
      clock.advance(Duration.ofMillis(100));
      report.accept("bad " + i);
    }
    assertThat(lines).containsExactly("bad 1");

    clock.advance(Duration.between(T0.plusMillis(9900), T0.plusSeconds(60)));
    report.accept("bad 101");
    assertThat(lines).containsExactly("bad 1", "bad 101 (and 99 more like it in the last 1 min)");

    clock.advance(Duration.ofMinutes(4));
    report.accept("bad 102");
    assertThat(lines).last().isEqualTo("bad 102");
  }

  @Test
  void sampledKeysAreIndependent() {
    FakeClock clock = new FakeClock(T0);
    LogGate gate = LogGate.sampled(clock, Duration.ofSeconds(30));
    assertThat(gate.admit("a", "x")).isPresent();
    assertThat(gate.admit("b", "x")).isPresent();
    assertThat(gate.admit("a", "y")).isEmpty();
  }

  @Test
  void onChangePassesOnlyANewValueAndSaysWhatItReplaced() {
    LogGate gate = LogGate.onChange();
    assertThat(gate.admit("unit", "connected")).contains(new LogGate.Pass(Optional.empty(), 0));
    assertThat(gate.admit("unit", "connected")).isEmpty();
    assertThat(gate.admit("unit", "timeout")).contains(new LogGate.Pass(Optional.of("connected"), 0));
    assertThat(gate.admit("unit", "timeout")).isEmpty();
    assertThat(gate.current("unit")).contains("timeout");
    gate.forget("unit");
    assertThat(gate.admit("unit", "timeout")).isPresent();
    gate.clear();
    assertThat(gate.current("unit")).isEmpty();
  }
}
