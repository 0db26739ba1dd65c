package io.ferry.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ferry.buffer.WriteAudit;
import io.ferry.mirror.MirrorSeed;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A mirror-driven setpoint with {@code ferry run} in a child JVM killed with SIGKILL the moment the
 * slave has the value (before the agent may have recorded the outcome): after the restart the
 * datapoint is not sent again, and an older datapoint that arrived meanwhile is not applied; a newer
 * one still is. The cloud is unreachable throughout: the follower works from the local mirror copy.
 *
 * <p>"Not sent again" needs a moment at which the restarted follower has surely looked: a second
 * channel, listed after the first, follows a series that gets a fresh datapoint before the restart.
 * One look handles the channels in order, so when the slave receives that marker write the first
 * channel's decision of the same look was already made (its write, had there been one, would have
 * arrived first), and every later look sees the same state.
 */
class SetpointCrashTest {
  @TempDir Path dir;

  @Test
  void aSetpointReachesTheSlaveOnceAcrossAKillAndAnOlderDatapointIsNotApplied() throws Exception {
    Path db = dir.resolve("state/buffer.db");
    Path config = config();
    Instant now = Instant.now();
    try (ModbusSlave slave = ModbusSlave.start()) {
      Files.writeString(config.resolve("instruments.d/boiler.yaml"), instrument(slave.port()));
      MirrorSeed.point(db, 41, "boiler-sp", now.minusSeconds(60).toEpochMilli(), 42.5, now);

      try (ChildFerry first = ChildFerry.start("run", "--config", config.toString())) {
        await().atMost(Duration.ofSeconds(60)).until(() -> !slave.writes.isEmpty() || !first.isAlive());
        first.signal(ChildFerry.SIGKILL); // no shutdown hook, no outcome stored if it had not been yet
        first.awaitExit(Duration.ofSeconds(30));
        assertThat(slave.writes).as("output of the first run:\n%s", first.output()).containsExactly("0: 42 2A 00 00");
      }

      MirrorSeed.point(db, 41, "boiler-sp", now.minusSeconds(120).toEpochMilli(), 10, now); // older than the one applied
      MirrorSeed.point(db, 42, "marker-sp", now.minusSeconds(60).toEpochMilli(), 7, now);
      try (ChildFerry second = ChildFerry.start("run", "--config", config.toString())) {
        await().atMost(Duration.ofSeconds(60)).until(() -> slave.writes.contains("2: 40 E0 00 00") || !second.isAlive());
        assertThat(slave.writes).as("after the kill and restart: the marker only; output:\n%s", second.output())
            .containsExactly("0: 42 2A 00 00", "2: 40 E0 00 00");

        MirrorSeed.point(db, 41, "boiler-sp", now.minusSeconds(30).toEpochMilli(), 55, now);
        await().atMost(Duration.ofSeconds(60)).until(() -> slave.writes.size() == 3 || !second.isAlive());
        assertThat(slave.writes).as("a newer datapoint is still followed; output:\n%s", second.output())
            .containsExactly("0: 42 2A 00 00", "2: 40 E0 00 00", "0: 42 5C 00 00");
        second.signal(ChildFerry.SIGTERM);
        assertThat(second.awaitExit(Duration.ofSeconds(60))).as(second.output()).isZero();
      }
    }
    List<WriteAudit.Entry> audit = WriteAudit.read(db, 10);
    assertThat(audit).extracting(WriteAudit.Entry::channel, WriteAudit.Entry::value)
        .as("every write in the audit once, the one of the killed run too").containsExactly(
            org.assertj.core.groups.Tuple.tuple("boiler/sp", "42.5"),
            org.assertj.core.groups.Tuple.tuple("boiler/marker", "7"),
            org.assertj.core.groups.Tuple.tuple("boiler/sp", "55"));
    assertThat(audit.get(0).outcome()).as("applied, or unknown when the kill came before the outcome was stored").isIn("applied", "unknown");
    assertThat(audit.subList(1, 3)).extracting(WriteAudit.Entry::outcome).containsOnly("applied");
  }

  private Path config() throws Exception {
    Path config = dir.resolve("config");
    Files.createDirectories(config.resolve("instruments.d"));
    Files.createDirectories(dir.resolve("state"));
    Files.writeString(dir.resolve("secret"), "client-secret-0123456789");
    Files.writeString(config.resolve("agent.yaml"), """
        gatewayId: gw-crash
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
        """.formatted(dir.resolve("state"), dir.resolve("out.jsonl"), dir.resolve("secret")));
    return config;
  }

  private static String instrument(int port) {
    return """
        id: boiler
        driver: modbus-tcp
        poll: 1m
        connection: {host: 127.0.0.1, port: %d, unit: 1, timeout: 3s}
        uplinks: [local]
        channels:
          - {name: sp, register: 'holding:0', type: float32, write: {min: 0, max: 90, follow: {externalId: boiler-sp, maxAge: 1h}}}
          - {name: marker, register: 'holding:2', type: float32, write: {min: 0, max: 90, follow: {externalId: marker-sp, maxAge: 1h}}}
        """.formatted(port);
  }
}
