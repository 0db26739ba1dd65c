package io.ferry.mirror;

import static io.ferry.mirror.SubscriptionScript.Pt.n;
import static io.ferry.mirror.SubscriptionScript.Pt.s;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.core.Sleeper;
import io.ferry.core.testing.FakeClock;
import io.ferry.http.HttpPolicy;
import io.ferry.mirror.SubscriptionScript.Page;
import io.ferry.mirror.SubscriptionScript.Pt;
import io.ferry.mirror.SubscriptionScript.Ts;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okhttp3.Headers;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The mirror against a scripted subscription on MockWebServer, with a real SQLite file. */
class MirrorServiceTest {
  static final Instant T = Instant.parse("2026-11-21T10:00:00Z");
  static final long T0 = T.toEpochMilli() - 3_600_000;
  static final Ts A = new Ts(1, "temp.setpoint", false);
  static final Ts B = new Ts(2, "flow.target", false);
  static final Ts S = new Ts(3, "recipe.name", true);
  static final Ts C = new Ts(4, "site2.power", false);
  static final OkHttpClient HTTP = new OkHttpClient();

  @TempDir Path dir;
  MockWebServer server;
  MirrorService service;
  final FakeClock clock = new FakeClock(T);

  @AfterEach
  void tearDown() {
    if (service != null) {
      service.close();
    }
    if (server != null) {
      server.close();
    }
  }

  @AfterAll
  static void closeHttp() {
    HTTP.dispatcher().executorService().shutdown();
    HTTP.connectionPool().evictAll();
  }

  /** Two partitions; pages with deletes, membership changes, strings, a re-delivered batch and an empty page with hasNext. */
  static SubscriptionScript richScript() {
    SubscriptionScript sc = new SubscriptionScript();
    Page p1 = new Page().upsert(S, s(T0, "r1"), s(T0 + 1, "r2"), s(T0 + 2, "r3"))
        .upsert(A, new Pt(T0 + 20, null, null, BatchParser.STATUS_BAD));
    sc.add(0, new Page().added(A).added(S).upsert(A, range(T0, 10)));
    sc.add(0, p1);
    sc.add(0, new Page()); // hasNext true with no data
    sc.add(0, new Page().delete(A, T0 + 2, T0 + 5));
    sc.add(0, p1); // the same batch again: re-delivery
    sc.add(0, new Page().upsert(A, n(T0, 99), n(T0 + 30, Double.POSITIVE_INFINITY)).delete(S, T0 + 1, T0 + 2));
    sc.add(1, new Page().added(B).added(C).upsert(B, range(T0, 5)));
    sc.add(1, new Page().upsert(C, n(T0, 1), n(T0 + 1, 2), n(T0 + 2, 3)));
    sc.add(1, new Page().removed(C).upsert(B, n(T0 + 100, -1)));
    sc.add(1, new Page().delete(B, T0, T0 + 3));
    sc.add(1, new Page());
    return sc;
  }

  static List<Pt> range(long from, int count) {
    Pt[] out = new Pt[count];
    for (int i = 0; i < count; i++) {
      out[i] = n(from + i, i * 1.5);
    }
    return List.of(out);
  }

  ScriptedServer serve(SubscriptionScript script, int partitions) throws Exception {
    ScriptedServer d = new ScriptedServer(script, partitions, clock);
    server = MirrorTesting.start(d);
    return d;
  }

  MirrorService mirror(List<Integer> partitions, Sleeper sleeper) throws Exception {
    MirrorPlan plan = MirrorTesting.plan(server.url("/"), partitions, Optional.empty(), Duration.ofDays(30));
    service = new MirrorService(plan, dir.resolve("buffer.db"), clock, HTTP, sleeper);
    service.start();
    return service;
  }

  SubscriptionScript.Model mirrored() throws Exception {
    try (MirrorReader r = MirrorReader.open(dir.resolve("buffer.db"))) {
      return SubscriptionScript.read(r);
    }
  }

  @Test
  void mirrorsEveryPageOfBothPartitionsExactly() throws Exception {
    ScriptedServer d = serve(richScript(), 2);
    mirror(List.of(), new RecordingSleeper(null)); // "all": partitions come from byids
    await().atMost(Duration.ofSeconds(20)).until(d::finished);

    SubscriptionScript.Model expected = d.script.model();
    assertThat(mirrored()).isEqualTo(expected);
    // Spot checks that make the model comparison meaningful.
    assertThat(expected.points().get(A.id()).keySet()).doesNotContain(T0 + 2, T0 + 3, T0 + 4).contains(T0 + 1, T0 + 5);
    assertThat(expected.points().get(A.id()).get(T0).num()).isEqualTo(99.0);
    assertThat(expected.points().get(A.id()).get(T0 + 20).status()).isEqualTo(BatchParser.STATUS_BAD);
    assertThat(expected.points().get(S.id()).values()).extracting(Pt::str).containsExactly("r1", "r3");
    assertThat(expected.member()).containsEntry(C.id(), false).containsEntry(B.id(), true);
    assertThat(expected.points().get(C.id())).hasSize(3); // a removed series keeps its points

    // Cursors chain: each request carries the cursor of the previous answer.
    List<JsonNode> p0 = d.requestsOf(0);
    assertThat(p0.get(0).path("partitions").path(0).has("cursor")).isFalse();
    assertThat(p0.get(1).path("partitions").path(0).path("cursor").asText()).isEqualTo("c0.1.0");
    assertThat(p0.get(6).path("partitions").path(0).path("cursor").asText()).isEqualTo("c0.6.0");
    assertThat(p0.get(0).path("includeStatus").asBoolean()).isTrue();
    assertThat(p0.get(0).path("pollTimeoutSeconds").asInt()).isEqualTo(1);

    MirrorStatus st = service.status();
    assertThat(st.state()).isEqualTo("running");
    assertThat(st.series()).isEqualTo(3);
    assertThat(st.removedSeries()).isEqualTo(1);
    assertThat(st.points()).isEqualTo(expected.points().values().stream().mapToLong(m -> m.size()).sum());
    assertThat(st.partitions()).extracting(MirrorStatus.Partition::index).containsExactly(0, 1);
    assertThat(st.partitions()).allSatisfy(p -> assertThat(p.hasCursor()).isTrue());
    assertThat(st.lag()).contains(Duration.ZERO);
  }

  @Test
  void afterCloseTheStatusIsTheFinalCountsNotAClosedConnection() throws Exception {
    ScriptedServer d = serve(richScript(), 2);
    mirror(List.of(0, 1), new RecordingSleeper(null));
    await().atMost(Duration.ofSeconds(20)).until(d::finished);
    MirrorStatus running = service.status();
    service.close();

    MirrorStatus stopped = service.status();
    assertThat(stopped.state()).isEqualTo("stopped");
    assertThat(stopped.series()).isEqualTo(running.series()).isPositive();
    assertThat(stopped.points()).isEqualTo(running.points()).isPositive();
  }

  @Test
  void restartResumesFromStoredCursorsWithoutRereading() throws Exception {
    SubscriptionScript script = richScript();
    ScriptedServer d = serve(script, 2);
    mirror(List.of(0, 1), new RecordingSleeper(null));
    await().atMost(Duration.ofSeconds(20)).until(d::finished);
    service.close();
    int before = d.dataRequests.size();

    script.add(0, new Page().upsert(A, n(T0 + 500, 5)));
    mirror(List.of(0, 1), new RecordingSleeper(null));
    await().atMost(Duration.ofSeconds(20)).until(d::finished);
    // the workers keep polling after the script is finished: read a copy, not a live view
    List<JsonNode> all;
    synchronized (d.dataRequests) {
      all = List.copyOf(d.dataRequests);
    }
    List<JsonNode> after = all.subList(before, all.size());
    assertThat(after).allSatisfy(r -> assertThat(r.path("partitions").path(0).has("cursor")).isTrue());
    assertThat(mirrored()).isEqualTo(script.model());
  }

  @Test
  void fetchesANewTokenWhenTheServerStopsAcceptingTheOldOneMidStream() throws Exception {
    ScriptedServer d = serve(richScript(), 2);
    d.revokeTokensAt(0, 3);
    d.revokeTokensAt(1, 2);
    mirror(List.of(0, 1), new RecordingSleeper(null));
    await().atMost(Duration.ofSeconds(20)).until(d::finished);
    assertThat(d.tokensIssued()).isBetween(2, 3);
    assertThat(d.authorizations).contains("Bearer tok-1", "Bearer tok-2");
    assertThat(mirrored()).isEqualTo(d.script.model());
  }

  @Test
  void renewsTheTokenBeforeItExpiresMidStream() throws Exception {
    SubscriptionScript script = new SubscriptionScript();
    script.add(0, new Page().upsert(A, range(T0, 3)));
    ScriptedServer d = serve(script, 1);
    d.tokenLifetimeSeconds = 120;
    mirror(List.of(0), new RecordingSleeper(null));
    await().atMost(Duration.ofSeconds(20)).until(d::finished);
    assertThat(d.tokensIssued()).isEqualTo(1);

    clock.advance(Duration.ofSeconds(109)); // 11 s left: inside the renewal window (the last 60 s, at most half of 120 s)
    script.add(0, new Page().upsert(A, n(T0 + 10, 10)));
    await().atMost(Duration.ofSeconds(20)).until(d::finished);
    assertThat(d.tokensIssued()).isEqualTo(2);
    assertThat(d.tokenIssuedAt).containsExactly(T, T.plusSeconds(109));
    assertThat(d.unauthorized).hasValue(0); // renewed before the server could refuse it
    assertThat(mirrored()).isEqualTo(script.model());
  }

  @Test
  void rejectedCursorRestartsFromTheLastCaughtUpTimeMinusTheMargin() throws Exception {
    SubscriptionScript script = new SubscriptionScript();
    long now = T.toEpochMilli();
    script.add(0, new Page().upsert(A, range(T0, 3)).at(now - 7_200_000));
    script.add(0, new Page().upsert(A, n(T0 + 10, 10)).at(now - 600_000));
    ScriptedServer d = serve(script, 1);
    mirror(List.of(0), new RecordingSleeper(null));
    await().atMost(Duration.ofSeconds(20)).until(d::finished);
    Instant caughtUp = clock.instant();
    service.close();

    // Ten minutes later the agent starts again; more data came, and the server forgot the cursor.
    clock.advance(Duration.ofMinutes(10));
    script.add(0, new Page().upsert(A, n(T0 + 20, 20)).at(clock.millis() - 60_000));
    script.add(0, new Page().delete(A, T0, T0 + 1).at(clock.millis()));
    d.cursorGeneration = 1;
    int before = d.dataRequests.size();
    mirror(List.of(0), new RecordingSleeper(null));
    await().atMost(Duration.ofSeconds(20)).until(d::finished);

    List<JsonNode> reqs = List.copyOf(d.dataRequests.subList(before, d.dataRequests.size()));
    assertThat(reqs).extracting(r -> r.path("partitions").path(0).path("cursor").asText(""))
        .contains("c0.2.0") // the stored cursor, rejected
        .doesNotContain("c0.3.0", "c0.4.0");
    JsonNode reinit = reqs.stream().filter(r -> r.has("initializeCursors")).findFirst().orElseThrow();
    assertThat(reinit.path("partitions").path(0).has("cursor")).isFalse();
    long expectedMinutes = Duration.between(caughtUp.minus(Duration.ofMinutes(15)), clock.instant()).toMinutes();
    assertThat(expectedMinutes).isEqualTo(25);
    assertThat(reinit.get("initializeCursors").asText()).isEqualTo("25m-ago");
    // The margin re-delivers the page ingested 10 minutes before the stop (harmless), then the new ones.
    assertThat(reqs).extracting(r -> r.path("partitions").path(0).path("cursor").asText(""))
        .containsSubsequence("c0.2.1", "c0.3.1", "c0.4.1");
    assertThat(mirrored()).isEqualTo(script.model());
    assertThat(mirrored().points().get(A.id())).doesNotContainKey(T0).containsKeys(T0 + 1, T0 + 10, T0 + 20);
    assertThat(service.status().partitions().get(0).lastError()).isEmpty(); // cleared by the next applied batch
  }

  @Test
  void backsOffOn429And503HonouringRetryAfter() throws Exception {
    ScriptedServer d = serve(richScript(), 2);
    d.fault(0, 1, new MockResponse(429, Headers.of("Retry-After", "7", "x-request-id", "rid-429"), "{\"error\":{\"code\":429,\"message\":\"Too many requests\"}}"));
    d.fault(0, 2, ScriptedServer.error(503, "Service unavailable", "rid-503"));
    d.fault(0, 2, ScriptedServer.error(502, "Bad gateway", "rid-502"));
    RecordingSleeper sleeper = new RecordingSleeper(null);
    mirror(List.of(0, 1), sleeper);
    await().atMost(Duration.ofSeconds(20)).until(d::finished);
    assertThat(sleeper.waits()).contains(Duration.ofSeconds(7));
    // No Retry-After: exponential back-off from 1 s with at most 20% jitter.
    assertThat(sleeper.waits()).anySatisfy(w -> assertThat(w).isBetween(Duration.ofSeconds(1), Duration.ofMillis(1200)));
    assertThat(sleeper.waits()).anySatisfy(w -> assertThat(w).isBetween(Duration.ofSeconds(2), Duration.ofMillis(2400)));
    assertThat(mirrored()).isEqualTo(d.script.model());
  }

  @Test
  void otherErrorsAreReportedWithTheRequestIdAndNothingIsApplied() throws Exception {
    SubscriptionScript script = new SubscriptionScript();
    script.add(0, new Page().upsert(A, range(T0, 3)));
    script.add(0, new Page().upsert(A, n(T0 + 10, 10)));
    ScriptedServer d = serve(script, 1);
    d.stuck = ScriptedServer.error(403, "Resource not found or no access", "rid-403");
    RecordingSleeper sleeper = new RecordingSleeper(null);
    mirror(List.of(0), sleeper);
    await().atMost(Duration.ofSeconds(20)).until(() -> service.status().partitions().stream()
        .anyMatch(p -> p.lastError().orElse("").contains("rid-403")));
    MirrorStatus st = service.status();
    assertThat(st.partitions().get(0).lastError().orElseThrow()).contains("HTTP 403", "no access", "x-request-id rid-403");
    assertThat(st.points()).isZero();
    // A permanent error is retried slowly (at least the 32 s step of the back-off), never hammered.
    assertThat(sleeper.waits()).allSatisfy(w -> assertThat(w).isGreaterThanOrEqualTo(Duration.ofSeconds(32)));

    d.fault(0, 0, ScriptedServer.json(200, "{\"updates\":[{\"timeSeries\":{\"id\":1},\"upserts\":[{\"timestamp\":\"x\"}]}],"
        + "\"partitions\":[{\"index\":0,\"nextCursor\":\"c0.2.0\"}],\"hasNext\":false}"));
    d.stuck = null;
    await().atMost(Duration.ofSeconds(20)).until(d::finished);
    assertThat(mirrored()).isEqualTo(script.model());
    assertThat(d.requestsOf(0).get(d.requestsOf(0).size() - 1).path("partitions").path(0).path("cursor").asText())
        .isEqualTo("c0.2.0"); // the unusable body's cursor was never stored
  }

  /**
   * Issue 29: a baseUrl that reaches a web server instead of the API (an HTML 404 page, here one
   * that echoes the request, secret included) pauses the mirror as it pauses an uplink: "misconfigured,
   * paused", said once, retried every HttpPolicy.CONFIG_RETRY, nothing applied, the secret in no log
   * line or status; once the address answers as the API, mirroring resumes from the stored cursor.
   */
  @Test
  void aWebServersHtml404PausesTheMirrorAsItPausesAnUplink() throws Exception {
    SubscriptionScript script = new SubscriptionScript();
    script.add(0, new Page().upsert(A, range(T0, 3)));
    ScriptedServer d = serve(script, 1);
    d.stuck = new MockResponse(404, Headers.of("Content-Type", "text/html"), "<html>\n<head><title>404 Not Found</title></head>\n"
        + "<body><h1>404 Not Found</h1><p>client_secret=" + ScriptedServer.CLIENT_SECRET + "</p><hr>nginx</body>\n</html>\n");
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    root.addAppender(logs);
    try {
      RecordingSleeper sleeper = new RecordingSleeper(null);
      mirror(List.of(0), sleeper);
      await().atMost(Duration.ofSeconds(20)).until(() -> sleeper.waits().size() >= 3);
      String error = service.status().partitions().get(0).lastError().orElseThrow();
      assertThat(error).startsWith("misconfigured, paused: HTTP 404 not found, an HTML page")
          .doesNotContain(ScriptedServer.CLIENT_SECRET);
      assertThat(sleeper.waits()).allSatisfy(w -> assertThat(w).isEqualTo(HttpPolicy.CONFIG_RETRY));
      assertThat(service.status().points()).isZero();
      List<String> said = logs.list.stream().filter(e -> e.getLoggerName().startsWith("io.ferry.mirror"))
          .map(ILoggingEvent::getFormattedMessage).toList();
      assertThat(said).filteredOn(m -> m.contains("misconfigured, paused")).hasSize(1); // said once, not per attempt
      assertThat(said).noneSatisfy(m -> assertThat(m).contains(ScriptedServer.CLIENT_SECRET));

      d.stuck = null; // the address is fixed (or the proxy): no restart needed
      await().atMost(Duration.ofSeconds(20)).until(d::finished);
      assertThat(mirrored()).isEqualTo(script.model());
    } finally {
      root.detachAppender(logs);
    }
  }

  @Test
  void retentionDeletesPointsOlderThanTheBudget() throws Exception {
    SubscriptionScript script = new SubscriptionScript();
    long old = T.minus(Duration.ofDays(40)).toEpochMilli();
    script.add(0, new Page().upsert(A, n(old, 1), n(old + 1, 2), n(T0, 3)));
    ScriptedServer d = serve(script, 1);
    MirrorPlan plan = MirrorTesting.plan(server.url("/"), List.of(0), Optional.empty(), Duration.ofDays(30));
    service = new MirrorService(plan, dir.resolve("buffer.db"), clock, HTTP, new RecordingSleeper(null));
    service.start();
    await().atMost(Duration.ofSeconds(20)).until(d::finished);
    assertThat(mirrored().points().get(A.id())).containsOnlyKeys(old, old + 1, T0);
    clock.advance(Retention.EVERY); // the next prune is due; runs on the worker's next request
    await().atMost(Duration.ofSeconds(20)).until(() -> mirrored().points().get(A.id()).size() == 1);
    assertThat(mirrored().points().get(A.id())).containsOnlyKeys(T0);
  }
}
