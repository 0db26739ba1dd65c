package io.ferry.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.core.ChannelSpec;
import io.ferry.core.WriteSpec;
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

/** A channel's {@code write:} key becomes a {@link WriteSpec}; every mistake is one located line and leaves nothing writable. */
class WriteKeysTest {
  @TempDir Path dir;
  Problems problems;

  @BeforeEach
  void setUp() throws IOException {
    problems = new Problems();
    Files.createDirectories(dir.resolve("instruments.d"));
    Files.writeString(dir.resolve("agent.yaml"), "gatewayId: gw\nuplinks:\n  cloud: {type: jsonl}\n");
  }

  private Optional<ChannelSpec> channel(String channelLine) throws IOException {
    Files.writeString(dir.resolve("instruments.d/x.yaml"), "id: x\ndriver: simulated\nuplinks: [cloud]\nchannels:\n" + channelLine + "\n");
    ConfigContext ctx = ConfigContext.of(problems, Map.of());
    ConfigLoader.Loaded loaded = new ConfigLoader(ctx, Set.of("simulated"), Set.of("jsonl")).load(dir);
    loaded.agent().ifPresent(a -> a.uplinks().values().forEach(u -> u.fields().allow("path")));
    ctx.finish();
    return loaded.instruments().stream().flatMap(i -> i.info().channels().stream()).findFirst();
  }

  @Test
  void fullWriteKeyBecomesASpec() throws IOException {
    ChannelSpec spec = channel("  - {name: sp, write: {min: 0, max: 80, maxRate: 1/10s, verify: readBack, tolerance: 0.5}}").orElseThrow();
    assertThat(problems.all()).isEmpty();
    assertThat(spec.write()).contains(new WriteSpec(0, 80, Optional.of(new WriteSpec.Rate(1, Duration.ofSeconds(10))),
        Optional.of(0.5), WriteSpec.Kind.SETPOINT));
    assertThat(WriteKeys.describe(spec.write().get())).isEqualTo("setpoint, 0 to 80, no more than 1/10s, read back within 0.5");
  }

  @Test
  void aSetpointFollowsAMirroredSeries() throws IOException {
    ChannelSpec spec = channel("  - {name: sp, write: {follow: {externalId: boiler-sp, maxAge: 10m}}}").orElseThrow();
    assertThat(problems.all()).isEmpty();
    assertThat(spec.write().orElseThrow().follow()).contains(new WriteSpec.Follow("boiler-sp", Duration.ofMinutes(10)));
    assertThat(WriteKeys.describe(spec.write().get())).isEqualTo("setpoint, follows mirrored series boiler-sp (datapoints at most 10m old)");
  }

  @Test
  void aFollowedSetpointMayBeSentAgainAfterTheDeviceRestarts() throws IOException {
    ChannelSpec spec = channel("  - {name: sp, write: {follow: {externalId: boiler-sp, reapply: true}}}").orElseThrow();
    assertThat(problems.all()).isEmpty();
    assertThat(spec.write().orElseThrow().follow()).contains(new WriteSpec.Follow("boiler-sp", Duration.ofHours(1), true));
    assertThat(WriteKeys.describe(spec.write().get()))
        .isEqualTo("setpoint, follows mirrored series boiler-sp (datapoints at most 1h old, sent again after the device restarts)");
  }

  @Test
  void emptyWriteKeyIsAnUnlimitedSetpointAndNoWriteKeyIsReadOnly() throws IOException {
    ChannelSpec spec = channel("  - {name: reset, write: {kind: command}}\n  - {name: temp}").orElseThrow();
    assertThat(problems.all()).isEmpty();
    WriteSpec w = spec.write().orElseThrow();
    assertThat(w.kind()).isEqualTo(WriteSpec.Kind.COMMAND);
    assertThat(w.inRange(-1e300)).isTrue();
    assertThat(w.readBack()).isEmpty();
    assertThat(w.maxRate()).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      max below min         | {min: 10, max: 5}        | instruments.d/x.yaml:5:38 channels[0].write.max: must not be below min (10.0)
      rate without window   | {maxRate: '5'}           | instruments.d/x.yaml:5:33 channels[0].write.maxRate: expected writes per time such as 1/10s (one write per ten seconds) or 6/1m, got "5"
      rate of zero          | {maxRate: 0/10s}         | instruments.d/x.yaml:5:33 channels[0].write.maxRate: expected writes per time such as 1/10s (one write per ten seconds) or 6/1m, got "0/10s"
      unknown verify        | {verify: readback2}      | instruments.d/x.yaml:5:32 channels[0].write.verify: unknown verify "readback2", did you mean "readBack"?
      tolerance alone       | {tolerance: 1}           | instruments.d/x.yaml:5:35 channels[0].write.tolerance: only applies with verify: readBack
      negative tolerance    | {verify: readBack, tolerance: -1} | instruments.d/x.yaml:5:53 channels[0].write.tolerance: must not be negative, got -1.0
      unknown kind          | {kind: pulse}            | instruments.d/x.yaml:5:30 channels[0].write.kind: unknown kind "pulse" (expected one of setpoint, command)
      min not a number      | {min: low}               | instruments.d/x.yaml:5:29 channels[0].write.min: expected a number, got the text "low"
      follow on a command   | {kind: command, follow: {externalId: x}} | instruments.d/x.yaml:5:47 channels[0].write.follow: only a setpoint follows a series (a command is a pulse: sending it again on each datapoint would repeat it)
      follow without series | {follow: {maxAge: 1h}}   | instruments.d/x.yaml:5:32 channels[0].write.follow.externalId: missing required key "externalId"
      write not a mapping   | yes                      | instruments.d/x.yaml:5:23 channels[0].write: expected a mapping (key: value lines), got the boolean yes
      """)
  void eachMistakeIsOneLocatedLineAndTheChannelIsNotWritable(String kind, String write, String expected) throws IOException {
    Optional<ChannelSpec> spec = channel("  - {name: sp, write: " + write + "}");
    assertThat(problems.all().stream().map(Problem::toString).toList()).containsExactly(expected);
    assertThat(spec.flatMap(ChannelSpec::write)).isEmpty();
  }

  @Test
  void unknownKeyInWriteIsReported() throws IOException {
    channel("  - {name: sp, write: {maxx: 3}}");
    assertThat(problems.all().stream().map(Problem::toString).toList())
        .containsExactly("instruments.d/x.yaml:5:24 channels[0].write.maxx: unknown key \"maxx\", did you mean \"max\"?");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      1/10s    | 1 | PT10S
      6/1m     | 6 | PT1M
      2/s      | 2 | PT1S
      ' 3 / 500ms ' | 3 | PT0.5S
      """)
  void ratesParse(String text, int count, String per) {
    assertThat(WriteKeys.rate(text)).contains(new WriteSpec.Rate(count, Duration.parse(per)));
  }

  @Test
  void badRatesDoNotParse() {
    for (String bad : List.of("", "1", "/10s", "1/", "1/0s", "1/2d", "a/1s", "-1/1s")) {
      assertThat(WriteKeys.rate(bad)).as(bad).isEmpty();
    }
  }
}
