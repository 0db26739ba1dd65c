package io.ferry.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ferry.core.testing.FakeClock;
import io.ferry.mirror.MirrorSeed;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code ferry mirror query|status} against a mirror database written by the mirror module's MirrorStore ({@link MirrorSeed}). */
class MirrorCommandTest {
  static final Instant NOW = Instant.parse("2026-11-21T10:00:00Z");
  static final long T = NOW.toEpochMilli() - 3_600_000;

  @TempDir Path dir;
  Path config;
  Path db;

  record Run(int code, String out, String err) {}

  Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(new MirrorCommand(new FakeClock(NOW)));
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    cl.setExitCodeExceptionMapper(e -> 3);
    int code = cl.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  @BeforeEach
  void mirror() throws Exception {
    config = Files.createDirectories(dir.resolve("etc"));
    Path state = Files.createDirectories(dir.resolve("state"));
    Files.writeString(config.resolve("agent.yaml"), "stateDir: " + state + "\nbuffer:\n  path: buffer.db\n"
        + "uplinks:\n  cloud: {type: nonexistent}\n"); // an unrelated problem the CLI must ignore
    db = state.resolve("buffer.db");
    MirrorSeed.twoSeries(db, T, NOW);
  }

  @Test
  void queryPrintsCsvInTimeOrder() {
    Run r = run("query", "--config", config.toString(), "--series", "temp.setpoint");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out().lines().toList()).containsExactly(
        "timestamp,time,value,status",
        T + "," + Instant.ofEpochMilli(T) + ",21.5,0",
        (T + 1000) + "," + Instant.ofEpochMilli(T + 1000) + ",22,0",
        (T + 2000) + "," + Instant.ofEpochMilli(T + 2000) + ",,2147483648",
        (T + 3000) + "," + Instant.ofEpochMilli(T + 3000) + ",Infinity,0");
  }

  @Test
  void queryFiltersByTimeAndPrintsJson() throws Exception {
    Run r = run("query", "--db", db.toString(), "--series", "temp.setpoint", "--from", "now-1h", "--to",
        Instant.ofEpochMilli(T + 2000).toString(), "--format", "json");
    assertThat(r.code()).as(r.err()).isZero();
    JsonNode root = new ObjectMapper().readTree(r.out());
    assertThat(root.path("series").path("externalId").asText()).isEqualTo("temp.setpoint");
    assertThat(root.path("series").path("inSubscription").asBoolean()).isTrue();
    assertThat(root.path("points")).hasSize(2);
    assertThat(root.path("points").path(0).path("timestamp").asLong()).isEqualTo(T);
    assertThat(root.path("points").path(1).path("value").asDouble()).isEqualTo(22.0);
  }

  @Test
  void stringValuesAreQuotedInCsv() {
    Run r = run("query", "--db", db.toString(), "--series", "recipe");
    assertThat(r.out().lines().skip(1).findFirst().orElseThrow()).endsWith(",\"mix, \"\"A\"\"\",0");
  }

  @Test
  void statusShowsCountsLagAndCursorAges() {
    Run r = run("status", "--config", config.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("series: 2", "points: 5", "lag: unknown (not caught up yet)",
        "last successful poll: " + NOW.minus(Duration.ofMinutes(2)),
        "partition 0 of subs: cursor age 5m 0s, 1 responses", "partition 1 of subs: cursor age 2m 0s");
  }

  @Test
  void statusAsJson() throws Exception {
    Run r = run("status", "--db", db.toString(), "--format", "json");
    JsonNode root = new ObjectMapper().readTree(r.out());
    assertThat(root.path("points").asLong()).isEqualTo(5);
    assertThat(root.path("partitions").path(0).path("cursorAgeSeconds").asLong()).isEqualTo(300);
    assertThat(root.path("partitions").path(1).path("caughtUpAt").isNull()).isTrue();
  }

  @Test
  void readsWhileAWriterHoldsAnOpenTransaction() throws Exception {
    try (Connection writer = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = writer.createStatement()) {
      s.execute("BEGIN IMMEDIATE");
      s.execute("INSERT INTO mirror_points(series, ts, num, str, status) VALUES (7, " + (T + 500) + ", 1, NULL, 0)");
      Run r = run("query", "--db", db.toString(), "--series", "temp.setpoint");
      assertThat(r.code()).isZero();
      assertThat(r.out().lines()).hasSize(5); // header + 4 committed points; the open transaction is invisible
      s.execute("ROLLBACK");
    }
  }

  @Test
  void errorsHaveTheirExitCodes() throws Exception {
    Run unknown = run("query", "--db", db.toString(), "--series", "nope");
    assertThat(unknown.code()).isEqualTo(1);
    assertThat(unknown.err()).contains("no series \"nope\" in the mirror (2 series mirrored");

    Run missing = run("status", "--db", dir.resolve("absent.db").toString());
    assertThat(missing.code()).isEqualTo(3);
    assertThat(missing.err()).contains("does not exist");

    Path empty = dir.resolve("empty.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + empty)) {
      c.createStatement().execute("CREATE TABLE queue(x)");
    }
    Run noTables = run("status", "--db", empty.toString());
    assertThat(noTables.code()).isEqualTo(3);
    assertThat(noTables.err()).contains("holds no mirror tables");

    assertThat(run("status").code()).isEqualTo(2);
    Run badTime = run("query", "--db", db.toString(), "--series", "recipe", "--from", "yesterday");
    assertThat(badTime.code()).isEqualTo(2);
    assertThat(badTime.err()).contains("--from: expected an ISO-8601 time");

    Run noConfig = run("status", "--config", dir.resolve("nowhere").toString());
    assertThat(noConfig.code()).isEqualTo(1);
    assertThat(noConfig.err()).contains("cannot read");
  }
}
