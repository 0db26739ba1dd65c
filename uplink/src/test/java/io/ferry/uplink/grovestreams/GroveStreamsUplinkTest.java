package io.ferry.uplink.grovestreams;

import static io.ferry.uplink.UplinkTesting.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.buffer.Buffer;
import io.ferry.buffer.LeaseRequest;
import io.ferry.config.InstrumentInfo;
import io.ferry.config.Problems;
import io.ferry.core.ChannelId;
import io.ferry.core.ChannelSpec;
import io.ferry.core.Sample;
import io.ferry.core.testing.FakeClock;
import io.ferry.testsupport.web.Loopback;
import io.ferry.uplink.FeedServer;
import io.ferry.uplink.ChannelCatalog;
import io.ferry.uplink.UplinkPlan;
import io.ferry.uplink.UplinkService;
import io.ferry.uplink.UplinkState;
import io.ferry.uplink.UplinkTesting.FakeSleeper;
import io.ferry.uplink.UplinkTesting;
import io.ferry.uplink.WrongAnswers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.SocketEffect;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class GroveStreamsUplinkTest {
  static final String KEY = "gs-secret-key-123";
  static final ChannelId TEMP = ChannelId.of("boiler1", "temp");
  static final ChannelId FLOW = ChannelId.of("boiler1", "flow");

  @TempDir Path dir;
  final FakeClock clock = new FakeClock(UplinkTesting.START);
  final FakeSleeper sleeper = new FakeSleeper(clock);
  @Loopback final MockWebServer server = new MockWebServer();
  final List<AutoCloseable> open = new ArrayList<>();
  FeedServer feed;
  Buffer buffer;
  List<ChannelSpec> specs = List.of(UplinkTesting.raw("boiler1/temp", "degC", "gs"), UplinkTesting.raw("boiler1/flow", "m3/h", "gs"));

  @AfterEach
  void closeAll() throws Exception {
    UplinkTesting.closeAll(open);
  }

  void script(BiFunction<Integer, JsonNode, MockResponse> script) {
    feed = new FeedServer(clock, script);
    server.setDispatcher(feed);
  }

  Buffer buffer() {
    if (buffer == null) {
      buffer = UplinkTesting.buffer(dir, specs, clock);
      open.add(buffer);
    }
    return buffer;
  }

  UplinkService start(String extraYaml) {
    Problems problems = new Problems();
    String yaml = "url: http://127.0.0.1:" + server.getPort() + "\napiKey: ${env:GS_KEY}\n" + extraYaml;
    InstrumentInfo inst = new InstrumentInfo("boiler1", "simulated", "boiler1.yaml", "Boiler 1", Duration.ofSeconds(1),
        Duration.ofSeconds(1), List.of("gs"), specs);
    UplinkPlan plan = new GroveStreamsUplinkFactory().plan(UplinkTesting.section("gs", "grovestreams", yaml, problems, Map.of("GS_KEY", KEY)),
        UplinkTesting.agent(dir, "gw-7"), List.of(inst)).orElseThrow();
    assertThat(problems.all()).isEmpty();
    UplinkService s = new GroveStreamsUplinkFactory().open(plan, UplinkTesting.context(buffer(), clock, sleeper)
        .withCatalog(ChannelCatalog.of(List.of(inst))));
    open.add(s);
    s.start();
    return s;
  }

  void append(ChannelId ch, int n, long offsetSeconds) {
    List<Sample> samples = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      samples.add(Sample.of(ch, T0 + (offsetSeconds + i) * 1_000_000L, offsetSeconds + i + 0.5));
    }
    buffer().append(samples).join();
  }

  @Test
  void sendsTheExactFeedPutOfTheReference() throws Exception {
    script((n, body) -> null);
    append(TEMP, 2, 0);
    append(FLOW, 1, 0);
    UplinkService s = start("");
    UplinkTesting.awaitDelivered(s, 3);
    var r = feed.received.get(0).request();
    assertThat(r.getMethod()).isEqualTo("PUT");
    assertThat(r.getUrl().encodedPath()).isEqualTo("/api/feed");
    assertThat(r.getUrl().querySize()).isZero();
    assertThat(r.getHeaders().get("X-Forwarded-For")).isEqualTo("gw-7");
    assertThat(r.getHeaders().get("Cookie")).isEqualTo("api_key=" + KEY);
    assertThat(r.getHeaders().get("Content-Encoding")).isEqualTo("gzip");
    assertThat(r.getHeaders().get("Content-Type")).startsWith("application/json");
    assertThat(FeedServer.bodyText(r)).isEqualTo("{\"feed\":{\"component\":[{\"componentId\":\"boiler1\",\"stream\":["
        + "{\"streamId\":\"flow\",\"time\":[1767225600000],\"data\":[0.5]},"
        + "{\"streamId\":\"temp\",\"time\":[1767225600000,1767225601000],\"data\":[0.5,1.5]}]}]}}");
    assertThat(s.status().bytesSent()).isEqualTo(r.getBodySize());
  }

  @Test
  void queryParameterAuthWithoutGzip() throws Exception {
    script((n, body) -> null);
    append(TEMP, 1, 0);
    UplinkService s = start("auth: query\ngzip: false\norg: org-1\n");
    UplinkTesting.awaitDelivered(s, 1);
    var r = feed.received.get(0).request();
    assertThat(r.getUrl().queryParameter("api_key")).isEqualTo(KEY);
    assertThat(r.getUrl().queryParameter("org")).isEqualTo("org-1");
    assertThat(r.getHeaders().get("Cookie")).isNull();
    assertThat(r.getHeaders().get("Content-Encoding")).isNull();
    assertThat(r.getBody().utf8()).startsWith("{\"feed\":");
  }

  @Test
  void missingStreamsArrayShapeAreResentWithTheirDefaults() throws Exception {
    missingStreamsAreResentWithDefaults("{\"success\":true,\"message\":\"\",\"missingStreams\":[{\"componentId\":\"boiler1\",\"streamIds\":[\"temp\"]}]}");
  }

  @Test
  void missingMapShapeAreResentWithTheirDefaults() throws Exception {
    missingStreamsAreResentWithDefaults("{\"success\":true,\"message\":\"\",\"missing\":{\"boiler1\":[\"temp\"]}}");
  }

  void missingStreamsAreResentWithDefaults(String missingAnswer) throws Exception {
    script((n, body) -> {
      if (n == 0) {
        feed.skipped.add("boiler1/temp"); // the server did not store the missing stream
        return new MockResponse.Builder().code(200).body(missingAnswer).build();
      }
      feed.skipped.clear();
      return null;
    });
    append(TEMP, 3, 0);
    append(FLOW, 2, 0);
    UplinkService s = start("");
    UplinkTesting.awaitDelivered(s, 5);
    assertThat(feed.received).hasSize(2);
    JsonNode first = feed.received.get(0).body();
    assertThat(first.toString()).doesNotContain("defaults");
    JsonNode resend = feed.received.get(1).body();
    assertThat(resend.toString()).isEqualTo("{\"feed\":{\"component\":[{\"componentId\":\"boiler1\","
        + "\"defaults\":{\"name\":\"Boiler 1\"},\"stream\":[{\"streamId\":\"temp\",\"defaults\":{\"name\":\"temp\","
        + "\"description\":\"boiler1/temp\",\"streamType\":\"rdm_stream\",\"valueType\":\"DOUBLE\",\"unitId\":\"degC\"},"
        + "\"time\":[1767225600000,1767225601000,1767225602000],\"data\":[0.5,1.5,2.5]}]}]}}");
    // The resend obeys the 10 s per-gateway limit.
    assertThat(Duration.between(feed.received.get(0).at(), feed.received.get(1).at())).isGreaterThanOrEqualTo(Duration.ofSeconds(10));
    assertThat(feed.store.get("boiler1/temp")).hasSize(3);
    assertThat(feed.store.get("boiler1/flow")).hasSize(2);
    // Both streams are now known, durably: the next samples go without metadata.
    assertThat(buffer.uplinkState("gs").entries("known/").keySet()).containsExactly("known/boiler1/flow", "known/boiler1/temp");
    append(TEMP, 1, 100);
    UplinkTesting.awaitDelivered(s, 6);
    assertThat(feed.received.get(2).body().toString()).doesNotContain("defaults");
  }

  @Test
  void firstUseMetadataIsSentOnceThenRemembered() throws Exception {
    script((n, body) -> null);
    append(TEMP, 1, 0);
    UplinkService s = start("metadata: first-use\n");
    UplinkTesting.awaitDelivered(s, 1);
    assertThat(feed.received.get(0).body().toString()).contains("\"defaults\":{\"name\":\"temp\"");
    append(TEMP, 1, 5);
    UplinkTesting.awaitDelivered(s, 2);
    assertThat(feed.received.get(1).body().toString()).doesNotContain("defaults");
  }

  @Test
  void honoursRetryAfterOn429() throws Exception {
    script((n, body) -> n == 0 ? new MockResponse.Builder().code(429).addHeader("Retry-After", "120").body("slow down").build() : null);
    append(TEMP, 5, 0);
    UplinkService s = start("");
    UplinkTesting.awaitDelivered(s, 5);
    assertThat(feed.received).hasSize(2);
    assertThat(Duration.between(feed.received.get(0).at(), feed.received.get(1).at())).isGreaterThanOrEqualTo(Duration.ofSeconds(120));
    assertThat(feed.store.get("boiler1/temp")).hasSize(5);
  }

  @Test
  void retriesServerErrorsWithBackoffAndNeverFasterThanTheRateLimit() throws Exception {
    script((n, body) -> switch (n) {
      case 0 -> new MockResponse.Builder().code(500).body("oops").build();
      case 1 -> new MockResponse.Builder().code(503).body("maintenance").build();
      default -> null;
    });
    append(TEMP, 4, 0);
    UplinkService s = start("");
    UplinkTesting.awaitDelivered(s, 4);
    assertThat(feed.received).hasSize(3);
    for (int i = 1; i < 3; i++) {
      assertThat(Duration.between(feed.received.get(i - 1).at(), feed.received.get(i).at())).isGreaterThanOrEqualTo(Duration.ofSeconds(10));
    }
    assertThat(s.status().state()).isEqualTo(UplinkState.RUNNING);
    assertThat(s.status().lastError()).isEmpty();
    assertThat(feed.store.get("boiler1/temp")).hasSize(4);
  }

  @Test
  void garbageAndTruncatedAnswersAreRetried() throws Exception {
    script((n, body) -> switch (n) {
      case 0 -> new MockResponse.Builder().code(200).body("<html>proxy error</html>").build();
      case 1 -> new MockResponse.Builder().code(200).body("{\"success\":true,\"mess").build();
      case 2 -> new MockResponse.Builder().code(200).body("{\"success\":true,\"message\":\"a long answer that is cut\"}")
          .onResponseBody(new SocketEffect.CloseSocket(true, false, false)).build();
      default -> null;
    });
    append(TEMP, 2, 0);
    UplinkService s = start("");
    UplinkTesting.awaitDelivered(s, 2);
    assertThat(feed.received).hasSize(4);
    assertThat(feed.store.get("boiler1/temp")).hasSize(2);
  }

  @Test
  void slowServerHitsTheTimeoutAndTheBatchIsSentAgain() throws Exception {
    script((n, body) -> n == 0
        ? new MockResponse.Builder().code(200).body("{\"success\":true}").headersDelay(3, TimeUnit.SECONDS).build()
        : null);
    append(TEMP, 2, 0);
    UplinkService s = start("readTimeout: 200ms\ntimeout: 1s\n");
    UplinkTesting.awaitDelivered(s, 2);
    assertThat(feed.received).hasSize(2);
    assertThat(feed.store.get("boiler1/temp")).hasSize(2);
  }

  @Test
  void connectionDroppedAfterTheServerAppliedThePutIsResentHarmlessly() throws Exception {
    script((n, body) -> n == 0
        ? new MockResponse.Builder().code(200).body("{\"success\":true}").onResponseStart(SocketEffect.ShutdownConnection.INSTANCE).build()
        : null);
    append(TEMP, 3, 0);
    UplinkService s = start("");
    UplinkTesting.awaitDelivered(s, 3);
    // The first PUT was applied and its answer lost; the resend carries the same explicit times.
    assertThat(feed.received).hasSize(2);
    assertThat(feed.received.get(1).body()).isEqualTo(feed.received.get(0).body());
    assertThat(feed.store.get("boiler1/temp")).hasSize(3);
    assertThat(feed.firstArrivals.get("boiler1/temp")).hasSize(3);
  }

  @Test
  void refusedCredentialsPauseTheUplinkLoudlyWhileBufferingContinues() throws Exception {
    script((n, body) -> new MockResponse.Builder().code(401).body("{\"success\":false,\"message\":\"bad key " + KEY + "\"}").build());
    append(TEMP, 2, 0);
    UplinkService s = start("authRetry: 30m\n");
    await().atMost(Duration.ofSeconds(10)).until(() -> s.status().state() == UplinkState.PAUSED_AUTH);
    assertThat(s.status().lastError()).hasValueSatisfying(e -> assertThat(e).contains("401").doesNotContain(KEY).contains("******"));
    assertThat(sleeper.pauses).contains(Duration.ofMinutes(30));
    append(TEMP, 2, 10); // buffering continues
    assertThat(buffer.stats().appended()).isEqualTo(4);
    assertThat(s.status().recordsDelivered()).isZero();
  }

  @Test
  void tooLargeHalvesTheBatchUntilItFits() throws Exception {
    script((n, body) -> {
      int values = 0;
      for (JsonNode c : body.path("feed").path("component")) {
        for (JsonNode st : c.path("stream")) {
          values += st.path("data").size();
        }
      }
      return values > 50 ? new MockResponse.Builder().code(413).body("too big").build() : null;
    });
    append(TEMP, 180, 0);
    UplinkService s = start("batchSize: 200\nminInterval: 0s\n");
    UplinkTesting.awaitDelivered(s, 180);
    assertThat(feed.store.get("boiler1/temp")).hasSize(180);
    assertThat(feed.received.stream().filter(r -> r.body().toString().length() > 0).count()).isGreaterThanOrEqualTo(5);
  }

  @Test
  void atMostMaxStreamsPerPut() throws Exception {
    specs = List.of(UplinkTesting.raw("boiler1/a", "", "gs"), UplinkTesting.raw("boiler1/b", "", "gs"), UplinkTesting.raw("boiler1/c", "", "gs"));
    script((n, body) -> null);
    for (String c : List.of("a", "b", "c")) {
      append(ChannelId.of("boiler1", c), 2, 0);
    }
    UplinkService s = start("maxStreams: 2\n");
    UplinkTesting.awaitDelivered(s, 6);
    assertThat(feed.received).extracting(r -> feed.streamCount(r.body())).containsExactly(2, 1);
  }

  @Test
  void incrementsAreDeadLetteredWithAReasonWhileRawSamplesFlow() {
    ChannelSpec pulses = new ChannelSpec(ChannelId.of("boiler1", "pulses"), "", "", io.ferry.core.ValueKind.EVENT, java.util.Optional.empty(),
        java.util.Optional.of(new io.ferry.core.CounterSpec(Duration.ofSeconds(1), 0)),
        Map.of("gs", java.util.EnumSet.of(io.ferry.core.Route.RAW, io.ferry.core.Route.INCREMENT)));
    specs = List.of(pulses);
    script((n, body) -> null);
    append(pulses.id(), 3, 0);
    clock.advance(Duration.ofSeconds(10)); // the increment buckets close
    buffer().flush();
    UplinkService s = start("");
    await().atMost(Duration.ofSeconds(10)).until(() -> s.status().recordsDelivered() == 3 && s.status().rejected() > 0);
    assertThat(feed.store.get("boiler1/pulses")).hasSize(3);
    assertThat(feed.received).allSatisfy(r -> assertThat(r.body().toString()).doesNotContain("increment"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.ferry.uplink.WrongAnswers#all")
  void answersThatAreNotTheApiPauseTheUplinkAndLoseNothing(WrongAnswers.Case wrong) throws Exception {
    MockWebServer elsewhere = new MockWebServer();
    elsewhere.start(java.net.InetAddress.getLoopbackAddress(), 0);
    open.add(elsewhere);
    String target = "http://localhost:" + elsewhere.getPort();
    script((n, body) -> null);
    WrongAnswers.UntilFixed proxy = new WrongAnswers.UntilFixed(feed, wrong, target);
    server.setDispatcher(proxy);
    append(TEMP, 3, 0);
    append(FLOW, 2, 0);
    UplinkService s = start("configRetry: 7m\n");
    // Paused, and tried again after the pause (not stuck): still the same clear reason.
    await().atMost(Duration.ofSeconds(10)).until(() -> proxy.wrongAnswers() >= 3);
    assertThat(s.status().state()).isEqualTo(UplinkState.PAUSED_CONFIG);
    assertThat(s.status().lastError()).hasValueSatisfying(e -> assertThat(e).contains(wrong.expected(target))
        .doesNotContain("must-not-be-shown"));
    assertThat(sleeper.pauses).contains(Duration.ofMinutes(7));
    assertThat(s.status().rejected()).isZero();
    assertThat(buffer.stats().droppedFor("rejected")).isZero();
    append(TEMP, 1, 10); // buffering continues while paused
    proxy.fix();
    UplinkTesting.awaitDelivered(s, 6);
    assertThat(s.status().state()).isEqualTo(UplinkState.RUNNING);
    assertThat(s.status().lastError()).isEmpty();
    assertThat(s.status().rejected()).isZero();
    assertThat(buffer.stats().droppedFor("rejected")).isZero();
    assertThat(elsewhere.getRequestCount()).as("no request to the redirect target").isZero();
    // Exactly once: the API got every sample in one PUT, none twice.
    assertThat(feed.store.get("boiler1/temp")).hasSize(4);
    assertThat(feed.store.get("boiler1/flow")).hasSize(2);
    assertThat(feed.received.stream().mapToInt(r -> valueCount(r.body())).sum()).isEqualTo(6);
  }

  static int valueCount(JsonNode body) {
    int n = 0;
    for (JsonNode c : body.path("feed").path("component")) {
      for (JsonNode st : c.path("stream")) {
        n += st.path("data").size();
      }
    }
    return n;
  }

  @Test
  void theApisOwnRejectionStillDeadLettersWithItsReason() {
    script((n, body) -> new MockResponse.Builder().code(400).addHeader("Content-Type", "application/json")
        .body("{\"success\":false,\"message\":\"Invalid stream id: temp?\"}").build());
    append(TEMP, 2, 0);
    UplinkService s = start("");
    await().atMost(Duration.ofSeconds(10)).until(() -> s.status().rejected() == 2);
    assertThat(s.status().lastError()).hasValueSatisfying(e -> assertThat(e).contains("Invalid stream id: temp?"));
    assertThat(buffer.stats().droppedFor("rejected")).isEqualTo(2);
  }

  @Test
  void anHttpUrlToAnotherHostAndAShortKeyAreErrors() {
    Problems problems = new Problems();
    new GroveStreamsUplinkFactory().plan(UplinkTesting.section("gs", "grovestreams", "url: http://grovestreams.com\napiKey: ${env:K}\n",
        problems, Map.of("K", "abc")), UplinkTesting.agent(dir, "gw"), List.of());
    // One rule with the mirror (io.ferry.http.BaseUrl): credentials never cross a network in clear text.
    assertThat(problems.warnings()).isEmpty();
    assertThat(problems.all()).hasSize(2).anySatisfy(p -> {
      assertThat(p.path()).isEqualTo("uplinks.gs.url");
      assertThat(p.message()).contains("must use https://", "clear text", "grovestreams.com");
    }).anySatisfy(p -> {
      assertThat(p.path()).isEqualTo("uplinks.gs.apiKey");
      assertThat(p.message()).contains("3 characters long").contains("${env:K}").doesNotContain("abc");
    });
    Problems local = new Problems();
    new GroveStreamsUplinkFactory().plan(UplinkTesting.section("gs", "grovestreams", "url: http://127.0.0.1:8080\napiKey: ${env:K}\n",
        local, Map.of("K", "long-enough-key")), UplinkTesting.agent(dir, "gw"), List.of());
    assertThat(local.warnings()).isEmpty();
    assertThat(local.all()).isEmpty();
  }

  @Test
  void planReportsBadKeysAndNeverPrintsTheSecret() {
    Problems problems = new Problems();
    String yaml = "url: ftp://x\napiKey: literal-key\nmaxStreams: 5000\nfolder: /Elsewhere\nauth: header\nbodyCap: 1GiB\n";
    var plan = new GroveStreamsUplinkFactory().plan(UplinkTesting.section("gs", "grovestreams", yaml, problems, Map.of()),
        UplinkTesting.agent(dir, "gw"), List.of());
    assertThat(plan).isEmpty();
    assertThat(problems.all()).extracting(p -> p.path()).contains("uplinks.gs.url", "uplinks.gs.apiKey", "uplinks.gs.maxStreams",
        "uplinks.gs.folder", "uplinks.gs.auth", "uplinks.gs.bodyCap");
    assertThat(problems.toString()).doesNotContain("literal-key");
  }

  /** Samples per stream in one PUT body, in PUT order. */
  static List<List<Integer>> samplesPerStream(List<FeedServer.Received> received) {
    List<List<Integer>> out = new ArrayList<>();
    for (FeedServer.Received r : received) {
      List<Integer> perStream = new ArrayList<>();
      for (JsonNode c : r.body().path("feed").path("component")) {
        for (JsonNode st : c.path("stream")) {
          perStream.add(st.path("data").size());
        }
      }
      out.add(perStream);
    }
    return out;
  }

  @Test
  void onePutCarriesMaxStreamsWithAllTheirSamplesWhateverTheChannelCount() throws Exception {
    List<ChannelId> ids = new ArrayList<>();
    List<ChannelSpec> many = new ArrayList<>();
    for (int c = 0; c < 5; c++) {
      ids.add(ChannelId.of("boiler1", "c" + c));
      many.add(UplinkTesting.raw("boiler1/c" + c, "", "gs"));
    }
    specs = many;
    script((n, body) -> null);
    // 40 rounds of 5 channels, appended as a poller does: a lease in append order of 100 records
    // would hold 20 samples of each channel, of which a 2-stream PUT sends 2 x 20.
    List<Sample> rounds = new ArrayList<>();
    for (int t = 0; t < 40; t++) {
      for (ChannelId id : ids) {
        rounds.add(Sample.of(id, T0 + t * 1_000_000L, t));
      }
    }
    buffer().append(rounds).join();
    UplinkService s = start("maxStreams: 2\nbatchSize: 100\nminInterval: 0s\n");
    UplinkTesting.awaitDelivered(s, 200);
    assertThat(samplesPerStream(feed.received)).containsExactly(List.of(40, 40), List.of(40, 40), List.of(40));
    for (ChannelId id : ids) {
      assertThat(feed.store.get(id.toString())).hasSize(40);
    }
  }

  @Test
  void bodyCapBoundsOnePutHoweverManySamplesWait() throws Exception {
    script((n, body) -> null);
    append(TEMP, 30_000, 0);
    // 1 MiB cap, 1,000 streams' worth of room for ids and metadata kept: about 13,400 samples a PUT.
    UplinkService s = start("bodyCap: 1MiB\nmaxStreams: 1000\ngzip: false\nminInterval: 0s\n");
    UplinkTesting.awaitDelivered(s, 30_000);
    assertThat(feed.received).hasSizeGreaterThanOrEqualTo(3);
    assertThat(feed.received).allSatisfy(r -> assertThat(r.request().getBodySize()).isLessThanOrEqualTo(1L << 20));
    assertThat(feed.store.get("boiler1/temp")).hasSize(30_000);
  }

  @Test
  void theDefaultBodyCapIsSixteenMibOrAnEighthOfTheHeap() {
    assertThat(GroveStreamsPlan.defaultBodyCap(4L << 30)).isEqualTo(16L << 20);
    assertThat(GroveStreamsPlan.defaultBodyCap(128L << 20)).isEqualTo(16L << 20);
    assertThat(GroveStreamsPlan.defaultBodyCap(64L << 20)).isEqualTo(16L << 20);
    assertThat(GroveStreamsPlan.defaultBodyCap(32L << 20)).isEqualTo(8L << 20);
    assertThat(GroveStreamsPlan.defaultBodyCap(4L << 20)).isEqualTo(1L << 20);
  }
}
