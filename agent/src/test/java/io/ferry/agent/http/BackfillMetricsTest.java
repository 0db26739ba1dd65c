package io.ferry.agent.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.agent.runtime.AgentSnapshot;
import io.ferry.agent.runtime.PollStats;
import io.ferry.core.MicroTime;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The backfill series of /metrics: only for instruments that backfill, following the driver's gauges. */
class BackfillMetricsTest {
  static final Instant NOW = Instant.parse("2026-12-02T10:00:00Z");

  static AgentSnapshot snapshot(Map<String, Long> press) {
    PollStats p = new PollStats("press", 5, 0, 10, 0, 0, 0, 0, 0, 0, false, 0, 0, MicroTime.micros(NOW), "",
        Duration.ofSeconds(1), Duration.ofSeconds(1), Optional.empty());
    PollStats k = new PollStats("kiln", 5, 0, 10, 0, 0, 0, 0, 0, 0, false, 0, 0, MicroTime.micros(NOW), "",
        Duration.ofSeconds(1), Duration.ofSeconds(1), Optional.empty());
    return new AgentSnapshot(List.of(p, k), Set.of(), Map.of("press", press, "kiln", Map.of("reads", 4L)), List.of(), Optional.empty(),
        Optional.empty());
  }

  @Test
  void progressIsExportedPerInstrument() {
    AtomicReference<AgentSnapshot> s = new AtomicReference<>(snapshot(Map.of("backfillPending", 2L, "backfilled", 500L,
        "backfillReachedMicros", MicroTime.micros(NOW.minusSeconds(600)))));
    Metrics m = new Metrics(s::get, () -> new Health(true, NOW, List.of(), List.of(),
        new Health.BufferHealth("ok", true, 0, 0, 0, 0, 0)), InstantSource.fixed(NOW));
    String text = m.scrape(0, 0);
    assertThat(text).contains("ferry_backfill_pending{instrument=\"press\"} 2.0")
        .contains("ferry_backfill_samples_total{instrument=\"press\"} 500.0")
        .contains("ferry_backfill_reached_seconds{instrument=\"press\"} " + (double) (NOW.getEpochSecond() - 600))
        .doesNotContain("ferry_backfill_pending{instrument=\"kiln\"}");
    s.set(snapshot(Map.of("backfillPending", 0L, "backfilled", 1198L, "backfillReachedMicros", 1L)));
    String done = m.scrape(0, 0);
    assertThat(done).contains("ferry_backfill_pending{instrument=\"press\"} 0.0")
        .contains("ferry_backfill_samples_total{instrument=\"press\"} 1198.0")
        .contains("ferry_backfill_reached_seconds{instrument=\"press\"} NaN");
  }
}
