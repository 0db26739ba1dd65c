package io.ferry.drivers.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.core.ChannelId;
import io.ferry.core.Quality;
import io.ferry.core.Sample;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Decoding against the payload files under src/test/resources/io/ferry/drivers/mqtt/payloads. */
class PayloadDecoderTest {
  private static final long ARRIVAL = 1_800_000_000_000_000L;
  private static final long T0 = 1_700_000_000_000_000L;

  @TempDir Path dir;

  private PayloadDecoder decoder(String subscriptions) {
    MqttPlan plan = TestPlans.plan(dir, """
        id: plant
        driver: mqtt
        connection: {url: "tcp://127.0.0.1"}
        subscriptions:
        %s
        channels:
          - {name: line1_temp}
          - {name: line1_state}
          - {name: v}
          - {name: temp}
          - {name: running}
          - {name: pressure}
          - {name: flow}
          - {name: level}
          - {name: power}
          - {name: note}
        """.formatted(subscriptions.indent(2))).mqtt();
    return new PayloadDecoder(plan);
  }

  private static byte[] payload(String name) throws IOException {
    try (InputStream in = PayloadDecoderTest.class.getResourceAsStream("payloads/" + name)) {
      return in.readAllBytes();
    }
  }

  private static ChannelId ch(String name) {
    return ChannelId.of("plant", name);
  }

  @Test
  void arrayOfReadingsWithRfc3339TimesAndTopicLevelChannels() throws Exception {
    PayloadDecoder d = decoder("""
        - topic: plant/+/env
          records: readings
          timestamp: ts
          values:
            - {path: temp, channel: "{2}_temp"}
            - {path: state, channel: "{2}_state", type: text}
        """);
    Decoding out = d.decode("plant/line1/env", payload("array-of-readings-rfc3339.json"), false, ARRIVAL);
    assertThat(out).isInstanceOf(Decoding.Values.class);
    Decoding.Values v = (Decoding.Values) out;
    assertThat(v.samples()).containsExactly(
        Sample.of(ch("line1_temp"), T0, 21.5),
        Sample.text(ch("line1_state"), T0, "RUN", Quality.GOOD),
        Sample.of(ch("line1_temp"), T0 + 1_500_000, 21.75),
        Sample.text(ch("line1_state"), T0 + 1_500_000, "STOP", Quality.GOOD),
        Sample.text(ch("line1_state"), T0 + 2_000_000, "RUN", Quality.GOOD));
    assertThat(v.missing()).isEqualTo(1);
    assertThat(v.problems()).isEmpty();
    assertThat(v.unmapped()).isEmpty();
  }

  @Test
  void topicsResolvingToUndeclaredChannelsAreUnmapped() throws Exception {
    PayloadDecoder d = decoder("""
        - topic: plant/+/env
          records: readings
          timestamp: ts
          values: [{path: temp, channel: "{2}_temp"}]
        """);
    Decoding.Values v = (Decoding.Values) d.decode("plant/line9/env", payload("array-of-readings-rfc3339.json"), false, ARRIVAL);
    assertThat(v.samples()).isEmpty();
    assertThat(v.unmapped()).singleElement().asString().contains("plant/line9/env", "\"line9_temp\"", "not declared");
  }

  @Test
  void topLevelArrayWithEpochMilliseconds() throws Exception {
    PayloadDecoder d = decoder("""
        - {topic: "dev/#", timestamp: t, timestampFormat: epoch-ms, values: [{path: v, channel: v}]}
        """);
    Decoding.Values v = (Decoding.Values) d.decode("dev/a/b", payload("top-level-array-epoch-ms.json"), false, ARRIVAL);
    assertThat(v.samples()).containsExactly(Sample.of(ch("v"), T0, 1), Sample.of(ch("v"), T0 + 1_000_000, 2));
  }

  @Test
  void numericTextsAndBooleansAreNumbersOtherValuesAreProblems() throws Exception {
    PayloadDecoder d = decoder("""
        - topic: m
          values:
            - {path: temp, channel: temp}
            - {path: running, channel: running}
            - {path: pressure, channel: pressure}
            - {path: flow, channel: flow}
            - {path: level, channel: level}
        """);
    Decoding.Values v = (Decoding.Values) d.decode("m", payload("numeric-strings-and-booleans.json"), false, ARRIVAL);
    assertThat(v.samples()).containsExactly(Sample.of(ch("temp"), ARRIVAL, 21.5), Sample.of(ch("running"), ARRIVAL, 1));
    assertThat(v.problems()).hasSize(3);
    assertThat(v.problems().get(0)).isEqualTo("pressure = \"n/a\" is not a number on m");
  }

  @Test
  void aRecordWithAnUnreadableTimestampIsSkippedTheOthersKept() throws Exception {
    PayloadDecoder d = decoder("""
        - {topic: m, timestamp: ts, timestampFormat: epoch-s, values: [{path: v, channel: v}]}
        """);
    Decoding.Values v = (Decoding.Values) d.decode("m", payload("one-record-with-a-bad-timestamp.json"), false, ARRIVAL);
    assertThat(v.samples()).containsExactly(Sample.of(ch("v"), T0, 1));
    assertThat(v.problems()).containsExactly(
        "timestamp ts = \"noon\" is not epoch-s time on m",
        "timestamp ts missing in a record on m");
  }

  @ParameterizedTest
  @ValueSource(strings = {"truncated-json.txt", "not-json.txt"})
  void unreadableJsonIsMalformedAndQuoted(String file) throws Exception {
    PayloadDecoder d = decoder("- {topic: m, values: [{path: v, channel: v}]}");
    Decoding out = d.decode("m", payload(file), false, ARRIVAL);
    assertThat(out).isInstanceOf(Decoding.Malformed.class);
    assertThat(((Decoding.Malformed) out).reason()).startsWith("not JSON on m").contains("\"" + new String(payload(file), StandardCharsets.UTF_8).substring(0, 5));
  }

  @Test
  void plainNumbersAndTextsUseArrivalTime() {
    PayloadDecoder d = decoder("""
        - {topic: p, payload: number, channel: power}
        - {topic: n, payload: text, channel: note}
        """);
    assertThat(((Decoding.Values) d.decode("p", " -1.25e2\n".getBytes(StandardCharsets.UTF_8), false, ARRIVAL)).samples())
        .containsExactly(Sample.of(ch("power"), ARRIVAL, -125));
    assertThat(((Decoding.Values) d.decode("n", "héllo".getBytes(StandardCharsets.UTF_8), false, ARRIVAL)).samples())
        .containsExactly(Sample.text(ch("note"), ARRIVAL, "héllo", Quality.GOOD));
    for (String bad : new String[] {"", "NaN", "Infinity", "0x10", "12 V", "1,5"}) {
      assertThat(d.decode("p", bad.getBytes(StandardCharsets.UTF_8), false, ARRIVAL)).as(bad).isInstanceOf(Decoding.Malformed.class);
    }
    assertThat(d.decode("n", new byte[] {(byte) 0xff, (byte) 0xfe}, false, ARRIVAL)).isInstanceOf(Decoding.Malformed.class);
  }

  @Test
  void retainedMessagesStampedOnArrivalAreUncertainOrIgnored() {
    PayloadDecoder d = decoder("""
        - {topic: p, payload: number, channel: power}
        - {topic: q, payload: number, channel: v, ignoreRetained: true}
        - {topic: r, timestamp: t, values: [{path: v, channel: temp}]}
        """);
    assertThat(((Decoding.Values) d.decode("p", "5".getBytes(StandardCharsets.UTF_8), true, ARRIVAL)).samples())
        .containsExactly(Sample.of(ch("power"), ARRIVAL, 5, Quality.UNCERTAIN));
    assertThat(d.decode("q", "5".getBytes(StandardCharsets.UTF_8), true, ARRIVAL)).isInstanceOf(Decoding.Ignored.class);
    assertThat(((Decoding.Values) d.decode("r", "{\"t\":1700000000,\"v\":5}".getBytes(StandardCharsets.UTF_8), true, ARRIVAL)).samples())
        .as("a retained message with its own timestamp is as good as any")
        .containsExactly(Sample.of(ch("temp"), T0, 5, Quality.GOOD));
  }

  @Test
  void firstMatchingSubscriptionWinsAndUnmatchedTopicsAreIgnored() {
    PayloadDecoder d = decoder("""
        - {topic: a/b, payload: number, channel: power}
        - {topic: "a/#", payload: number, channel: v}
        """);
    assertThat(((Decoding.Values) d.decode("a/b", "1".getBytes(StandardCharsets.UTF_8), false, ARRIVAL)).samples())
        .extracting(Sample::channel).containsExactly(ch("power"));
    assertThat(((Decoding.Values) d.decode("a/c", "1".getBytes(StandardCharsets.UTF_8), false, ARRIVAL)).samples())
        .extracting(Sample::channel).containsExactly(ch("v"));
    assertThat(d.decode("z", "1".getBytes(StandardCharsets.UTF_8), false, ARRIVAL)).isInstanceOf(Decoding.Ignored.class);
  }
}
