package io.ferry.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ferry.buffer.BufferOptions;
import io.ferry.buffer.LeaseRequest;
import io.ferry.buffer.SqliteBuffer;
import io.ferry.core.ChannelId;
import io.ferry.core.ChannelSpec;
import io.ferry.core.Quality;
import io.ferry.core.Route;
import io.ferry.core.Sample;
import io.ferry.core.ValueKind;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code ferry buffer stats/export} against a buffer that is open (the service is running). */
class BufferCommandTest {
  static final ChannelId FLOW = ChannelId.of("boiler1", "flow");
  static final long T0 = 1_763_719_200_000_000L; // 2025-11-21T10:00:00Z

  @TempDir Path dir;
  SqliteBuffer running;
  ChannelSpec flow;
  Path db;

  @BeforeEach
  void startService() {
    db = dir.resolve("state").resolve("buffer.db");
    flow =
        new ChannelSpec(FLOW, "m3/h", "", ValueKind.GAUGE, Optional.empty(), Optional.empty(),
            Map.of("cloud", EnumSet.of(Route.RAW), "local", EnumSet.of(Route.RAW)));
    running = SqliteBuffer.open(BufferOptions.defaults(db), List.of(flow), Clock.systemUTC());
    running.append(
            List.of(
                Sample.of(FLOW, T0 + 2_000_000, 2.5),
                Sample.of(FLOW, T0, 1.5),
                Sample.text(FLOW, T0 + 1_000_000, "a \"quoted\", text", Quality.UNCERTAIN),
                Sample.of(ChannelId.of("ghost", "x"), T0, 9)))
        .join();
    running.lease("local", LeaseRequest.of(10)).ack();
  }

  @AfterEach
  void stopService() {
    running.close();
  }

  record Result(int code, String out, String err) {}

  Result run(Object command, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(command);
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int code = cl.execute(args);
    return new Result(code, out.toString(), err.toString());
  }

  @Test
  void statsShowsDepthPerUplinkOldestBytesAndDrops() {
    BufferCommand.Stats stats = new BufferCommand.Stats();
    stats.clock = Clock.fixed(Instant.parse("2025-11-21T10:05:00Z"), ZoneOffset.UTC);
    Result r = run(stats, "--db", db.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("3 raw samples queued");
    assertThat(r.out()).containsPattern("cloud\\s+3\\s+0\\s+0\\s+2025-11-21T10:00:00Z \\(5m 0s ago\\)");
    assertThat(r.out()).containsPattern("local\\s+0\\s+0\\s+0\\s+-");
    assertThat(r.out()).containsPattern("ghost/x unrouted\\s+1");
  }

  @Test
  void exportPrintsOneChannelInTimeOrderAsCsvAndJsonLines() {
    Result csv = run(new BufferCommand(), "export", "--db", db.toString(), "--channel", "boiler1/flow");
    assertThat(csv.code()).as(csv.err()).isZero();
    assertThat(csv.out().lines().toList())
        .containsExactly(
            "time,time_us,value,quality,text",
            "2025-11-21T10:00:00Z," + T0 + ",1.5,GOOD,",
            "2025-11-21T10:00:01Z," + (T0 + 1_000_000) + ",,UNCERTAIN,\"a \"\"quoted\"\", text\"",
            "2025-11-21T10:00:02Z," + (T0 + 2_000_000) + ",2.5,GOOD,");
    Result json =
        run(new BufferCommand(), "export", "--db", db.toString(), "--channel", "boiler1/flow", "--format", "jsonl",
            "--from", "2025-11-21T10:00:01Z", "--to", Long.toString(T0 + 2_000_000));
    assertThat(json.out().lines().toList())
        .containsExactly(
            "{\"channel\":\"boiler1/flow\",\"time\":\"2025-11-21T10:00:01Z\",\"time_us\":" + (T0 + 1_000_000)
                + ",\"value\":null,\"quality\":\"UNCERTAIN\",\"text\":\"a \\\"quoted\\\", text\"}");
  }

  /** Any text survives export: Jackson escapes the JSON line, CSV quotes a bare carriage return too. */
  @Test
  void exportKeepsTextWithLineBreaksQuotesAndControlCharacters() throws Exception {
    String text = "cr\rlf\r\n tab\t bell\u0007 back\\slash \"q\", ünï";
    running.append(List.of(Sample.text(FLOW, T0 + 3_000_000, text, Quality.GOOD))).join();
    String from = Long.toString(T0 + 3_000_000);
    Result json = run(new BufferCommand(), "export", "--db", db.toString(), "--channel", "boiler1/flow", "--format", "jsonl", "--from", from);
    assertThat(json.code()).as(json.err()).isZero();
    assertThat(json.out().lines().toList()).hasSize(1); // no raw line break inside the JSON line
    assertThat(new ObjectMapper().readTree(json.out().strip()).path("text").asText()).isEqualTo(text);
    Result csv = run(new BufferCommand(), "export", "--db", db.toString(), "--channel", "boiler1/flow", "--from", from);
    assertThat(csv.out()).endsWith(",GOOD,\"cr\rlf\r\n tab\t bell\u0007 back\\slash \"\"q\"\", ünï\"" + System.lineSeparator());
  }

  /** --from/--to read times as {@code ferry mirror query} does (relative to the command's clock), in the buffer's microseconds. */
  @Test
  void exportTakesRelativeTimesAndRefusesOthersInWords() {
    BufferCommand.Export export = new BufferCommand.Export();
    export.clock = Clock.fixed(Instant.parse("2025-11-21T10:00:02.500Z"), ZoneOffset.UTC);
    Result recent = run(export, "--db", db.toString(), "--channel", "boiler1/flow", "--from", "-2s", "--to", "now");
    assertThat(recent.code()).as(recent.err()).isZero();
    assertThat(recent.out().lines().skip(1).map(l -> l.substring(0, l.indexOf(',')))).containsExactly("2025-11-21T10:00:01Z", "2025-11-21T10:00:02Z");
    Result bad = run(new BufferCommand(), "export", "--db", db.toString(), "--channel", "boiler1/flow", "--from", "yesterday");
    assertThat(bad.code()).isEqualTo(Main.EXIT_USAGE);
    assertThat(bad.err().strip()).isEqualTo("--from: expected an ISO-8601 time such as 2026-11-21T10:00:00Z, epoch microseconds, now, or -2h; got \"yesterday\"");
  }

  @Test
  void findsTheDatabaseThroughAgentYaml() throws Exception {
    Path config = dir.resolve("etc");
    Files.createDirectories(config.resolve("instruments.d"));
    Files.writeString(
        config.resolve("agent.yaml"),
        "stateDir: " + dir.resolve("state") + "\nbuffer:\n  synchronous: normal\nuplinks:\n  cloud: {type: jsonl}\n");
    Result r = run(new BufferCommand(), "stats", "--config", config.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains(db.toString());
  }

  @Test
  void aBrokenBufferSectionExitsOneNamingTheLine() throws Exception {
    Path config = dir.resolve("etc");
    Files.createDirectories(config);
    Files.writeString(config.resolve("agent.yaml"), "stateDir: /tmp\nbuffer:\n  synchronous: fulll\n");
    Result r = run(new BufferCommand(), "stats", "--config", config.toString());
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains("agent.yaml:3").contains("synchronous");
  }

  @Test
  void theCommentedExampleBufferSectionIsValid() throws Exception {
    Path config = dir.resolve("example");
    Files.createDirectories(config);
    Files.copy(Path.of("..", "examples", "agent", "buffer.yaml"), config.resolve("agent.yaml"));
    io.ferry.config.Problems problems = new io.ferry.config.Problems();
    var agent =
        new io.ferry.config.ConfigLoader(io.ferry.config.ConfigContext.of(problems, Map.of()), java.util.Set.of(),
                java.util.Set.of())
            .load(config).agent().orElseThrow();
    assertThat(problems.all()).noneMatch(p -> p.location().file().equals("agent.yaml"));
    assertThat(agent.buffer().path()).isEqualTo(Path.of("/var/lib/ferry/buffer.db"));
    assertThat(agent.buffer().maxSize()).isEqualTo(1L << 30);
    assertThat(agent.buffer().synchronous()).isEqualTo("full");
  }

  @Test
  void usageAndRuntimeErrorsHaveTheirExitCodes() {
    assertThat(run(new BufferCommand(), "stats").code()).isEqualTo(2);
    assertThat(run(new BufferCommand(), "export", "--db", db.toString(), "--channel", "nochannel").code()).isEqualTo(2);
    assertThat(run(new BufferCommand(), "export", "--db", db.toString(), "--channel", "a/b").code()).isEqualTo(1);
    Result missing = run(new BufferCommand(), "stats", "--db", dir.resolve("nope.db").toString());
    assertThat(missing.code()).isEqualTo(3);
    assertThat(missing.err()).contains("nope.db");
  }

  @Test
  void statsAndExportOfAStoppedBufferLeaveNoWalOrShmBehind() throws Exception {
    running.close();
    Path state = db.getParent();
    List<String> before;
    try (var files = Files.list(state)) {
      before = files.map(p -> p.getFileName().toString()).sorted().toList();
    }
    assertThat(before).doesNotContain("buffer.db-wal", "buffer.db-shm");
    assertThat(run(new BufferCommand(), "stats", "--db", db.toString()).code()).isZero();
    assertThat(run(new BufferCommand(), "export", "--db", db.toString(), "--channel", "boiler1/flow").code()).isZero();
    assertThat(run(new BufferCommand(), "check", "--db", db.toString()).code()).isZero();
    try (var files = Files.list(state)) {
      assertThat(files.map(p -> p.getFileName().toString()).sorted().toList()).isEqualTo(before);
    }
  }

  @Test
  void aCorruptBufferIsReportedCorruptInOneLineWithExitOne() throws Exception {
    Path damaged = dir.resolve("damaged.db");
    try (SqliteBuffer b =
        SqliteBuffer.open(BufferOptions.defaults(damaged), List.of(flow), Clock.systemUTC())) {
      b.append(java.util.stream.IntStream.range(0, 20_000).mapToObj(i -> Sample.of(FLOW, T0 + i, i)).toList()).join();
    }
    try (java.io.RandomAccessFile raf = new java.io.RandomAccessFile(damaged.toFile(), "rw")) {
      raf.seek(Files.size(damaged) / 2);
      raf.write("garbage".repeat(2000).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }
    Path text = dir.resolve("text.db");
    Files.writeString(text, "not a database at all".repeat(300));
    for (Path file : List.of(damaged, text)) {
      for (String command : List.of("stats", "check")) {
        Result r = run(new BufferCommand(), command, "--db", file.toString());
        assertThat(r.code()).as(command + " " + file).isEqualTo(1);
        assertThat(r.out()).doesNotContain("queued");
        assertThat(r.err().lines().toList()).hasSize(1);
        assertThat(r.err()).contains(file.toString()).contains("corrupt").doesNotContain("Exception");
      }
      Result export = run(new BufferCommand(), "export", "--db", file.toString(), "--channel", "boiler1/flow");
      assertThat(export.code()).isEqualTo(1);
      assertThat(export.out()).isEmpty();
    }
  }
}
