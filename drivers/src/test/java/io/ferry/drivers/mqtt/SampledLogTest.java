package io.ferry.drivers.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class SampledLogTest {
  @Test
  void logsTheFirstThenAtMostOncePerIntervalWithACount() {
    AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-01-01T00:00:00Z"));
    InstantSource clock = now::get;
    List<String> lines = new ArrayList<>();
    SampledLog log = new SampledLog(clock, Duration.ofMinutes(1), lines::add);

    log.report("bad 1");
    for (int i = 2; i <= 100; i++) {
      now.set(now.get().plusMillis(100));
      log.report("bad " + i);
    }
    assertThat(lines).containsExactly("bad 1");

    now.set(Instant.parse("2026-01-01T00:01:00Z"));
    log.report("bad 101");
    assertThat(lines).containsExactly("bad 1", "bad 101 (and 99 more like it in the last 1 min)");

    now.set(Instant.parse("2026-01-01T00:05:00Z"));
    log.report("bad 102");
    assertThat(lines).last().isEqualTo("bad 102");
  }
}
