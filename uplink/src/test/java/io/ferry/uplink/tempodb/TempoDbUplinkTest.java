package io.ferry.uplink.tempodb;

import static io.ferry.uplink.UplinkTesting.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.ferry.buffer.Buffer;
import io.ferry.config.InstrumentInfo;
import io.ferry.config.Problems;
import io.ferry.core.ChannelId;
import io.ferry.core.ChannelSpec;
import io.ferry.core.CounterSpec;
import io.ferry.core.Route;
import io.ferry.core.Sample;
import io.ferry.core.ValueKind;
import io.ferry.core.testing.FakeClock;
import io.ferry.testsupport.web.Loopback;
import io.ferry.uplink.OutcomeUnknown;
import io.ferry.uplink.ChannelCatalog;
import io.ferry.uplink.UplinkContext;
import io.ferry.uplink.UplinkPlan;
import io.ferry.uplink.UplinkRunner;
import io.ferry.uplink.UplinkService;
import io.ferry.uplink.UplinkState;
import io.ferry.uplink.WrongAnswers;
import io.ferry.uplink.UplinkTesting;
import io.ferry.uplink.UplinkTesting.FakeSleeper;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.SocketEffect;
import okhttp3.Credentials;
import okhttp3.Dns;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The TempoDB uplink against a TempoDB-like MockWebServer, with a real SQLite buffer. */
class TempoDbUplinkTest {
  static final String KEY = "tdb-key-0123456789";
  static final String SECRET = "tdb-secret-9876543210";
  static final ChannelId DOOR = ChannelId.of("door", "opens");
  static final ChannelId PARTS = ChannelId.of("line", "parts");
  static final ChannelId ENERGY = ChannelId.of("meter", "energy");
  static final ChannelId TEMP = ChannelId.of("boiler", "temp");
  static final long SEC = 1_000_000L;
  static final long MIN = 60 * SEC;

  @TempDir Path dir;
  final FakeClock clock = new FakeClock(UplinkTesting.START);
  final FakeSleeper sleeper = new FakeSleeper(clock);
  @Loopback final MockWebServer server = new MockWebServer();
  final List<AutoCloseable> open = new ArrayList<>();
  final List<ChannelSpec> specs = List.of(
      counter(DOOR, ValueKind.EVENT), counter(PARTS, ValueKind.EVENT), counter(ENERGY, ValueKind.COUNTER),
      UplinkTesting.raw("boiler/temp", "degC", "tdb"));
  TempoServer tempo;
  Buffer buffer;
  Dns dns = Dns.SYSTEM;
  String host = "127.0.0.1";

  static ChannelSpec counter(ChannelId id, ValueKind kind) {
    return new ChannelSpec(id, "", "", kind, Optional.empty(), Optional.of(new CounterSpec(Duration.ofMinutes(1), 0)),
        Map.of("tdb", EnumSet.of(Route.INCREMENT)));
  }

  @AfterEach
  void closeAll() throws Exception {
    UplinkTesting.closeAll(open);
  }

  void script(BiFunction<Integer, String, MockResponse> script) {
    tempo = new TempoServer(script);
    server.setDispatcher(tempo);
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
    String yaml = "url: http://" + host + ":" + server.getPort() + "\nkey: ${env:TDB_KEY}\nsecret: ${env:TDB_SECRET}\n" + extraYaml;
    InstrumentInfo inst = new InstrumentInfo("all", "simulated", "all.yaml", "", Duration.ofSeconds(1),
        Duration.ofSeconds(1), List.of("tdb"), specs);
    UplinkPlan plan = new TempoDbUplinkFactory().plan(UplinkTesting.section("tdb", "tempodb", yaml, problems,
        Map.of("TDB_KEY", KEY, "TDB_SECRET", SECRET)), UplinkTesting.agent(dir, "gw-1"), List.of(inst)).orElseThrow();
    assertThat(problems.all()).isEmpty();
    OkHttpClient http = new OkHttpClient.Builder().dns(dns).build();
    UplinkService s = new TempoDbUplinkFactory().open(plan,
        new UplinkContext(buffer(), clock, http, sleeper, new SplittableRandom(42), () -> ChannelCatalog.of(List.of(inst))));
    open.add(s);
    s.start();
    return s;
  }

  /** Events of 1 each at these offsets (seconds from T0). */
  void events(ChannelId ch, long... offsetsSeconds) {
    List<Sample> samples = new ArrayList<>();
    for (long o : offsetsSeconds) {
      samples.add(Sample.of(ch, T0 + o * SEC, 1));
    }
    buffer().append(samples).join();
  }

  /** Closes every bucket appended so far (the buffer releases increments of closed buckets). */
  void closeBuckets() {
    clock.advance(Duration.ofMinutes(5));
  }

  @Test
  void incrementsOfOneBucketGoToTheBulkEndpointWithBasicAuth() throws Exception {
    script((n, body) -> null);
    events(DOOR, 1, 2, 3);
    events(PARTS, 10, 20);
    closeBuckets();
    UplinkService s = start("");
    UplinkTesting.awaitDelivered(s, 2);
    assertThat(tempo.received).hasSize(1);
    var r = tempo.received.get(0);
    assertThat(r.request().getMethod()).isEqualTo("POST");
    assertThat(r.path()).isEqualTo("/v1/increment/");
    assertThat(r.request().getHeaders().get("Authorization")).isEqualTo(Credentials.basic(KEY, SECRET));
    assertThat(r.body()).isEqualTo("{\"t\":\"2026-01-01T00:00:00.000Z\",\"data\":["
        + "{\"key\":\"door/opens\",\"v\":3},{\"key\":\"line/parts\",\"v\":2}]}");
    assertThat(tempo.total("door/opens")).isEqualTo(3);
  }

  @Test
  void incrementsAcrossSeveralBucketsGoToTheMultiEndpointInOneRequest() throws Exception {
    script((n, body) -> null);
    events(DOOR, 1, 2, 61, 62, 63, 185);
    events(PARTS, 70);
    closeBuckets();
    UplinkService s = start("");
    UplinkTesting.awaitDelivered(s, 4);
    assertThat(tempo.received).hasSize(1);
    assertThat(tempo.received.get(0).path()).isEqualTo("/v1/multi/increment/");
    assertThat(tempo.received.get(0).body()).isEqualTo("["
        + "{\"t\":\"2026-01-01T00:00:00.000Z\",\"key\":\"door/opens\",\"v\":2},"
        + "{\"t\":\"2026-01-01T00:01:00.000Z\",\"key\":\"door/opens\",\"v\":3},"
        + "{\"t\":\"2026-01-01T00:03:00.000Z\",\"key\":\"door/opens\",\"v\":1},"
        + "{\"t\":\"2026-01-01T00:01:00.000Z\",\"key\":\"line/parts\",\"v\":1}]");
    assertThat(tempo.total("door/opens")).isEqualTo(6);
    assertThat(s.status().notes()).isEmpty();
  }

  @Test
  void fractionalDeltasAreCarriedToTheNextBucketAndAcrossARestart() throws Exception {
    script((n, body) -> null);
    // Cumulative meter reads: deltas 0.25 (bucket 0), 0.75 (bucket 1), 1.75 (bucket 2).
    buffer().append(List.of(Sample.of(ENERGY, T0, 10.0))).join();
    buffer().append(List.of(Sample.of(ENERGY, T0 + 10 * SEC, 10.25))).join();
    buffer().append(List.of(Sample.of(ENERGY, T0 + MIN + SEC, 11.0))).join();
    buffer().append(List.of(Sample.of(ENERGY, T0 + 2 * MIN + SEC, 12.75))).join();
    closeBuckets();
    UplinkService s = start("");
    UplinkTesting.awaitDelivered(s, 3);
    // Bucket 0: 0.25 -> nothing sent, carried; bucket 1: 0.25 + 0.75 = 1; bucket 2: 1.75 -> 1, 0.75 carried.
    assertThat(tempo.received).hasSize(1);
    assertThat(tempo.received.get(0).body()).isEqualTo("["
        + "{\"t\":\"2026-01-01T00:01:00.000Z\",\"key\":\"meter/energy\",\"v\":1},"
        + "{\"t\":\"2026-01-01T00:02:00.000Z\",\"key\":\"meter/energy\",\"v\":1}]");
    assertThat(buffer().uplinkState("tdb").get("carry/meter/energy")).contains("0.75");
    s.close();
    open.remove(s);

    // After a restart the carry is still there: 0.75 + 0.75 = 1.5 -> 1 sent, 0.5 carried.
    buffer().append(List.of(Sample.of(ENERGY, T0 + 6 * MIN, 13.5))).join();
    closeBuckets();
    UplinkService again = start("");
    UplinkTesting.awaitDelivered(again, 1);
    assertThat(tempo.received).hasSize(2);
    assertThat(tempo.received.get(1).body()).isEqualTo("{\"t\":\"2026-01-01T00:06:00.000Z\",\"data\":[{\"key\":\"meter/energy\",\"v\":1}]}");
    assertThat(buffer().uplinkState("tdb").get("carry/meter/energy")).contains("0.5");
    // Nothing lost: integers sent + carry = every delta (3.5).
    assertThat(tempo.total("meter/energy") + 0.5).isCloseTo(13.5 - 10.0, within(1e-9));
  }

  @Test
  void byDefaultIncrementsAreNotResentAfterAResetOnceTheBodyWasSent() throws Exception {
    script((n, body) -> n == 0
        ? new MockResponse.Builder().code(200).onResponseStart(SocketEffect.ShutdownConnection.INSTANCE).build()
        : null);
    events(DOOR, 1, 2);
    events(PARTS, 3);
    closeBuckets();
    UplinkService s = start("");
    UplinkTesting.awaitDelivered(s, 2);
    events(DOOR, 400); // a later batch proves the uplink went on (and was not stuck resending)
    clock.advance(Duration.ofMinutes(2));
    UplinkTesting.awaitDelivered(s, 3);
    assertThat(tempo.received).hasSize(2);
    assertThat(tempo.received.get(1).body()).isEqualTo("{\"t\":\"2026-01-01T00:06:00.000Z\",\"data\":[{\"key\":\"door/opens\",\"v\":1}]}");
    // The server did apply the first request: counted exactly once, never twice.
    assertThat(tempo.total("door/opens")).isEqualTo(3);
    assertThat(tempo.total("line/parts")).isEqualTo(1);
    assertThat(s.status().notes()).containsExactly("outcome unknown: 2 increments (door/opens 1, line/parts 1)");
    OutcomeUnknown unknown = s.status().outcomeUnknown();
    assertThat(unknown.bySeries()).isEqualTo(Map.of(
        "door/opens", new OutcomeUnknown.Series(1, 2), "line/parts", new OutcomeUnknown.Series(1, 1)));
    assertThat(unknown.total()).isEqualTo(2);
    // Kept in the uplink state as "count sum epochMillis" (the time was added for the health rule, issue 22).
    long at = unknown.last().orElseThrow().toEpochMilli();
    assertThat(at).isBetween(UplinkTesting.START.toEpochMilli(), clock.millis());
    assertThat(buffer().uplinkState("tdb").get("unknown/door/opens")).contains("1 2 " + at);
    assertThat(buffer().stats().uplinks().get("tdb").increments()).isZero();
    // Durable: an uplink started again (a restart, a reload) reports the same counts and time.
    s.close();
    open.remove(s);
    assertThat(start("").status().outcomeUnknown()).isEqualTo(unknown);
  }

  @Test
  void byDefaultIncrementsAreNotResentAfterATimeout() throws Exception {
    script((n, body) -> n == 0
        ? new MockResponse.Builder().code(200).headersDelay(3, TimeUnit.SECONDS).build()
        : null);
    events(DOOR, 1, 2, 3);
    closeBuckets();
    UplinkService s = start("readTimeout: 200ms\ntimeout: 2s\n");
    UplinkTesting.awaitDelivered(s, 1);
    assertThat(tempo.received).hasSize(1);
    assertThat(s.status().notes()).containsExactly("outcome unknown: 1 increments (door/opens 1)");
  }

  @Test
  void resendIsChosenByAKeyAndSendsTheSameIncrementsAgain() throws Exception {
    script((n, body) -> n == 0
        ? new MockResponse.Builder().code(200).onResponseStart(SocketEffect.ShutdownConnection.INSTANCE).build()
        : null);
    events(DOOR, 1, 2);
    closeBuckets();
    UplinkService s = start("onAmbiguousIncrement: resend\n");
    UplinkTesting.awaitDelivered(s, 1);
    assertThat(tempo.received).hasSize(2);
    assertThat(tempo.received.get(1).body()).isEqualTo(tempo.received.get(0).body());
    // At least once: the server had applied the first request, so the bucket is counted twice.
    assertThat(tempo.total("door/opens")).isEqualTo(4);
    assertThat(s.status().notes()).isEmpty();
  }

  @Test
  void failuresBeforeTheRequestWasSentAreAlwaysRetried() throws Exception {
    script((n, body) -> null);
    AtomicInteger lookups = new AtomicInteger();
    host = "tempodb.localhost"; // resolved by the test's dns; a loopback name, as plain http allows only these
    dns = name -> switch (lookups.getAndIncrement()) {
      case 0 -> throw new UnknownHostException("tempodb.localhost: no such host (test)");
      case 1 -> List.of(InetAddress.getByName("127.0.0.2")); // nothing listens there: connection refused
      default -> List.of(InetAddress.getLoopbackAddress());
    };
    events(DOOR, 1, 2);
    events(PARTS, 3);
    closeBuckets();
    UplinkService s = start(""); // default: no resend after an ambiguous failure
    UplinkTesting.awaitDelivered(s, 2);
    assertThat(lookups.get()).isGreaterThanOrEqualTo(3);
    assertThat(sleeper.pauses).hasSizeGreaterThanOrEqualTo(2); // backed off twice
    assertThat(tempo.received).hasSize(1);
    assertThat(tempo.total("door/opens")).isEqualTo(2);
    assertThat(tempo.total("line/parts")).isEqualTo(1);
    assertThat(s.status().notes()).isEmpty();
  }

  @Test
  void multiStatusAcknowledgesStoredPointsRetriesTransientOnesAndDeadLettersRefusedOnes() throws Exception {
    script((n, body) -> n == 0 ? TempoServer.multiStatus(200, 503, 400) : null);
    events(DOOR, 1, 61);
    events(PARTS, 2);
    closeBuckets();
    UplinkService s = start("");
    await().atMost(Duration.ofSeconds(10)).until(() -> s.status().recordsDelivered() == 2 && s.status().rejected() == 1);
    assertThat(tempo.received).hasSize(2);
    // Only the point that failed with 503 is sent again; the refused one is not.
    assertThat(tempo.received.get(1).body()).isEqualTo("{\"t\":\"2026-01-01T00:01:00.000Z\",\"data\":[{\"key\":\"door/opens\",\"v\":1}]}");
    assertThat(tempo.total("door/opens")).isEqualTo(2);
    assertThat(tempo.total("line/parts")).isZero();
    assertThat(buffer().stats().droppedFor("rejected")).isEqualTo(1);
    assertThat(s.status().lastError()).isEmpty();
    assertThat(buffer().stats().uplinks().get("tdb").increments()).isZero();
  }

  /** The per-point answer is matched to the leased records: only the point that failed is written again. */
  @Test
  void multiStatusOnGaugeWritesResendsOnlyThePointThatFailed() throws Exception {
    script((n, body) -> n == 0 ? TempoServer.multiStatus(200, 503) : null);
    buffer().append(List.of(Sample.of(TEMP, T0, 21.5), Sample.of(TEMP, T0 + 1500, 21.75))).join();
    UplinkService s = start("");
    UplinkTesting.awaitDelivered(s, 2);
    assertThat(tempo.received).hasSize(2);
    assertThat(tempo.received.get(1).body())
        .isEqualTo("{\"t\":\"2026-01-01T00:00:00.001Z\",\"data\":[{\"key\":\"boiler/temp\",\"v\":21.75}]}");
    assertThat(buffer().stats().uplinks().get("tdb").samples()).isZero();
  }

  @Test
  void gaugesAreWrittenWithExplicitOffsetsAndRewrittenAfterAnyFailure() throws Exception {
    script((n, body) -> n == 0
        ? new MockResponse.Builder().code(200).onResponseStart(SocketEffect.ShutdownConnection.INSTANCE).build()
        : null);
    buffer().append(List.of(Sample.of(TEMP, T0, 21.5), Sample.of(TEMP, T0 + 1500, 21.75))).join();
    UplinkService s = start("");
    UplinkTesting.awaitDelivered(s, 2);
    assertThat(tempo.received).hasSize(2);
    assertThat(tempo.received.get(1).path()).isEqualTo("/v1/multi/");
    assertThat(tempo.received.get(1).body()).isEqualTo("["
        + "{\"t\":\"2026-01-01T00:00:00.000Z\",\"key\":\"boiler/temp\",\"v\":21.5},"
        + "{\"t\":\"2026-01-01T00:00:00.001Z\",\"key\":\"boiler/temp\",\"v\":21.75}]");
    assertThat(tempo.store.get("boiler/temp")).hasSize(2);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.ferry.uplink.WrongAnswers#all")
  void answersThatAreNotTheApiPauseTheUplinkAndEveryIncrementIsCountedOnceAfterTheFix(WrongAnswers.Case wrong) throws Exception {
    MockWebServer elsewhere = new MockWebServer();
    elsewhere.start(InetAddress.getLoopbackAddress(), 0);
    open.add(elsewhere);
    String target = "http://localhost:" + elsewhere.getPort();
    script((n, body) -> null);
    WrongAnswers.UntilFixed proxy = new WrongAnswers.UntilFixed(tempo, wrong, target);
    server.setDispatcher(proxy);
    events(DOOR, 1, 2, 61);
    events(PARTS, 3);
    buffer().append(List.of(Sample.of(TEMP, T0, 21.5))).join();
    closeBuckets();
    UplinkService s = start("configRetry: 7m\n");
    await().atMost(Duration.ofSeconds(10)).until(() -> proxy.wrongAnswers() >= 3);
    assertThat(s.status().state()).isEqualTo(UplinkState.PAUSED_CONFIG);
    assertThat(s.status().lastError()).hasValueSatisfying(e -> assertThat(e).contains(wrong.expected(target))
        .doesNotContain("must-not-be-shown"));
    assertThat(sleeper.pauses).contains(Duration.ofMinutes(7));
    assertThat(s.status().rejected()).isZero();
    events(DOOR, 400); // buffering continues while paused
    closeBuckets();
    proxy.fix();
    UplinkTesting.awaitDelivered(s, 5);
    assertThat(s.status().state()).isEqualTo(UplinkState.RUNNING);
    assertThat(buffer().stats().droppedFor("rejected")).isZero();
    assertThat(elsewhere.getRequestCount()).as("no request to the redirect target").isZero();
    // Exactly once: TempoDB never saw the wrong answers' requests, so nothing is outcome-unknown or doubled.
    assertThat(tempo.total("door/opens")).isEqualTo(4);
    assertThat(tempo.total("line/parts")).isEqualTo(1);
    assertThat(tempo.store.get("boiler/temp")).hasSize(1);
    assertThat(s.status().notes()).isEmpty();
  }

  @Test
  void refusedCredentialsPauseAndNothingIsLost() throws Exception {
    script((n, body) -> n == 0 ? new MockResponse.Builder().code(401).body("bad key").build() : null);
    events(DOOR, 1);
    closeBuckets();
    UplinkService s = start("");
    UplinkTesting.awaitDelivered(s, 1);
    assertThat(sleeper.pauses).contains(Duration.ofMinutes(10));
    assertThat(tempo.total("door/opens")).isEqualTo(1);
    assertThat(((UplinkRunner) s).status().rejected()).isZero();
  }
}
