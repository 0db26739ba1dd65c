package io.ferry.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RollupSpecTest {
  @Test
  void intervalStartFloorsAlsoBeforeTheEpoch() {
    RollupSpec r = new RollupSpec(Duration.ofMinutes(1), List.of(Stat.AVG), Duration.ofSeconds(5), false);
    assertThat(r.intervalStart(61_000_000L)).isEqualTo(60_000_000L);
    assertThat(r.intervalStart(-1L)).isEqualTo(-60_000_000L);
  }

  @Test
  void microTimeRoundTrips() {
    long micros = 1_700_000_000_123_456L;
    assertThat(MicroTime.micros(MicroTime.instant(micros))).isEqualTo(micros);
    assertThat(MicroTime.micros(MicroTime.instant(-5))).isEqualTo(-5);
  }
}
