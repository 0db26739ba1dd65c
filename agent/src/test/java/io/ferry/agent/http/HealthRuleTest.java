package io.ferry.agent.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.agent.runtime.AgentSnapshot;
import io.ferry.agent.runtime.PollStats;
import io.ferry.buffer.BufferStats;
import io.ferry.core.MicroTime;
import io.ferry.uplink.UplinkState;
import io.ferry.uplink.UplinkStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The health rule as a table: each row one situation, the state and verdict it must give. */
class HealthRuleTest {
  static final Instant STARTED = Instant.parse("2026-12-02T10:00:00Z");
  static final HealthRule.Limits LIMITS = new HealthRule.Limits(3, Duration.ofMinutes(10));

  /** kiln: poll 10 s, timeout 2 s, started with the agent; the last good sample at {@code lastSuccess}. */
  static PollStats poll(Instant lastSuccess, long errors) {
    return poll(lastSuccess, errors, Optional.empty(), "");
  }

  static PollStats poll(Instant lastSuccess, long errors, Optional<Duration> stale, String lastError) {
    long good = lastSuccess == null ? 0 : MicroTime.micros(lastSuccess);
    return new PollStats("kiln", 5, 0, 10, errors, 0, 0, 0, 0, 0, false, good, good, MicroTime.micros(STARTED), lastError,
        Duration.ofSeconds(10), Duration.ofSeconds(2), stale);
  }

  static Stream<Arguments> instruments() {
    return Stream.of(
        // last success, now (seconds after start), streaming, expected state
        Arguments.of(null, 5, false, "starting"),
        Arguments.of(null, 32, false, "starting"), // exactly 3 x 10 s + 2 s timeout: still allowed
        Arguments.of(null, 33, false, "failing"), // past it, never polled
        Arguments.of(STARTED.plusSeconds(100), 131, false, "ok"),
        Arguments.of(STARTED.plusSeconds(100), 133, false, "failing"),
        Arguments.of(null, 500, true, "streaming"));
  }

  static Stream<Arguments> verdicts() {
    Optional<Duration> oneMinute = Optional.of(Duration.ofMinutes(1));
    return Stream.of(
        // last good (s after start), stale:, streaming, now (s), last error, state, problem
        Arguments.of(null, Optional.empty(), false, 40, "no answer within 1000ms", "failing",
            "no answer within 1000ms (no good value in the 40s since it started, stale after 32s)"),
        Arguments.of(100L, Optional.empty(), false, 140, "the poll returned no values", "failing",
            "the poll returned no values (last good value 40s ago, stale after 32s)"),
        Arguments.of(100L, Optional.empty(), false, 120, "the poll returned no values", "ok", ""), // within 32 s: up
        Arguments.of(100L, oneMinute, false, 140, "connection refused", "ok", ""), // stale: 1m widens it
        Arguments.of(100L, oneMinute, false, 161, "connection refused", "failing",
            "connection refused (last good value 1m 1s ago, stale after 1m)"),
        Arguments.of(100L, oneMinute, true, 150, "", "ok", ""), // streaming: the last message's age against stale
        Arguments.of(100L, oneMinute, true, 200, "", "failing",
            "no message with a good value (last good value 1m 40s ago, stale after 1m)"),
        Arguments.of(null, oneMinute, true, 30, "", "starting", ""),
        Arguments.of(null, Optional.empty(), true, 9000, "", "streaming", "")); // streaming without stale: no limit
  }

  @ParameterizedTest
  @MethodSource("verdicts")
  void theOneDefinitionOfUp(Long goodAt, Optional<Duration> stale, boolean streaming, long nowSeconds, String lastError,
      String state, String problem) {
    PollStats p = poll(goodAt == null ? null : STARTED.plusSeconds(goodAt), lastError.isEmpty() ? 0 : 4, stale, lastError);
    HealthRule.Verdict v = HealthRule.instrument(p, streaming, 3, STARTED.plusSeconds(nowSeconds));
    assertThat(v.state()).isEqualTo(state);
    assertThat(v.up()).isEqualTo(!state.equals("failing"));
    assertThat(v.problem()).isEqualTo(problem);
  }

  @ParameterizedTest
  @MethodSource("instruments")
  void instrumentState(Instant lastSuccess, long nowSeconds, boolean streaming, String expected) {
    AgentSnapshot s = new AgentSnapshot(List.of(poll(lastSuccess, 0)), streaming ? Set.of("kiln") : Set.of(), Map.of(),
        List.of(), Optional.of(stats(Map.of())), Optional.empty());
    Health h = judge(s, STARTED.plusSeconds(nowSeconds), false);
    assertThat(h.instruments().get(0).state()).isEqualTo(expected);
    assertThat(h.healthy()).isEqualTo(!expected.equals("failing"));
  }

  static UplinkStatus uplink(UplinkState state, Instant lastSuccess) {
    return new UplinkStatus("gs", "grovestreams", state, 10, 10, 0, 0, 0, 0, 1, Optional.empty(), Optional.ofNullable(lastSuccess));
  }

  static Stream<Arguments> uplinks() {
    Instant now = STARTED.plus(Duration.ofHours(1));
    return Stream.of(
        // state, last success, backlog, oldest unsent, healthy
        Arguments.of(UplinkState.RUNNING, now.minusSeconds(5), 0L, null, true),
        Arguments.of(UplinkState.BACKING_OFF, null, 0L, null, true), // nothing waits: nothing to deliver
        Arguments.of(UplinkState.BACKING_OFF, now.minusSeconds(700), 50L, now.minusSeconds(900), false),
        Arguments.of(UplinkState.BACKING_OFF, now.minusSeconds(300), 50L, now.minusSeconds(900), true), // catching up
        Arguments.of(UplinkState.BACKING_OFF, now.minusSeconds(700), 50L, now.minusSeconds(60), true), // fresh backlog
        Arguments.of(UplinkState.BACKING_OFF, null, 50L, now.minusSeconds(3000), false), // never delivered since start
        Arguments.of(UplinkState.PAUSED_AUTH, now.minusSeconds(1), 0L, null, false));
  }

  @ParameterizedTest
  @MethodSource("uplinks")
  void uplinkHealth(UplinkState state, Instant lastSuccess, long backlog, Instant oldest, boolean healthy) {
    Instant now = STARTED.plus(Duration.ofHours(1));
    BufferStats.UplinkBacklog b = new BufferStats.UplinkBacklog(backlog, 0, 0, oldest == null ? 0 : MicroTime.micros(oldest));
    AgentSnapshot s = new AgentSnapshot(List.of(), Set.of(), Map.of(), List.of(uplink(state, lastSuccess)),
        Optional.of(stats(Map.of("gs", b))), Optional.empty());
    Health h = judge(s, now, false);
    Health.UplinkHealth u = h.uplinks().get(0);
    assertThat(u.healthy()).isEqualTo(healthy);
    assertThat(u.backlog()).isEqualTo(backlog);
    assertThat(u.problem().isEmpty()).isEqualTo(healthy);
    assertThat(h.healthy()).isEqualTo(healthy);
    assertThat(u.oldestAge()).isEqualTo(oldest == null ? Optional.empty() : Optional.of(Duration.between(oldest, now)));
  }

  static Stream<Arguments> outcomeUnknown() {
    String oneMinute = "3 increments with outcome unknown (not sent again; check the totals upstream), the last 1m 0s ago";
    return Stream.of(
        // state, seconds since the last outcome-unknown increment (null: none), window, problem ("" = healthy)
        Arguments.of(UplinkState.RUNNING, null, Duration.ofMinutes(10), ""),
        Arguments.of(UplinkState.RUNNING, 60L, Duration.ofMinutes(10), oneMinute),
        Arguments.of(UplinkState.RUNNING, 600L, Duration.ofMinutes(10),
            "3 increments with outcome unknown (not sent again; check the totals upstream), the last 10m 0s ago"),
        Arguments.of(UplinkState.RUNNING, 601L, Duration.ofMinutes(10), ""), // older than the window: counted, healthy
        Arguments.of(UplinkState.RUNNING, 60L, Duration.ZERO, ""), // uplinkOutcomeUnknown: 0s never degrades
        Arguments.of(UplinkState.PAUSED_AUTH, 60L, Duration.ofMinutes(10), "credentials refused"));
  }

  @ParameterizedTest
  @MethodSource("outcomeUnknown")
  void outcomeUnknownDegradesForItsWindow(UplinkState state, Long secondsAgo, Duration window, String problem) {
    Instant now = STARTED.plus(Duration.ofHours(1));
    io.ferry.uplink.OutcomeUnknown unknown = secondsAgo == null ? io.ferry.uplink.OutcomeUnknown.NONE
        : new io.ferry.uplink.OutcomeUnknown("increments", Map.of("door/opens", new io.ferry.uplink.OutcomeUnknown.Series(2, 5),
            "line/parts", new io.ferry.uplink.OutcomeUnknown.Series(1, 1)), Optional.of(now.minusSeconds(secondsAgo)));
    UplinkStatus u = new UplinkStatus("tdb", "tempodb", state, 10, 0, 0, 0, 0, 0, 1, Optional.empty(), Optional.of(now),
        List.of(), Map.of(), unknown);
    AgentSnapshot s = new AgentSnapshot(List.of(), Set.of(), Map.of(), List.of(u), Optional.of(stats(Map.of())), Optional.empty());
    Health h = HealthRule.judge(s, new HealthRule.Limits(3, Duration.ofMinutes(10), window), STARTED, now,
        new HealthRule.Disk(1 << 20, 1 << 30, false), Map.of());
    assertThat(h.uplinks().get(0).problem()).isEqualTo(problem);
    assertThat(h.healthy()).isEqualTo(problem.isEmpty());
    assertThat(h.uplinks().get(0).outcomeUnknown()).isEqualTo(unknown); // the count is shown whatever the verdict
  }

  @ParameterizedTest
  @MethodSource("buffers")
  void bufferHealth(boolean readable, boolean refusing, String state) {
    AgentSnapshot s = new AgentSnapshot(List.of(), Set.of(), Map.of(), List.of(),
        readable ? Optional.of(stats(Map.of())) : Optional.empty(), Optional.empty());
    Health h = judge(s, STARTED.plusSeconds(60), refusing);
    assertThat(h.buffer().state()).isEqualTo(state);
    assertThat(h.healthy()).isEqualTo(state.equals("ok"));
  }

  static Stream<Arguments> buffers() {
    return Stream.of(Arguments.of(true, false, "ok"), Arguments.of(true, true, "refusing"), Arguments.of(false, false, "unreadable"));
  }

  static Stream<Arguments> backfills() {
    long reached = MicroTime.micros(STARTED.minusSeconds(600));
    return Stream.of(
        // driver counters and gauges, expected JSON of "backfill" (null: no backfill block)
        Arguments.of(Map.of("reads", 3L), null),
        Arguments.of(Map.of("backfillPending", 2L, "backfilled", 120L, "backfillReachedMicros", reached),
            "{\"channelsPending\":2,\"samples\":120,\"reached\":\"2026-12-02T09:50:00Z\"}"),
        Arguments.of(Map.of("backfillPending", 0L, "backfilled", 1198L, "backfillReachedMicros", reached),
            "{\"channelsPending\":0,\"samples\":1198,\"reached\":null}"),
        Arguments.of(Map.of("backfillPending", 3L), "{\"channelsPending\":3,\"samples\":0,\"reached\":null}"));
  }

  @ParameterizedTest
  @MethodSource("backfills")
  void anInstrumentWithBackfillShowsItsProgress(Map<String, Long> driver, String json) {
    AgentSnapshot s = new AgentSnapshot(List.of(poll(STARTED.plusSeconds(5), 0)), Set.of(), Map.of("kiln", driver),
        List.of(), Optional.of(stats(Map.of())), Optional.empty());
    Health h = judge(s, STARTED.plusSeconds(10), false);
    com.fasterxml.jackson.databind.JsonNode n = StatusJson.health(h).get("instruments").get(0).get("backfill");
    if (json == null) {
      assertThat(n).isNull();
    } else {
      assertThat(n.toString()).isEqualTo(json);
    }
  }

  private static BufferStats stats(Map<String, BufferStats.UplinkBacklog> uplinks) {
    return new BufferStats(0, 4096, 0, 0, uplinks, Map.of());
  }

  private static Health judge(AgentSnapshot s, Instant now, boolean refusing) {
    return HealthRule.judge(s, LIMITS, STARTED, now,
        new HealthRule.Disk(1 << 20, 1 << 30, refusing), Map.of());
  }
}
