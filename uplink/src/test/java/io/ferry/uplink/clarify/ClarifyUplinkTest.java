package io.ferry.uplink.clarify;

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
import io.ferry.uplink.UplinkState;
import io.ferry.uplink.UplinkTesting.FakeSleeper;
import io.ferry.uplink.UplinkTesting;
import io.ferry.uplink.WrongAnswers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ClarifyUplinkTest {
  static final String INTEGRATION = "c0123456789abcdefghi";
  static final String PASSWORD = "clarify-password-1";
  static final String CLIENT_SECRET = "clarify-client-secret-2";
  static final ChannelId TEMP = ChannelId.of("kiln", "temp");
  static final ChannelId FLOW = ChannelId.of("kiln", "flow");
  static final long MIB = 1L << 20;

  @TempDir Path dir;
  final FakeClock clock = new FakeClock(UplinkTesting.START);
  final FakeSleeper sleeper = new FakeSleeper(clock);
  @Loopback final MockWebServer server = new MockWebServer();
  final List<AutoCloseable> open = new ArrayList<>();
  final List<ChannelSpec> specs = List.of(UplinkTesting.raw("kiln/temp", "degC", "cl"), UplinkTesting.raw("kiln/flow", "m3/h", "cl"));
  ClarifyServer api;
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

  void script(BiFunction<Integer, ClarifyServer.Received, MockResponse> script) {
    api = new ClarifyServer(clock, script);
    server.setDispatcher(api);
  }

  static final String BASIC = "integration: " + INTEGRATION + "\nauth: basic\npassword: ${env:CL_PASSWORD}\n";
  static final String OAUTH = "integration: " + INTEGRATION + "\nclientId: client-7\nclientSecret: ${env:CL_SECRET}\n";

  ClarifyPlan plan(String yaml) {
    Problems problems = new Problems();
    String text = "url: http://127.0.0.1:" + server.getPort() + "\n" + yaml;
    InstrumentInfo inst = new InstrumentInfo("kiln", "simulated", "kiln.yaml", "Kiln", Duration.ofSeconds(1), Duration.ofSeconds(1),
        List.of("cl"), specs);
    UplinkPlan plan = new ClarifyUplinkFactory().plan(UplinkTesting.section("cl", "clarify", text, problems,
        Map.of("CL_PASSWORD", PASSWORD, "CL_SECRET", CLIENT_SECRET)), UplinkTesting.agent(dir, "gw"), List.of(inst)).orElseThrow();
    assertThat(problems.all()).isEmpty();
    return (ClarifyPlan) plan;
  }

  UplinkService start(String yaml) {
    UplinkService s = new ClarifyUplinkFactory().open(plan(yaml), UplinkTesting.context(buffer, clock, sleeper));
    open.add(s);
    s.start();
    return s;
  }

  void append(ChannelId ch, int n, long offsetSeconds) {
    List<Sample> samples = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      samples.add(Sample.of(ch, T0 + (offsetSeconds + i) * 1_000_000L, offsetSeconds + i + 0.5));
    }
    buffer.append(samples).join();
  }

  @Test
  void savesSignalsThenInsertsANullAlignedFrameWithBasicAuth() {
    script((n, r) -> null);
    append(TEMP, 3, 0);
    append(FLOW, 1, 0);
    append(FLOW, 1, 2);
    UplinkService s = start(BASIC);
    UplinkTesting.awaitDelivered(s, 5);
    assertThat(api.methods()).containsExactly("integration.saveSignals", "integration.insert");
    var save = api.received.get(0);
    assertThat(save.request().getMethod()).isEqualTo("POST");
    assertThat(save.path()).isEqualTo("/v1/rpc");
    assertThat(save.request().getHeaders().get("Authorization"))
        .isEqualTo("Basic " + Base64.getEncoder().encodeToString((INTEGRATION + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8)));
    assertThat(save.request().getHeaders().get("X-API-Version")).isEqualTo("1.1");
    assertThat(save.request().getHeaders().get("Content-Type")).startsWith("application/json");
    assertThat(save.body()).isEqualTo("{\"jsonrpc\":\"2.0\",\"method\":\"integration.saveSignals\",\"id\":\"1\",\"params\":{"
        + "\"integration\":\"" + INTEGRATION + "\",\"signalsByInput\":{"
        + "\"kiln.flow\":{\"name\":\"kiln flow\",\"description\":\"\",\"engUnit\":\"m3/h\",\"labels\":{\"instrument\":[\"kiln\"]},\"sampleInterval\":\"PT1S\"},"
        + "\"kiln.temp\":{\"name\":\"kiln temp\",\"description\":\"\",\"engUnit\":\"degC\",\"labels\":{\"instrument\":[\"kiln\"]},\"sampleInterval\":\"PT1S\"}},"
        + "\"createOnly\":false}}");
    assertThat(api.received.get(1).body()).isEqualTo("{\"jsonrpc\":\"2.0\",\"method\":\"integration.insert\",\"id\":\"2\",\"params\":{"
        + "\"integration\":\"" + INTEGRATION + "\",\"data\":{"
        + "\"times\":[\"2026-01-01T00:00:00.000000Z\",\"2026-01-01T00:00:01.000000Z\",\"2026-01-01T00:00:02.000000Z\"],"
        + "\"series\":{\"kiln.flow\":[0.5,null,2.5],\"kiln.temp\":[0.5,1.5,2.5]}}}}");
    assertThat(s.status().bytesSent()).isEqualTo(save.request().getBodySize() + api.received.get(1).request().getBodySize());
  }

  @Test
  void oauthTokenIsCachedUntilShortlyBeforeItExpiresAndRefreshedOnceOn401() {
    script((n, r) -> null);
    api.tokenLife = 120; // renewed 60 s before it expires
    append(TEMP, 1, 0);
    UplinkService s = start(OAUTH);
    UplinkTesting.awaitDelivered(s, 1);
    var token = api.received.get(0);
    assertThat(token.path()).isEqualTo("/v1/oauth/token");
    assertThat(token.body()).isEqualTo("grant_type=client_credentials&client_id=client-7&client_secret=" + CLIENT_SECRET
        + "&audience=http%3A%2F%2F127.0.0.1%3A" + server.getPort() + "%2Fv1%2F");
    assertThat(api.rpcCalls()).allSatisfy(r -> assertThat(r.request().getHeaders().get("Authorization")).isEqualTo("Bearer t1"));

    append(TEMP, 1, 1); // well within the token's life: no new token
    UplinkTesting.awaitDelivered(s, 2);
    assertThat(api.tokens).hasSize(1);

    clock.advance(Duration.ofSeconds(61)); // now within the renewal margin
    append(TEMP, 1, 2);
    UplinkTesting.awaitDelivered(s, 3);
    assertThat(api.tokens).hasSize(2);
    assertThat(api.received.get(api.received.size() - 1).request().getHeaders().get("Authorization")).isEqualTo("Bearer t2");

    api.tokens.clear(); // the server revokes every token: the next insert answers 401
    append(TEMP, 1, 3);
    UplinkTesting.awaitDelivered(s, 4);
    assertThat(api.methods()).containsExactly("token", "integration.saveSignals", "integration.insert", "integration.insert",
        "token", "integration.insert", "integration.insert", "token", "integration.insert");
    assertThat(s.status().state()).isEqualTo(UplinkState.RUNNING);
    assertThat(api.store.get("kiln.temp")).hasSize(4);
  }

  @Test
  void refusedClientCredentialsPauseTheUplink() {
    script((n, r) -> r.path().endsWith("/oauth/token")
        ? new MockResponse.Builder().code(401).body("{\"error\":\"access_denied\",\"error_description\":\"Unauthorized\"}").build()
        : null);
    append(TEMP, 1, 0);
    UplinkService s = start(OAUTH + "authRetry: 20m\n");
    await().atMost(Duration.ofSeconds(10)).until(() -> s.status().state() == UplinkState.PAUSED_AUTH);
    assertThat(s.status().lastError()).hasValueSatisfying(e -> assertThat(e).contains("access_denied").doesNotContain(CLIENT_SECRET));
    assertThat(sleeper.pauses).contains(Duration.ofMinutes(20));
  }

  @Test
  void neverMoreThanOneRequestPerSecondForBothMethods() {
    script((n, r) -> null);
    append(TEMP, 12, 0);
    UplinkService s = start(BASIC + "batchSize: 2\n");
    UplinkTesting.awaitDelivered(s, 12);
    assertThat(api.methods()).startsWith("integration.saveSignals", "integration.insert").hasSize(7);
    for (int i = 1; i < api.received.size(); i++) {
      assertThat(Duration.between(api.received.get(i - 1).at(), api.received.get(i).at())).as("call %d", i)
          .isGreaterThanOrEqualTo(Duration.ofSeconds(1));
    }
    assertThat(api.store.get("kiln.temp")).hasSize(12);
  }

  @Test
  void aLeaseAboveEightMebibytesIsSplitIntoTheLargestFramesThatFit() {
    script((n, r) -> null);
    int count = 300_000;
    append(TEMP, count, 0);
    UplinkService s = start(BASIC + "batchSize: 300000\ntimeout: 5m\n");
    await().atMost(Duration.ofSeconds(60)).until(() -> s.status().recordsDelivered() == count);
    List<ClarifyServer.Received> inserts = api.rpcCalls().stream().filter(r -> r.method().equals("integration.insert")).toList();
    assertThat(inserts).hasSize(2);
    long first = inserts.get(0).request().getBodySize();
    long second = inserts.get(1).request().getBodySize();
    assertThat(first).isLessThanOrEqualTo(8 * MIB).isGreaterThan(8 * MIB - 64); // one more row (~40 bytes) would not fit
    assertThat(second).isLessThan(first);
    int firstRows = inserts.get(0).json().path("params").path("data").path("times").size();
    int secondRows = inserts.get(1).json().path("params").path("data").path("times").size();
    assertThat(firstRows + secondRows).isEqualTo(count);
    assertThat(api.store.get("kiln.temp")).hasSize(count);
    assertThat(api.valuesWritten.get()).isEqualTo(count);
  }

  @Test
  void signalsAreSavedOnceAndNotAgainAfterARestartButAgainWhenTheirMetadataChanges() {
    script((n, r) -> null);
    append(TEMP, 2, 0);
    UplinkService first = start(BASIC);
    UplinkTesting.awaitDelivered(first, 2);
    first.close();
    assertThat(buffer.uplinkState("cl").entries("signal/").keySet()).containsExactly("signal/kiln.temp");

    append(TEMP, 2, 10);
    UplinkService second = start(BASIC);
    UplinkTesting.awaitDelivered(second, 2);
    second.close();
    assertThat(api.methods()).containsExactly("integration.saveSignals", "integration.insert", "integration.insert");

    append(TEMP, 1, 20);
    UplinkService third = start(BASIC + "labels: {site: [plant1]}\n");
    UplinkTesting.awaitDelivered(third, 1);
    assertThat(api.methods()).containsExactly("integration.saveSignals", "integration.insert", "integration.insert",
        "integration.saveSignals", "integration.insert");
    assertThat(api.saved.get(1).path("signalsByInput").path("kiln.temp").path("labels").toString())
        .isEqualTo("{\"instrument\":[\"kiln\"],\"site\":[\"plant1\"]}");
  }

  @Test
  void tryAgainTimeoutsAndServerErrorsAreRetriedAndResendingIsHarmless() {
    script((n, r) -> switch (n) {
      case 1 -> ClarifyServer.rpcError(-32015, "Try again", "{\"trace\":\"abc\"}");
      case 2 -> new MockResponse.Builder().code(504).body("<html>gateway timeout</html>").build();
      case 3 -> new MockResponse.Builder().code(503).addHeader("Retry-After", "30").build();
      default -> null;
    });
    append(TEMP, 3, 0);
    UplinkService s = start(BASIC);
    UplinkTesting.awaitDelivered(s, 3);
    assertThat(api.methods()).containsExactly("integration.saveSignals", "integration.insert", "integration.insert",
        "integration.insert", "integration.insert");
    assertThat(api.received.get(4).json().path("params")).isEqualTo(api.received.get(1).json().path("params"));
    assertThat(Duration.between(api.received.get(3).at(), api.received.get(4).at())).isGreaterThanOrEqualTo(Duration.ofSeconds(30));
    assertThat(s.status().rejected()).isZero();
    assertThat(api.store.get("kiln.temp")).hasSize(3);
  }

  @Test
  void invalidParamsDeadLetterTheFrameWithClarifysReason() {
    script((n, r) -> r.method().equals("integration.insert")
        ? ClarifyServer.rpcError(-32602, "Invalid params", "{\"trace\":\"t-9\",\"params\":{\"data.times\":[\"out of range\"]}}")
        : null);
    append(TEMP, 3, 0);
    UplinkService s = start(BASIC);
    await().atMost(Duration.ofSeconds(10)).until(() -> s.status().rejected() == 3);
    assertThat(s.status().lastError()).hasValueSatisfying(e -> assertThat(e).contains("-32602").contains("out of range").contains("t-9"));
    assertThat(buffer.stats().droppedFor("rejected")).isEqualTo(3);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.ferry.uplink.WrongAnswers#all")
  void answersThatAreNotClarifysPauseTheUplinkAndLoseNothing(WrongAnswers.Case wrong) throws Exception {
    MockWebServer elsewhere = new MockWebServer();
    elsewhere.start(java.net.InetAddress.getLoopbackAddress(), 0);
    open.add(elsewhere);
    String target = "http://localhost:" + elsewhere.getPort();
    script((n, r) -> null);
    WrongAnswers.UntilFixed proxy = new WrongAnswers.UntilFixed(api, wrong, target);
    server.setDispatcher(proxy);
    append(TEMP, 3, 0);
    UplinkService s = start(OAUTH + "configRetry: 7m\n");
    await().atMost(Duration.ofSeconds(10)).until(() -> proxy.wrongAnswers() >= 3);
    assertThat(s.status().state()).isEqualTo(UplinkState.PAUSED_CONFIG);
    assertThat(s.status().lastError()).hasValueSatisfying(e -> assertThat(e).contains(wrong.expected(target))
        .doesNotContain("must-not-be-shown").doesNotContain(CLIENT_SECRET));
    assertThat(sleeper.pauses).contains(Duration.ofMinutes(7));
    assertThat(s.status().rejected()).isZero();
    append(TEMP, 2, 3);
    proxy.fix();
    UplinkTesting.awaitDelivered(s, 5);
    assertThat(s.status().state()).isEqualTo(UplinkState.RUNNING);
    assertThat(s.status().rejected()).isZero();
    assertThat(buffer.stats().droppedFor("rejected")).isZero();
    assertThat(elsewhere.getRequestCount()).as("no request to the redirect target").isZero();
    assertThat(api.store.get("kiln.temp")).hasSize(5);
    assertThat(api.valuesWritten.get()).as("every sample exactly once").isEqualTo(5);
  }
}
