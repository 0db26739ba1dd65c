package io.ferry.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ferry.agent.cli.ModbusSlave;
import io.ferry.agent.plan.AgentPlan;
import io.ferry.agent.plan.AgentPlanner;
import io.ferry.agent.plan.StandardComponents;
import io.ferry.buffer.WriteAudit;
import io.ferry.mirror.MirrorReader;
import io.ferry.mirror.MirrorSeed;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A setpoint following a mirrored series, end to end: the mirror tables in the buffer's file (the
 * cloud unreachable: the follower works from the local copy), a running agent, a Modbus TCP slave.
 * The newest datapoint reaches the slave once; a restart does not send it again; an older
 * datapoint and one older than maxAge are not applied; a newer one is.
 */
class SetpointFollowTest {
  @TempDir Path dir;
  ModbusSlave slave;
  Path conf;
  Path db;

  @BeforeEach
  void setUp() throws Exception {
    slave = ModbusSlave.start();
    conf = dir.resolve("conf");
    Files.createDirectories(conf.resolve("instruments.d"));
    Files.writeString(dir.resolve("secret"), "client-secret-0123456789");
    Path state = dir.resolve("state");
    db = state.resolve("buffer.db");
    Files.createDirectories(state);
    Files.writeString(conf.resolve("agent.yaml"), """
        gatewayId: gw-f
        stateDir: %s
        uplinks:
          local: {type: jsonl, path: %s}
        mirror:
          baseUrl: http://127.0.0.1:9
          project: p
          subscription: subs
          partitions: [0]
          tokenUrl: http://127.0.0.1:9/token
          clientId: ferry
          clientSecret: ${file:%s}
          scopes: [x]
        """.formatted(state, dir.resolve("out.jsonl"), dir.resolve("secret")));
    Files.writeString(conf.resolve("instruments.d/boiler.yaml"), """
        id: boiler
        driver: modbus-tcp
        poll: 1m
        connection: {host: 127.0.0.1, port: %d, unit: 1, timeout: 3s}
        uplinks: [local]
        channels:
          - {name: sp, register: 'holding:0', type: float32, write: {min: 0, max: 90, follow: {externalId: boiler-sp, maxAge: 1h}}}
        """.formatted(slave.port()));
  }

  @AfterEach
  void tearDown() throws Exception {
    slave.close();
  }

  private Agent start() {
    AgentPlanner.Result r = new AgentPlanner(StandardComponents.create(), Map.<String, String>of()::get).plan(conf);
    assertThat(r.problems()).isEmpty();
    AgentPlan plan = r.plan().orElseThrow();
    return Agent.start(plan, InstantSource.system());
  }

  @Test
  void theNewestDatapointIsAppliedOnceAcrossARestartAndOlderOnesNever() throws Exception {
    Instant now = Instant.now();
    MirrorSeed.point(db, 41, "boiler-sp", now.minusSeconds(60).toEpochMilli(), 42.5, now);
    try (Agent agent = start()) {
      await().atMost(Duration.ofSeconds(20)).until(() -> !slave.writes.isEmpty());
      assertThat(agent.followNow()).as("the same datapoint again: nothing sent").isEmpty();
      assertThat(slave.writes).containsExactly("0: 42 2A 00 00");
    }
    try (Agent agent = start()) {
      assertThat(agent.followNow()).as("after a restart the datapoint already taken is not sent again").isEmpty();
      MirrorSeed.point(db, 41, "boiler-sp", now.minusSeconds(120).toEpochMilli(), 10, now);
      assertThat(agent.followNow()).as("an older datapoint is not applied").isEmpty();
      MirrorSeed.point(db, 41, "boiler-sp", now.minusSeconds(30).toEpochMilli(), 55, now);
      List<WriteService.Result> sent = agent.followNow();
      await().atMost(Duration.ofSeconds(20)).until(() -> slave.writes.size() == 2);
      assertThat(sent.size() + agent.followNow().size()).as("sent once, by the test's look or the follower's own").isLessThanOrEqualTo(1);
    }
    assertThat(slave.writes).containsExactly("0: 42 2A 00 00", "0: 42 5C 00 00");
    assertThat(WriteAudit.read(db, 10)).extracting(WriteAudit.Entry::source, WriteAudit.Entry::value, WriteAudit.Entry::outcome)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("mirror", "42.5", "applied"), org.assertj.core.groups.Tuple.tuple("mirror", "55", "applied"));
  }

  /**
   * reapply: true sends the last datapoint again once the device restarted (down, then up, by the
   * agent's verdict); a channel without it is not sent again. The channel without reapply comes
   * first: when the slave receives the second one's write, the first one's turn has passed.
   */
  @Test
  void afterTheDeviceRestartsOnlyAReapplyChannelGetsItsLastSetpointAgain() throws Exception {
    Files.writeString(conf.resolve("instruments.d/boiler.yaml"), """
        id: boiler
        driver: modbus-tcp
        poll: 200ms
        stale: 1s
        connection: {host: 127.0.0.1, port: %d, unit: 1, timeout: 1s}
        uplinks: [local]
        channels:
          - {name: once, register: 'holding:0', type: float32, write: {follow: {externalId: once-sp, maxAge: 1h}}}
          - {name: sp, register: 'holding:2', type: float32, write: {follow: {externalId: boiler-sp, maxAge: 1h, reapply: true}}}
        """.formatted(slave.port()));
    Instant now = Instant.now();
    MirrorSeed.point(db, 40, "once-sp", now.minusSeconds(60).toEpochMilli(), 7, now);
    MirrorSeed.point(db, 41, "boiler-sp", now.minusSeconds(60).toEpochMilli(), 42.5, now);
    try (Agent agent = start()) {
      await().atMost(Duration.ofSeconds(20)).until(() -> slave.writes.size() == 2);
      assertThat(slave.writes).containsExactly("0: 40 E0 00 00", "2: 42 2A 00 00");
      assertThat(agent.followNow()).as("up all along: nothing again").isEmpty();

      slave.failing = true; // the device goes down ...
      await().atMost(Duration.ofSeconds(20)).until(() -> agent.instrumentsDown().contains("boiler"));
      java.util.Arrays.fill(slave.holding, (short) 0); // ... and comes back without its setpoints
      slave.failing = false;
      await().atMost(Duration.ofSeconds(20)).until(() -> slave.writes.size() == 3);
      assertThat(slave.writes).as("only the reapply channel, once").containsExactly("0: 40 E0 00 00", "2: 42 2A 00 00", "2: 42 2A 00 00");
      assertThat(agent.instrumentsDown()).isEmpty();
    }
    assertThat(WriteAudit.read(db, 10)).extracting(WriteAudit.Entry::source, WriteAudit.Entry::channel, WriteAudit.Entry::outcome)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("mirror", "boiler/once", "applied"),
            org.assertj.core.groups.Tuple.tuple("mirror", "boiler/sp", "applied"),
            org.assertj.core.groups.Tuple.tuple("mirror", "boiler/sp", "applied"));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
      came back  | a,b | b | a
      still down | a   | a | -
      went down  | -   | a | -
      """)
  void anInstrumentCameBackWhenItWasDownAndIsUpNow(String name, String before, String now, String back) {
    java.util.function.Function<String, java.util.Set<String>> set = t -> t == null ? java.util.Set.of() : java.util.Set.of(t.split(","));
    assertThat(SetpointFollower.cameBack(set.apply(before), set.apply(now))).isEqualTo(set.apply(back));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
      newest good point            | 100:1.5:0;200:2.5:0       | -    | 200
      newer than taken only        | 100:1.5:0;200:2.5:0       | 200  | -
      bad status skipped           | 100:1.5:0;200:2.5:2147483648 | - | 100
      older than maxAge            | 1:1.5:0                   | -    | -
      """)
  void dueIsTheNewestGoodDatapointNewerThanTheLastTaken(String name, String rows, Long taken, Long expected) {
    Instant now = Instant.ofEpochMilli(1000 + 3_600_000);
    List<MirrorReader.Row> list = java.util.Arrays.stream(rows.split(";")).map(r -> r.split(":"))
        .map(p -> new MirrorReader.Row(Long.parseLong(p[0]) + 3_600_000 - (p[0].equals("1") ? 3_600_000 : 0),
            Double.parseDouble(p[1]), null, Long.parseLong(p[2]))).toList();
    Optional<MirrorReader.Row> due = SetpointFollower.due(list, Optional.ofNullable(taken).map(t -> t + 3_600_000), now, Duration.ofHours(1));
    assertThat(due.map(r -> r.timestamp() - 3_600_000)).isEqualTo(Optional.ofNullable(expected));
  }
}
