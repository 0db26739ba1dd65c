package io.ferry.uplink.atomscale;

import static io.ferry.uplink.UplinkTesting.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ferry.buffer.Buffer;
import io.ferry.config.InstrumentInfo;
import io.ferry.config.Problems;
import io.ferry.core.ChannelId;
import io.ferry.core.ChannelSpec;
import io.ferry.core.Sample;
import io.ferry.core.testing.FakeClock;
import io.ferry.testsupport.web.Loopback;
import io.ferry.uplink.UplinkPlan;
import io.ferry.uplink.UplinkService;
import io.ferry.uplink.UplinkTesting.FakeSleeper;
import io.ferry.uplink.UplinkTesting;
import io.ferry.uplink.UplinkState;
import io.ferry.uplink.WrongAnswers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.SocketEffect;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class AtomscaleUplinkTest {
  static final String KEY = "as-secret-456";
  static final ChannelId THICKNESS = ChannelId.of("dep1", "thickness");
  static final ChannelId RATE = ChannelId.of("dep1", "deposition_rate");

  @TempDir Path dir;
  final FakeClock clock = new FakeClock(UplinkTesting.START);
  final FakeSleeper sleeper = new FakeSleeper(clock);
  @Loopback final MockWebServer server = new MockWebServer();
  final List<AutoCloseable> open = new ArrayList<>();
  final List<ChannelSpec> specs = List.of(UplinkTesting.raw("dep1/thickness", "nm", "as"), UplinkTesting.raw("dep1/deposition_rate", "nm/s", "as"));
  AtomscaleServer api;
  Buffer buffer;

  @BeforeEach
  void openBuffer() throws Exception {
    buffer = UplinkTesting.buffer(dir, specs, clock);
    open.add(buffer);
  }

  @AfterEach
  void closeAll() throws Exception {
    UplinkTesting.closeAll(open);
  }

  void script(BiFunction<Integer, AtomscaleServer.Received, MockResponse> script) {
    api = new AtomscaleServer(script);
    server.setDispatcher(api);
  }

  AtomscalePlan plan(String extra) {
    Problems problems = new Problems();
    String yaml = "url: http://127.0.0.1:" + server.getPort() + "\napiKey: ${env:AS_KEY}\npointsPerChunk: 3\n" + extra;
    InstrumentInfo inst = new InstrumentInfo("dep1", "simulated", "dep1.yaml", "", Duration.ofSeconds(1), Duration.ofSeconds(1),
        List.of("as"), specs);
    Optional<UplinkPlan> plan = new AtomscaleUplinkFactory().plan(UplinkTesting.section("as", "atomscale", yaml, problems, Map.of("AS_KEY", KEY)),
        UplinkTesting.agent(dir, "gw"), List.of(inst));
    assertThat(problems.all()).isEmpty();
    return (AtomscalePlan) plan.orElseThrow();
  }

  UplinkService start(String extra) {
    UplinkService s = new AtomscaleUplinkFactory().open(plan(extra), UplinkTesting.context(buffer, clock, sleeper));
    open.add(s);
    s.start();
    return s;
  }

  void append(ChannelId ch, long fromSecond, double... values) {
    List<Sample> samples = new ArrayList<>();
    for (int i = 0; i < values.length; i++) {
      samples.add(Sample.of(ch, T0 + (fromSecond + i) * 1_000_000L, values[i]));
    }
    buffer.append(samples).join();
  }

  @Test
  void initializesOncePersistsTheStreamFirstAndSendsExactChunks() throws Exception {
    List<Optional<String>> dataIdAtFirstChunk = new ArrayList<>();
    script((n, r) -> {
      if (r.path().endsWith("/chunk/multi") && dataIdAtFirstChunk.isEmpty()) {
        dataIdAtFirstChunk.add(buffer.uplinkState("as").get("dataId/dep1"));
      }
      return null;
    });
    append(THICKNESS, 0, 0, 5.2, 10.1, 15, 20, 25, 30);
    append(RATE, 0, 0.52, 0.49, 0.52, 0.5, 0.5, 0.5, 0.5);
    UplinkService s = start("");
    UplinkTesting.awaitDelivered(s, 12);

    AtomscaleServer.Received init = api.received.get(0);
    assertThat(init.path()).isEqualTo("/metrology/stream/initialize");
    assertThat(init.request().getMethod()).isEqualTo("POST");
    assertThat(init.request().getHeaders().get("X-API-KEY")).isEqualTo(KEY);
    assertThat(init.request().getHeaders().get("Content-Encoding")).isNull();
    assertThat(init.request().getBody().utf8()).isEqualTo("{\"stream_name\":\"dep1\",\"points_per_chunk\":3}");
    assertThat(dataIdAtFirstChunk).containsExactly(Optional.of("d-0"));

    List<AtomscaleServer.Received> chunks = api.chunks();
    assertThat(chunks).hasSize(2); // the 7th point of each channel waits for a full chunk
    assertThat(chunks.get(0).path()).isEqualTo("/metrology/stream/chunk/multi");
    assertThat(chunks.get(0).request().getHeaders().get("X-API-KEY")).isEqualTo(KEY);
    assertThat(chunks.get(0).request().getHeaders().get("Content-Type")).startsWith("application/json");
    assertThat(chunks.get(0).request().getBody().utf8()).isEqualTo("{\"data_id\":\"d-0\",\"chunk_index\":0,\"channels\":{"
        + "\"thickness\":{\"timestamps\":[1767225600.0,1767225601.0,1767225602.0],\"values\":[0.0,5.2,10.1],\"units\":\"nm\"},"
        + "\"deposition_rate\":{\"timestamps\":[1767225600.0,1767225601.0,1767225602.0],\"values\":[0.52,0.49,0.52],\"units\":\"nm/s\"}}}");
    assertThat(chunks.get(1).body().path("chunk_index").asInt()).isEqualTo(1);
    assertThat(chunks.get(1).body().path("channels").path("thickness").path("values").size()).isEqualTo(3);
    assertThat(api.initializeCalls()).isEqualTo(1);
  }

  @Test
  void nonFiniteValuesAreDroppedAndCountedAndChunksStayExact() {
    script((n, r) -> null);
    append(THICKNESS, 0, 1, Double.NaN, 2, 3);
    append(RATE, 0, 4, 5, Double.POSITIVE_INFINITY, 6);
    UplinkService s = start("");
    UplinkTesting.awaitDelivered(s, 8);
    var ch = api.chunks().get(0).body().path("channels");
    assertThat(ch.path("thickness").path("values").toString()).isEqualTo("[1.0,2.0,3.0]");
    assertThat(ch.path("deposition_rate").path("values").toString()).isEqualTo("[4.0,5.0,6.0]");
    assertThat(s.status().dropped()).isEqualTo(2);
  }

  @Test
  void ambiguousInitializeCreatesANewStreamInsteadOfReusingAGuess() {
    script((n, r) -> n == 0
        ? new MockResponse.Builder().code(200).body("{\"data_id\":\"d-0\"}").onResponseStart(SocketEffect.ShutdownConnection.INSTANCE).build()
        : null);
    append(THICKNESS, 0, 1, 2, 3);
    append(RATE, 0, 4, 5, 6);
    UplinkService s = start("");
    UplinkTesting.awaitDelivered(s, 6);
    assertThat(api.initializeCalls()).isEqualTo(2);
    assertThat(api.streams).containsExactly("d-0", "d-1");
    assertThat(api.chunks()).allSatisfy(c -> assertThat(c.body().path("data_id").asText()).isEqualTo("d-1"));
    assertThat(buffer.uplinkState("as").get("dataId/dep1")).contains("d-1");
  }

  @Test
  void chunkAppliedThenConnectionDroppedIsResentWithTheSameIndexAndContent() {
    script((n, r) -> r.path().endsWith("/chunk/multi") && n == 1
        ? new MockResponse.Builder().code(200).body("[]").onResponseStart(SocketEffect.ShutdownConnection.INSTANCE).build()
        : null);
    append(THICKNESS, 0, 1, 2, 3, 4, 5, 6);
    append(RATE, 0, 7, 8, 9, 10, 11, 12);
    UplinkService s = start("");
    UplinkTesting.awaitDelivered(s, 12);
    List<AtomscaleServer.Received> chunks = api.chunks();
    assertThat(chunks).extracting(c -> c.body().path("chunk_index").asInt()).containsExactly(0, 0, 1);
    assertThat(chunks.get(1).body()).isEqualTo(chunks.get(0).body());
    assertThat(api.slices).hasSize(4); // 2 channels x 2 chunks, the repeat replaced its own slice
  }

  @Test
  void chunkIndexSurvivesARestartAndIsNeverReused() {
    script((n, r) -> null);
    append(THICKNESS, 0, 1, 2, 3);
    append(RATE, 0, 4, 5, 6);
    UplinkService first = start("");
    UplinkTesting.awaitDelivered(first, 6);
    first.close();
    append(THICKNESS, 3, 7, 8, 9);
    append(RATE, 3, 10, 11, 12);
    UplinkService second = start("");
    UplinkTesting.awaitDelivered(second, 6);
    assertThat(api.initializeCalls()).isEqualTo(1);
    assertThat(api.chunks()).extracting(c -> c.body().path("data_id").asText() + "#" + c.body().path("chunk_index").asInt())
        .containsExactly("d-0#0", "d-0#1");
  }

  @Test
  void claimsAnIndexBeforeSendingAndNeverGivesItToOtherContent() {
    script((n, r) -> null);
    AtomscaleStreams streams = new AtomscaleStreams(plan(""), buffer.uplinkState("as"), clock);
    assertThat(streams.claim("dep1", "d:1-6-6")).isZero();
    assertThat(streams.claim("dep1", "d:1-6-6")).isZero(); // a retry of the same content
    assertThat(streams.claim("dep1", "d:7-12-6")).isEqualTo(1);
    assertThat(streams.claim("dep1", "d:1-6-6")).isEqualTo(2); // old content again: a new index, never 0
  }

  @Test
  void retriesServerErrorsAndHonoursRetryAfter() {
    script((n, r) -> r.path().endsWith("/chunk/multi") && n == 1
        ? new MockResponse.Builder().code(429).addHeader("Retry-After", "30").build()
        : r.path().endsWith("/chunk/multi") && n == 2 ? new MockResponse.Builder().code(502).build() : null);
    append(THICKNESS, 0, 1, 2, 3);
    append(RATE, 0, 4, 5, 6);
    UplinkService s = start("");
    UplinkTesting.awaitDelivered(s, 6);
    assertThat(sleeper.pauses).contains(Duration.ofSeconds(30));
    assertThat(api.chunks()).extracting(c -> c.body().path("chunk_index").asInt()).containsExactly(0, 0, 0);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.ferry.uplink.WrongAnswers#all")
  void answersThatAreNotTheApiPauseTheUplinkAndLoseNothing(WrongAnswers.Case wrong) throws Exception {
    MockWebServer elsewhere = new MockWebServer();
    elsewhere.start(java.net.InetAddress.getLoopbackAddress(), 0);
    open.add(elsewhere);
    String target = "http://localhost:" + elsewhere.getPort();
    script((n, r) -> null);
    WrongAnswers.UntilFixed proxy = new WrongAnswers.UntilFixed(api, wrong, target);
    server.setDispatcher(proxy);
    append(THICKNESS, 0, 1, 2, 3);
    append(RATE, 0, 4, 5, 6);
    UplinkService s = start("configRetry: 7m\n");
    await().atMost(Duration.ofSeconds(10)).until(() -> proxy.wrongAnswers() >= 3);
    assertThat(s.status().state()).isEqualTo(UplinkState.PAUSED_CONFIG);
    assertThat(s.status().lastError()).hasValueSatisfying(e -> assertThat(e).contains(wrong.expected(target))
        .doesNotContain("must-not-be-shown"));
    assertThat(sleeper.pauses).contains(Duration.ofMinutes(7));
    assertThat(s.status().rejected()).isZero();
    append(THICKNESS, 3, 7, 8, 9); // buffering continues while paused
    append(RATE, 3, 7, 8, 9);
    proxy.fix();
    UplinkTesting.awaitDelivered(s, 12);
    assertThat(s.status().state()).isEqualTo(UplinkState.RUNNING);
    assertThat(s.status().rejected()).isZero();
    assertThat(buffer.stats().droppedFor("rejected")).isZero();
    assertThat(elsewhere.getRequestCount()).as("no request to the redirect target").isZero();
    // Exactly once: one stream, two chunks, each sent once.
    assertThat(api.initializeCalls()).isEqualTo(1);
    assertThat(api.chunks()).extracting(c -> c.body().path("chunk_index").asInt()).containsExactly(0, 1);
  }

  @Test
  void aWrongPathAfterTheStreamExistsPausesWithoutStartingANewStream() throws Exception {
    script((n, r) -> null);
    WrongAnswers.Case html404 = WrongAnswers.all().get(0);
    WrongAnswers.UntilFixed proxy = new WrongAnswers.UntilFixed(api, html404, "http://localhost:1");
    append(THICKNESS, 0, 1, 2, 3);
    append(RATE, 0, 4, 5, 6);
    UplinkService s = start("");
    UplinkTesting.awaitDelivered(s, 6);
    server.setDispatcher(proxy); // the proxy in front of the API loses its route
    append(THICKNESS, 3, 7, 8, 9);
    append(RATE, 3, 7, 8, 9);
    await().atMost(Duration.ofSeconds(10)).until(() -> s.status().state() == UplinkState.PAUSED_CONFIG);
    assertThat(buffer.uplinkState("as").get("dataId/dep1")).contains("d-0");
    proxy.fix();
    UplinkTesting.awaitDelivered(s, 12);
    assertThat(api.initializeCalls()).isEqualTo(1);
    assertThat(api.chunks()).extracting(c -> c.body().path("data_id").asText() + "/" + c.body().path("chunk_index").asInt())
        .containsExactly("d-0/0", "d-0/1");
    assertThat(s.status().rejected()).isZero();
  }

  @Test
  void theApisOwnValidationErrorStillDeadLettersWithItsReason() {
    script((n, r) -> r.path().endsWith("/chunk/multi")
        ? new MockResponse.Builder().code(422).addHeader("Content-Type", "application/json")
            .body("{\"detail\":[{\"loc\":[\"body\",\"channels\"],\"msg\":\"value is not a valid float\"}]}").build()
        : null);
    append(THICKNESS, 0, 1, 2, 3);
    append(RATE, 0, 4, 5, 6);
    UplinkService s = start("");
    await().atMost(Duration.ofSeconds(10)).until(() -> s.status().rejected() == 6);
    assertThat(s.status().lastError()).hasValueSatisfying(e -> assertThat(e).contains("value is not a valid float"));
    assertThat(buffer.stats().droppedFor("rejected")).isEqualTo(6);
  }

  @Test
  void goneStreamStartsANewOne() {
    script((n, r) -> null);
    append(THICKNESS, 0, 1, 2, 3);
    append(RATE, 0, 4, 5, 6);
    buffer.uplinkState("as").put("dataId/dep1", "finalized-elsewhere");
    UplinkService s = start("");
    UplinkTesting.awaitDelivered(s, 6);
    assertThat(api.chunks()).extracting(c -> c.body().path("data_id").asText()).containsExactly("finalized-elsewhere", "d-0");
  }

  @Test
  void timestampsArePlainEpochSecondsWithMicroseconds() {
    assertThat(AtomscaleStreams.epochSeconds(1_705_312_200_000_000L)).isEqualTo("1705312200.0");
    assertThat(AtomscaleStreams.epochSeconds(1_705_312_200_123_456L)).isEqualTo("1705312200.123456");
    assertThat(AtomscaleStreams.epochSeconds(1_705_312_200_500_000L)).isEqualTo("1705312200.5");
    assertThat(AtomscaleStreams.epochSeconds(-1L)).isEqualTo("-0.000001");
  }

  @Test
  void theGarbageFreeTimestampWriterPrintsTheSameTextAsTheStringOne() {
    char[] out = new char[AtomscaleStreams.EPOCH_CHARS];
    for (long micros : new long[] {0L, 1L, 10L, 999_999L, 1_000_000L, 1_000_010L, 1_705_312_200_000_000L, 1_705_312_200_123_456L,
        1_705_312_200_500_000L, 1_705_312_200_000_001L, 1_705_312_209_100_000L, Long.MAX_VALUE}) {
      assertThat(new String(out, 0, AtomscaleStreams.epochSeconds(micros, out))).as("%d us", micros)
          .isEqualTo(AtomscaleStreams.epochSeconds(micros));
    }
  }

  @Test
  void aFullLeaseWithoutACompleteChunkGrowsInsteadOfStalling() {
    script((n, r) -> null);
    append(THICKNESS, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10); // appended first: the oldest rows are all one channel
    append(RATE, 0, 11, 12, 13);
    UplinkService s = start("batchSize: 6\n");
    UplinkTesting.awaitDelivered(s, 6);
    assertThat(api.chunks()).hasSize(1);
    assertThat(api.chunks().get(0).body().path("channels").path("deposition_rate").path("values").toString()).isEqualTo("[11.0,12.0,13.0]");
  }

  @Test
  void pathPrefixIsConfigurable() {
    script((n, r) -> null);
    append(THICKNESS, 0, 1, 2, 3);
    append(RATE, 0, 4, 5, 6);
    UplinkService s = start("pathPrefix: /tool-state\n");
    UplinkTesting.awaitDelivered(s, 6);
    assertThat(api.received).extracting(AtomscaleServer.Received::path)
        .containsExactly("/tool-state/stream/initialize", "/tool-state/stream/chunk/multi");
  }
}
