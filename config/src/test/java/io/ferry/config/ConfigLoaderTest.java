package io.ferry.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.core.ChannelId;
import io.ferry.core.ChannelSpec;
import io.ferry.core.Route;
import io.ferry.core.Stat;
import io.ferry.core.ValueKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every kind of configuration mistake gives one clear line with file:line:column and path. */
class ConfigLoaderTest {
  private static final String AGENT = """
      gatewayId: gw-1
      stateDir: /tmp/ferry-test
      buffer:
        synchronous: normal
        maxSize: 64MiB
      uplinks:
        cloud: {type: jsonl}
        archive: {type: jsonl}
      """;

  @TempDir Path dir;
  Problems problems;

  @BeforeEach
  void setUp() throws IOException {
    problems = new Problems();
    Files.createDirectories(dir.resolve("instruments.d"));
  }

  private ConfigLoader.Loaded load(Map<String, String> env) {
    ConfigContext ctx = ConfigContext.of(problems, env);
    ConfigLoader.Loaded loaded = new ConfigLoader(ctx, Set.of("simulated", "modbus-tcp"), Set.of("jsonl", "grovestreams")).load(dir);
    // Simulates the driver and uplink planners reading their keys, then the end of the pass.
    loaded.agent().ifPresent(a -> a.uplinks().values().forEach(u -> u.fields().allow("path")));
    loaded.instruments().forEach(i -> i.channels().forEach(c -> c.fields().allow("wave")));
    ctx.finish();
    return loaded;
  }

  private ConfigLoader.Loaded load() {
    return load(Map.of());
  }

  private void write(String name, String text) throws IOException {
    Files.writeString(dir.resolve(name), text);
  }

  private List<String> lines() {
    return problems.all().stream().map(Problem::toString).toList();
  }

  @Test
  void validConfigurationBecomesRecordsWithDefaultsAndRoutes() throws IOException {
    write("agent.yaml", AGENT);
    write("instruments.d/boiler1.yaml", """
        id: boiler1
        driver: simulated
        poll: 500ms
        uplinks: [cloud]
        channels:
          - name: temp
            unit: degC
            wave: sine
            rollup: {every: 1m, stats: [avg, max], grace: 5s}
          - {name: energy, kind: counter, wrap: 65536, bucket: 5m, wave: counter}
          - name: edges
            kind: event
            wave: events
            send: {archive: [increment]}
        """);
    ConfigLoader.Loaded loaded = load();
    assertThat(problems.all()).isEmpty();
    AgentConfig agent = loaded.agent().orElseThrow();
    assertThat(agent.gatewayId()).isEqualTo("gw-1");
    assertThat(agent.buffer().synchronous()).isEqualTo("normal");
    assertThat(agent.buffer().maxSize()).isEqualTo(64L << 20);
    assertThat(agent.buffer().path()).isEqualTo(Path.of("/tmp/ferry-test/buffer.db"));
    assertThat(agent.uplinks()).containsOnlyKeys("cloud", "archive");

    InstrumentInfo info = loaded.instruments().get(0).info();
    assertThat(info.poll()).isEqualTo(Duration.ofMillis(500));
    assertThat(info.pollTimeout()).isEqualTo(Duration.ofMillis(500));
    assertThat(info.stale()).as("no stale: key").isEmpty();
    assertThat(info.staleLimit(false, 3)).as("polled: 3 polls + the timeout").contains(Duration.ofMillis(2000));
    assertThat(info.staleLimit(true, 3)).as("streaming without stale: has no limit").isEmpty();
    assertThat(info.file()).isEqualTo("instruments.d/boiler1.yaml");
    ChannelSpec temp = info.channels().get(0);
    assertThat(temp.id()).isEqualTo(ChannelId.of("boiler1", "temp"));
    assertThat(temp.rollup().orElseThrow().stats()).containsExactly(Stat.AVG, Stat.MAX);
    assertThat(temp.routes()).isEqualTo(Map.of("cloud", Set.of(Route.RAW, Route.ROLLUP)));
    ChannelSpec energy = info.channels().get(1);
    assertThat(energy.kind()).isEqualTo(ValueKind.COUNTER);
    assertThat(energy.counter().orElseThrow().wrap()).isEqualTo(65536);
    assertThat(energy.counter().orElseThrow().bucket()).isEqualTo(Duration.ofMinutes(5));
    assertThat(energy.routes()).isEqualTo(Map.of("cloud", Set.of(Route.RAW, Route.INCREMENT)));
    ChannelSpec edges = info.channels().get(2);
    assertThat(edges.routes()).isEqualTo(Map.of("cloud", Set.of(Route.RAW, Route.INCREMENT), "archive", Set.of(Route.INCREMENT)));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      unknown key with did-you-mean   | poll: 1s\\npolll: 2s                     | instruments.d/x.yaml:6:1 polll: unknown key "polll", did you mean "poll"?
      unknown enum with did-you-mean  | channels:\\n  - {name: a, kind: gaueg}  | instruments.d/x.yaml:6:21 channels[0].kind: unknown kind "gaueg", did you mean "gauge"?
      duration without unit           | poll: 5                                 | instruments.d/x.yaml:5:7 poll: expected a duration such as 500ms, 5s, 1m or 1h, got the number 5 (add a unit: 5s or 5ms)
      wrong type                      | poll: [1s]                              | instruments.d/x.yaml:5:7 poll: expected a duration, got a list
      boolean expected                | enabled: maybe                          | instruments.d/x.yaml:5:10 enabled: expected true or false, got the text "maybe"
      unknown driver                  | driver: simulatd                        | instruments.d/x.yaml:5:9 driver: unknown driver "simulatd", did you mean "simulated"?
      unknown uplink                  | uplinks: [clud]                         | instruments.d/x.yaml:5:10 uplinks[0]: unknown uplink "clud", did you mean "cloud"? (uplinks are defined in agent.yaml)
      poll timeout longer than poll   | poll: 1s\\npollTimeout: 2s               | instruments.d/x.yaml:6:14 pollTimeout: must not be longer than poll (1s)
      stale not longer than poll      | poll: 10s\\nstale: 10s                    | instruments.d/x.yaml:6:8 stale: must be longer than poll (10s): a polled instrument would read down between two polls
      stale out of range              | stale: 500ms                            | instruments.d/x.yaml:5:8 stale: must be between 1s and 30d, got 500ms
      stale without unit              | stale: 30                               | instruments.d/x.yaml:5:8 stale: expected a duration such as 500ms, 5s, 1m or 1h, got the number 30 (add a unit: 30s or 30ms)
      bad channel name                | channels:\\n  - {name: "a b"}            | instruments.d/x.yaml:6:12 channels[0].name: channel name "a b" must be 1-128 characters of A-Z a-z 0-9 _ . : -
      wrap on a gauge                 | channels:\\n  - {name: a, wrap: 10}      | instruments.d/x.yaml:6:21 channels[0].wrap: only a counter channel (kind: counter) wraps
      rollup interval not aligned     | channels:\\n  - {name: a, rollup: {every: 7s}} | instruments.d/x.yaml:6:31 channels[0].rollup.every: must divide a day evenly so intervals align to wall-clock boundaries (1s, 10s, 1m, 5m, 15m, 1h, 1d...), got 7s
      unknown statistic               | channels:\\n  - {name: a, rollup: {every: 1m, stats: [avg, median]}} | instruments.d/x.yaml:6:48 channels[0].rollup.stats[1]: unknown statistic "median" (expected first, last, min, max, sum, count, avg, twa)
      route needs rollup              | channels:\\n  - {name: a, send: {cloud: [rollup]}} | instruments.d/x.yaml:6:29 channels[0].send.cloud: sends rollups but the channel has no rollup section
      duplicate key                   | poll: 1s\\npoll: 2s                      | instruments.d/x.yaml:6:1 poll: duplicate key (first written at line 5)
      """)
  void eachMistakeGivesOneLocatedLine(String kind, String extra, String expected) throws IOException {
    write("agent.yaml", AGENT);
    String base = "id: x\ndriver: simulated\nuplinks: [cloud]\n";
    String body = extra.replace("\\n", "\n");
    if (!body.contains("channels:")) {
      body = body + "\nchannels:\n  - {name: a}\n";
    }
    if (body.contains("driver:")) {
      base = "id: x\nuplinks: [cloud]\n";
    } else if (body.contains("uplinks:")) {
      base = "id: x\ndriver: simulated\n";
    }
    // keep line numbers stable: the extra text always starts at line 5
    String header = base + "#".repeat(1) + "\n".repeat(5 - base.split("\n", -1).length);
    write("instruments.d/x.yaml", header + body);
    load();
    assertThat(lines()).as(kind).containsExactly(expected);
  }

  @Test
  void aStaleKeySetsTheLimitForPolledAndStreamingInstruments() throws IOException {
    write("agent.yaml", AGENT);
    write("instruments.d/s.yaml", "id: s\ndriver: simulated\npoll: 1s\nstale: 2m\nchannels: [{name: x}]\n");
    InstrumentInfo info = load().instruments().get(0).info();
    assertThat(problems.all()).isEmpty();
    assertThat(info.stale()).contains(Duration.ofMinutes(2));
    assertThat(info.staleLimit(false, 3)).contains(Duration.ofMinutes(2));
    assertThat(info.staleLimit(true, 3)).contains(Duration.ofMinutes(2));
  }

  @Test
  void twoFilesWithTheSameIdNameBothFiles() throws IOException {
    write("agent.yaml", AGENT);
    write("instruments.d/a.yaml", "id: same\ndriver: simulated\nchannels: [{name: x}]\n");
    write("instruments.d/b.yaml", "id: same\ndriver: simulated\nchannels: [{name: x}]\n");
    load();
    assertThat(lines()).containsExactly(
        "instruments.d/b.yaml:1:5 id: instrument id \"same\" is also defined in instruments.d/a.yaml; ids must be unique");
  }

  @Test
  void tabsSyntaxErrorsAndEmptyFilesAreOneLineEach() throws IOException {
    write("agent.yaml", AGENT);
    write("instruments.d/tabs.yaml", "id: t\nchannels:\n\t- {name: x}\n");
    write("instruments.d/syntax.yaml", "id: s\nchannels: [{name: x}\n");
    write("instruments.d/empty.yaml", "");
    load();
    assertThat(lines()).hasSize(3);
    assertThat(lines().get(0)).isEqualTo("instruments.d/empty.yaml: the file is empty");
    assertThat(lines().get(1)).startsWith("instruments.d/syntax.yaml:").contains("YAML syntax error:").doesNotContain("\n");
    assertThat(lines().get(2)).isEqualTo("instruments.d/tabs.yaml:3:1: a tab is used for indentation; YAML allows only spaces");
  }

  @Test
  void unreadableFileIsReportedNotThrown() throws IOException {
    write("agent.yaml", AGENT);
    Files.createSymbolicLink(dir.resolve("instruments.d/gone.yaml"), dir.resolve("does-not-exist.yaml"));
    load();
    assertThat(lines()).containsExactly(
        "instruments.d/gone.yaml: the file is a symbolic link to " + dir.resolve("does-not-exist.yaml") + ", which does not exist");
  }

  @Test
  void emptyDirectoryAndMissingAgentFileAreReported() {
    load();
    assertThat(lines()).containsExactly(
        "agent.yaml: file is missing",
        "instruments.d/: no instrument files: add one YAML file per instrument");
  }

  @Test
  void missingRequiredKeysAreAllReportedAtOnce() throws IOException {
    write("agent.yaml", AGENT);
    write("instruments.d/m.yaml", "poll: 1s\n");
    load();
    assertThat(lines()).containsExactly(
        "instruments.d/m.yaml:1:1 channels: missing required key \"channels\" (a list of channels)",
        "instruments.d/m.yaml:1:1 driver: missing required key \"driver\"",
        "instruments.d/m.yaml:1:1 id: missing required key \"id\"");
  }

  @Test
  void errorsAcrossFilesAreSortedByFileAndLine() throws IOException {
    write("agent.yaml", AGENT + "bogus: 1\n");
    write("instruments.d/a.yaml", "id: a\ndriver: simulated\npoll: soon\nchannels: [{name: x, kind: nope}]\n");
    load();
    assertThat(lines()).containsExactly(
        "agent.yaml:9:1 bogus: unknown key \"bogus\"",
        "instruments.d/a.yaml:3:7 poll: expected a duration such as 500ms, 5s, 1m or 1h, got the text \"soon\"",
        "instruments.d/a.yaml:4:28 channels[0].kind: unknown kind \"nope\" (expected one of gauge, counter, event)");
  }

  @Test
  void uplinkWithUnknownTypeIsReported() throws IOException {
    write("agent.yaml", "uplinks:\n  cloud: {type: grovestream}\n  other: {path: x}\n");
    write("instruments.d/a.yaml", "id: a\ndriver: simulated\nchannels: [{name: x}]\n");
    load();
    assertThat(lines()).containsExactly(
        "agent.yaml:2:17 uplinks.cloud.type: unknown type \"grovestream\", did you mean \"grovestreams\"?",
        "agent.yaml:3:10 uplinks.other.type: missing required key \"type\" (one of grovestreams, jsonl)");
  }

  @Test
  void defaultRoutesNarrowToWhatAnUplinkCarriesWhileAnExplicitSendIsChecked() throws IOException {
    write("agent.yaml", "uplinks:\n  tempo: {type: tempodb}\n  cloud: {type: jsonl}\n");
    write("instruments.d/m.yaml", """
        id: m
        driver: simulated
        uplinks: [tempo, cloud]
        channels:
          - {name: level}
          - {name: pulses, kind: event}
          - {name: flow, send: {tempo: [raw]}}
        """);
    ConfigContext ctx = ConfigContext.of(problems, Map.of());
    ConfigLoader.Loaded loaded = new ConfigLoader(ctx, Set.of("simulated"),
        Map.of("tempodb", Set.of(Route.INCREMENT), "jsonl", Set.of(Route.values()))).load(dir);
    ctx.finish();
    assertThat(lines()).containsExactly(
        "instruments.d/m.yaml:7:32 channels[2].send.tempo: uplink \"tempo\" cannot carry raw data (it takes increment)");
    List<ChannelSpec> channels = loaded.instruments().get(0).info().channels();
    assertThat(channels.get(0).routes()).isEqualTo(Map.of("cloud", Set.of(Route.RAW)));
    assertThat(channels.get(1).routes()).isEqualTo(Map.of("cloud", Set.of(Route.RAW, Route.INCREMENT), "tempo", Set.of(Route.INCREMENT)));
  }
}
