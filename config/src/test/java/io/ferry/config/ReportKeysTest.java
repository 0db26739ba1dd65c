package io.ferry.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.core.ChannelSpec;
import io.ferry.core.ReportSpec;
import io.ferry.core.Route;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** report: instrument defaults, channel overrides, raw-all routes, and one located line per mistake. */
class ReportKeysTest {
  private static final String AGENT = """
      gatewayId: gw-1
      stateDir: /tmp/ferry-test
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
    Files.writeString(dir.resolve("agent.yaml"), AGENT);
  }

  private List<ChannelSpec> load(String instrument) throws IOException {
    Files.writeString(dir.resolve("instruments.d/x.yaml"), instrument);
    ConfigContext ctx = ConfigContext.of(problems, Map.of());
    ConfigLoader.Loaded loaded = new ConfigLoader(ctx, Set.of("simulated"), Set.of("jsonl")).load(dir);
    loaded.agent().ifPresent(a -> a.uplinks().values().forEach(u -> u.fields().allow("path")));
    ctx.finish();
    return loaded.instruments().isEmpty() ? List.of() : loaded.instruments().get(0).info().channels();
  }

  @Test
  void instrumentDefaultsChannelOverridesAndRawAll() throws IOException {
    List<ChannelSpec> channels = load("""
        id: x
        driver: simulated
        poll: 1s
        uplinks: [cloud, archive]
        report: {deadbandPercent: 1, span: 250, heartbeat: 5m}
        channels:
          - {name: level}
          - {name: flow, report: {deadband: 0.5, keepEdges: true}, send: {cloud: [raw], archive: [raw-all]}}
          - {name: mode, report: {onChange: true, gap: 1m}}
          - {name: alarm, report: off}
        """);
    assertThat(problems.all()).isEmpty();
    Duration gap = Duration.ofMillis(1500); // 1.5 poll intervals
    assertThat(channels.get(0).report()).contains(new ReportSpec(0, 1, 250, Duration.ofMinutes(5), gap, false));
    assertThat(channels.get(1).report()).contains(new ReportSpec(0.5, 0, 0, Duration.ofMinutes(5), gap, true));
    assertThat(channels.get(1).unfiltered()).containsExactly("archive");
    assertThat(channels.get(1).routes()).isEqualTo(Map.of("cloud", Set.of(Route.RAW), "archive", Set.of(Route.RAW)));
    assertThat(channels.get(2).report()).contains(ReportSpec.onChange(Duration.ofMinutes(5), Duration.ofMinutes(1)));
    assertThat(channels.get(3).report()).isEmpty();
  }

  @Test
  void aSectionWithoutBandReportsOnChangeWithTheDefaultHeartbeat() throws IOException {
    List<ChannelSpec> channels = load("id: x\ndriver: simulated\npoll: 2s\nchannels:\n  - {name: a, report: {}}\n  - {name: b}\n");
    assertThat(problems.all()).isEmpty();
    assertThat(channels.get(0).report()).contains(ReportSpec.onChange(Duration.ofMinutes(10), Duration.ofSeconds(3)));
    assertThat(channels.get(1).report()).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      negative deadband        | {deadband: -1}                      | instruments.d/x.yaml:5:34 channels[0].report.deadband: must not be negative, got -1.0
      percent out of range     | {deadbandPercent: 150}              | instruments.d/x.yaml:5:41 channels[0].report.deadbandPercent: must be more than 0 and at most 100, got 150.0
      two bands                | {deadband: 1, onChange: true}       | instruments.d/x.yaml:5:23 channels[0].report: choose one of deadband, deadbandPercent and onChange
      onChange false           | {onChange: false}                   | instruments.d/x.yaml:5:34 channels[0].report.onChange: onChange: false is not a band; to send every sample remove report: or write report: off
      span without percent     | {deadband: 1, span: 10}             | instruments.d/x.yaml:5:43 channels[0].report.span: span is the range deadbandPercent is a percentage of; it needs deadbandPercent
      heartbeat not above poll | {heartbeat: 1s}                     | instruments.d/x.yaml:5:35 channels[0].report.heartbeat: must be longer than poll (1s), or every sample is reported
      gap not above poll       | {gap: 500ms}                        | instruments.d/x.yaml:5:29 channels[0].report.gap: must be longer than poll (1s), or every sample is reported
      misspelt key             | {deadbnd: 1}                        | instruments.d/x.yaml:5:24 channels[0].report.deadbnd: unknown key "deadbnd", did you mean "deadband"?
      """)
  void eachMistakeGivesOneLocatedLine(String kind, String report, String expected) throws IOException {
    load("id: x\ndriver: simulated\npoll: 1s\nchannels:\n  - {name: a, report: " + report + "}\n");
    assertThat(problems.all().stream().map(Problem::toString).toList()).as(kind).containsExactly(expected);
  }

  @Test
  void offBelongsOnAChannel() throws IOException {
    load("id: x\ndriver: simulated\nreport: off\nchannels:\n  - {name: a}\n");
    assertThat(problems.all().stream().map(Problem::toString).toList()).containsExactly(
        "instruments.d/x.yaml:3:9 report: report: off belongs on a channel (an instrument without report: sends every sample)");
  }

  @Test
  void rawAllIsAnAcceptedRouteWord() throws IOException {
    load("id: x\ndriver: simulated\nchannels:\n  - {name: a, send: {cloud: [raw-al]}}\n");
    assertThat(problems.all().stream().map(Problem::toString).toList()).singleElement().asString()
        .contains("unknown route \"raw-al\", did you mean \"raw-all\"?");
    assertThat(Optional.of(ConfigLoader.RAW_ALL)).contains("raw-all");
  }
}
