package io.ferry.agent.runtime;

import static io.ferry.agent.runtime.SchedulerTest.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ferry.uplink.Rfc3339;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reload on a running agent (real planner, scheduler, SQLite buffer and jsonl uplinks, a manual
 * clock): a changed instrument restarts alone while its neighbour keeps every tick, nothing
 * buffered is lost, and an invalid configuration is refused with its errors while the old one runs on.
 */
class AgentReloadTest {
  static final Instant T0 = SchedulerTest.T0;
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  final ManualClock clock = new ManualClock(T0); // aligned: the start-up poll is the tick of T0
  Agent agent;

  @AfterEach
  void close() {
    if (agent != null) {
      agent.close();
    }
  }

  @Test
  void aChangedInstrumentRestartsAloneAndItsNeighbourMissesNoTick() throws IOException {
    ReloadTestConfig config = new ReloadTestConfig(dir);
    agent = Agent.start(config.plan(), clock, clock);
    Reloader reloader = new Reloader(agent, config.config, config.planner());
    awaitTrue(() -> asleep("a") && asleep("b"));
    for (int s = 0; s < 3; s++) {
      tick(s);
    }
    assertThat(stats("b").polls()).isEqualTo(3);

    config.instrument("b", "1s", "amplitude: 5");
    ReloadOutcome outcome = reloader.reload();

    assertThat(outcome).isInstanceOf(ReloadOutcome.Applied.class);
    assertThat(outcome.line()).isEqualTo("reloaded: instruments: ~b 1 unchanged; uplinks: unchanged");
    assertThat(reloader.statusFragment()).isEmpty();
    awaitTrue(() -> asleep("a") && asleep("b"));
    assertThat(stats("b").polls()).as("b's counters survive its restart: since the agent started").isEqualTo(3);
    for (int s = 3; s < 6; s++) {
      tick(s);
    }

    PollStats a = stats("a");
    assertThat(a.polls()).as("a was never restarted: one poll per tick, before and after the reload").isEqualTo(6);
    assertThat(a.missedTicks()).isZero();
    assertThat(stats("b").polls()).isEqualTo(6);
    // Everything polled before and after reached both uplinks: the buffer was not touched.
    for (String uplink : List.of("uploaded.jsonl", "other.jsonl")) {
      await().atMost(Duration.ofSeconds(20)).until(() -> times(uplink, "a").size() == 6 && times(uplink, "b").size() == 6);
      assertThat(times(uplink, "a")).containsExactlyElementsOf(ticks(6));
      assertThat(values(uplink, "b").subList(3, 6)).as("b's new amplitude took effect")
          .allSatisfy(v -> assertThat(Math.abs(v)).isLessThanOrEqualTo(5.0));
    }
    assertThat(agent.status().refused()).isZero();
  }

  @Test
  void aChangedUplinkRestartsAloneWhilePollingGoesOn() throws IOException {
    ReloadTestConfig config = new ReloadTestConfig(dir);
    agent = Agent.start(config.plan(), clock, clock);
    Reloader reloader = new Reloader(agent, config.config, config.planner());
    awaitTrue(() -> asleep("a") && asleep("b"));
    tick(0);
    tick(1);
    await().atMost(Duration.ofSeconds(20)).until(() -> times("other.jsonl", "a").size() == 2 && times("uploaded.jsonl", "a").size() == 2);

    config.agent("maxSize: 64MiB", "moved.jsonl");
    assertThat(reloader.reload().line()).isEqualTo("reloaded: instruments: 2 unchanged; uplinks: ~other");
    tick(2);
    tick(3);

    assertThat(stats("a").polls()).isEqualTo(4);
    assertThat(stats("b").polls()).isEqualTo(4);
    await().atMost(Duration.ofSeconds(20)).until(() -> times("uploaded.jsonl", "a").size() == 4 && times("moved.jsonl", "a").size() == 2);
    assertThat(times("uploaded.jsonl", "a")).as("local was not restarted and missed nothing").containsExactlyElementsOf(ticks(4));
    assertThat(times("moved.jsonl", "a")).as("the restarted uplink carries on from its cursor in the buffer")
        .containsExactlyElementsOf(ticks(4).subList(2, 4));
    assertThat(times("other.jsonl", "a")).containsExactlyElementsOf(ticks(2));
    // "uploaded" counts since the agent started: what the stopped "other" delivered before the reload still counts
    // (local: 8, other before: 4, other after: 4).
    await().atMost(Duration.ofSeconds(20)).until(() -> times("moved.jsonl", "b").size() == 2);
    await().atMost(Duration.ofSeconds(20)).until(() -> agent.status().uploaded() == 16);
    assertThat(agent.status().line()).startsWith("polled 8 | buffered 8 | uploaded 16 |");
  }

  @Test
  void anInvalidReloadKeepsTheRunningConfigurationAndSaysWhy() {
    ReloadTestConfig config = new ReloadTestConfig(dir);
    agent = Agent.start(config.plan(), clock, clock);
    var before = agent.plan();
    Reloader reloader = new Reloader(agent, config.config, config.planner());
    awaitTrue(() -> asleep("a") && asleep("b"));
    tick(0);

    config.write("instruments.d/b.yaml", """
        id: b
        driver: simulated
        pol: 1s
        uplinks: [local, nowhere]
        channels:
          - {name: level, wave: sine, period: 10s}
        """);
    config.instrument("c", "1s", "amplitude: 1"); // valid on its own: still not started
    ReloadOutcome outcome = reloader.reload();

    assertThat(outcome).isInstanceOf(ReloadOutcome.Refused.class);
    List<String> reasons = ((ReloadOutcome.Refused) outcome).reasons();
    assertThat(reasons).hasSize(2);
    assertThat(reasons).anySatisfy(r -> assertThat(r).startsWith("instruments.d/b.yaml:3:1").contains("pol"));
    assertThat(reasons).anySatisfy(r -> assertThat(r).startsWith("instruments.d/b.yaml:4:").contains("nowhere"));
    assertThat(reloader.statusFragment()).hasValueSatisfying(f ->
        assertThat(f).startsWith("reload refused (2 errors, still running the previous configuration): instruments.d/b.yaml:"));
    assertThat(agent.plan()).isSameAs(before);

    tick(1);
    tick(2);
    assertThat(stats("a").polls()).isEqualTo(3);
    assertThat(stats("b").polls()).as("b was not restarted").isEqualTo(3);
    assertThat(agent.instrumentStats()).extracting(PollStats::instrument).containsExactly("a", "b");

    config.instrument("b", "1s", "amplitude: 1"); // fixed: the same b as before, c is added
    ReloadOutcome fixed = reloader.reload();
    assertThat(fixed.line()).isEqualTo("reloaded: instruments: +c 2 unchanged; uplinks: unchanged");
    assertThat(reloader.statusFragment()).isEmpty();
  }

  /** Moves the clock to the tick {@code second} and waits until every instrument has polled it and sleeps again. */
  void tick(int second) {
    long at = io.ferry.core.MicroTime.micros(T0.plusSeconds(second));
    clock.set(T0.plusSeconds(second));
    awaitTrue(() -> agent.instrumentStats().stream()
        .allMatch(p -> p.lastPollMicros() >= at && !p.pollInFlight() && asleep(p.instrument())));
  }

  boolean asleep(String id) {
    return clock.sleeping().containsKey("ferry-tick-" + id);
  }

  PollStats stats(String id) {
    return agent.instrumentStats().stream().filter(p -> p.instrument().equals(id)).findFirst().orElseThrow();
  }

  static List<String> ticks(int n) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(Rfc3339.micros(io.ferry.core.MicroTime.micros(T0.plusSeconds(i))));
    }
    return out;
  }

  TreeSet<String> times(String file, String instrument) throws IOException {
    return new TreeSet<>(field(file, instrument, n -> n.get("time").asText()));
  }

  List<Double> values(String file, String instrument) throws IOException {
    return field(file, instrument, n -> n.get("value").asDouble());
  }

  /** One field of every line the uplink wrote for {@code instrument}, in file order. */
  <T> List<T> field(String file, String instrument, java.util.function.Function<JsonNode, T> get) throws IOException {
    return lines(file).stream().filter(n -> n.get("instrument").asText().equals(instrument)).map(get).toList();
  }

  List<JsonNode> lines(String file) throws IOException {
    Path p = dir.resolve(file);
    List<JsonNode> out = new ArrayList<>();
    if (Files.exists(p)) {
      for (String line : Files.readAllLines(p)) {
        out.add(JSON.readTree(line));
      }
    }
    return out;
  }
}
