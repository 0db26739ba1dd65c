package io.ferry.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ferry.agent.http.Observatory;
import io.ferry.agent.http.StatusPageBrowserTest;
import io.ferry.agent.http.StatusServer;
import io.ferry.agent.plan.AgentPlan;
import io.ferry.agent.plan.AgentPlanner;
import io.ferry.agent.plan.StandardComponents;
import io.ferry.agent.runtime.Agent;
import io.ferry.uplink.OutcomeUnknown;
import io.ferry.uplink.UplinkStatus;
import io.ferry.uplink.tempodb.TempoServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.SocketEffect;
import org.hawkular.agent.prometheus.text.TextPrometheusMetricDataParser;
import org.hawkular.agent.prometheus.types.Counter;
import org.hawkular.agent.prometheus.types.MetricFamily;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TempoDB increments whose outcome is unknown (issue 22), end to end: a real agent (simulated
 * event channels, the SQLite buffer, the TempoDB uplink) against a TempoDB-like MockWebServer that
 * applies the first increment requests and then drops the connection instead of answering (the
 * request body was received: the client cannot know). Not resent, by design; the count must then be
 * the same in {@code /api/status}, {@code /health} (which degrades), {@code ferry status}'s text,
 * the status page (in headless Chromium, when installed), {@code /metrics} and the status line,
 * and equal the points of the dropped requests.
 */
class OutcomeUnknownStatusTest {
  static final int DROPPED = 3;
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  final MockWebServer cloud = new MockWebServer();
  final HttpClient client = HttpClient.newHttpClient();
  Agent agent;
  Observatory observatory;
  StatusServer server;

  @AfterEach
  void stop() throws IOException {
    if (server != null) {
      server.close();
    }
    if (observatory != null) {
      observatory.close();
    }
    if (agent != null) {
      agent.close();
    }
    cloud.close();
  }

  @Test
  void theCountAgreesInStatusJsonHealthFerryStatusAndMetrics() throws Exception {
    TempoServer tempo = new TempoServer((n, body) -> n < DROPPED
        ? new MockResponse.Builder().code(200).onResponseStart(SocketEffect.ShutdownConnection.INSTANCE).build()
        : null);
    cloud.setDispatcher(tempo);
    cloud.start(InetAddress.getLoopbackAddress(), 0);
    start();

    // Once a fourth request arrived, the three dropped ones were handled (one runner thread, in order).
    await().atMost(Duration.ofSeconds(30)).until(() -> tempo.received.size() > DROPPED);
    Map<String, Long> expected = new TreeMap<>();
    for (TempoServer.Received r : tempo.received.subList(0, DROPPED)) {
      assertThat(r.path()).endsWith("increment/");
      JsonNode body = JSON.readTree(r.body());
      for (JsonNode p : body.isArray() ? body : body.path("data")) {
        expected.merge(p.path("key").asText(), 1L, Long::sum);
      }
    }
    long total = expected.values().stream().mapToLong(Long::longValue).sum();
    assertThat(total).isGreaterThanOrEqualTo(DROPPED);

    // The uplink itself.
    UplinkStatus u = agent.snapshot().uplinks().get(0);
    OutcomeUnknown unknown = u.outcomeUnknown();
    assertThat(unknown.total()).isEqualTo(total);
    Map<String, Long> bySeries = new TreeMap<>();
    unknown.bySeries().forEach((k, v) -> bySeries.put(k, v.count()));
    assertThat(bySeries).isEqualTo(expected);
    assertThat(u.notes()).containsExactly(unknown.describe().orElseThrow());
    assertThat(u.notes().get(0)).startsWith("outcome unknown: " + total + " increments (");

    // /api/status: per uplink and per series.
    JsonNode page = JSON.readTree(get("api/status").body());
    JsonNode pu = page.path("uplinks").get(0).path("outcomeUnknown");
    assertThat(pu.path("count").asLong()).isEqualTo(total);
    assertThat(pu.path("what").asText()).isEqualTo("increments");
    assertThat(pu.path("summary").asText()).isEqualTo(unknown.counts());
    assertThat(pu.path("last").asText()).isEqualTo(unknown.last().orElseThrow().toString());
    Map<String, Long> fromJson = new TreeMap<>();
    pu.path("series").forEach(s -> fromJson.put(s.path("key").asText(), s.path("count").asLong()));
    assertThat(fromJson).isEqualTo(expected);

    // /health: the uplink is degraded for uplinkOutcomeUnknown (10m by default), so the agent is too.
    HttpResponse<String> health = get("health");
    assertThat(health.statusCode()).isEqualTo(503);
    JsonNode h = JSON.readTree(health.body());
    JsonNode hu = h.path("uplinks").get(0);
    assertThat(hu.path("healthy").asBoolean()).isFalse();
    assertThat(hu.path("problem").asText()).startsWith(total + " increments with outcome unknown");
    assertThat(hu.path("outcomeUnknown").path("count").asLong()).isEqualTo(total);

    // ferry status: the same /health answer rendered for the terminal.
    StringWriter text = new StringWriter();
    StatusCommand.render(h, server.uri(), new PrintWriter(text, true));
    String series = String.join(", ", expected.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).toList());
    assertThat(text.toString()).contains("\n  outcome unknown: " + total + " increments (" + series + "), the last ")
        .contains(total + " increments with outcome unknown");

    // The status page, rendered by a real browser where one is installed (.ci/run installs chromium).
    Optional<Path> chromium = StatusPageBrowserTest.chromium();
    if (chromium.isPresent()) {
      Document dom = Jsoup.parse(StatusPageBrowserTest.chrome(chromium.get(), dir, server.uri(), "--virtual-time-budget=2000", "--dump-dom"));
      assertThat(dom.select(".uplink[data-name=tdb] dd.outcome-unknown").text())
          .startsWith(total + " increments (" + series + "), the last ");
      assertThat(dom.select(".uplink[data-name=tdb] .problem").text()).startsWith(total + " increments with outcome unknown");
    }

    // /metrics: a counter per uplink.
    assertThat(counter(get("metrics").body(), "ferry_uplink_outcome_unknown_total", "tdb")).isEqualTo(total);
    assertThat(counter(get("metrics").body(), "ferry_uplink_up", "tdb")).isZero();
  }

  private void start() throws IOException {
    Path conf = dir.resolve("conf");
    Files.createDirectories(conf.resolve("instruments.d"));
    Files.writeString(dir.resolve("tdb.key"), "tdb-key-0123456789");
    Files.writeString(dir.resolve("tdb.secret"), "tdb-secret-0123456789");
    Files.writeString(conf.resolve("agent.yaml"), """
        gatewayId: gw-unknown
        stateDir: %s
        buffer: {commitInterval: 20ms}
        http: {listen: "127.0.0.1:0"}
        uplinks:
          tdb: {type: tempodb, url: "http://127.0.0.1:%d", key: "${file:%s}", secret: "${file:%s}", backoffInitial: 50ms, backoffMax: 200ms}
        """.formatted(dir.resolve("state"), cloud.getPort(), dir.resolve("tdb.key"), dir.resolve("tdb.secret")));
    Files.writeString(conf.resolve("instruments.d/line.yaml"), """
        id: line
        driver: simulated
        poll: 100ms
        uplinks: [tdb]
        channels:
          - {name: parts, kind: event, bucket: 1s, wave: events, perTick: 1, send: {tdb: [increment]}}
          - {name: rejects, kind: event, bucket: 1s, wave: events, perTick: 2, send: {tdb: [increment]}}
        """);
    AgentPlanner.Result r = new AgentPlanner(StandardComponents.create(), Map.<String, String>of()::get).plan(conf);
    assertThat(r.problems()).isEmpty();
    AgentPlan plan = r.plan().orElseThrow();
    observatory = new Observatory(plan, plan.http().orElseThrow(), InstantSource.system(), Duration.ofMillis(200), 600);
    agent = Agent.start(plan, InstantSource.system(), observatory);
    observatory.attach(agent::snapshot);
    server = StatusServer.start(observatory);
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return client.send(HttpRequest.newBuilder(server.uri().resolve(path)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** The value of a counter or gauge of one uplink in the Prometheus text. */
  private static long counter(String text, String name, String uplink) throws IOException {
    TextPrometheusMetricDataParser parser =
        new TextPrometheusMetricDataParser(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    for (MetricFamily f = parser.parse(); f != null; f = parser.parse()) {
      if (f.getName().equals(name)) {
        List<Double> values = f.getMetrics().stream().filter(m -> uplink.equals(m.getLabels().get("uplink")))
            .map(m -> m instanceof Counter c ? c.getValue() : ((org.hawkular.agent.prometheus.types.Gauge) m).getValue()).toList();
        assertThat(values).as(name).hasSize(1);
        return Math.round(values.get(0));
      }
    }
    throw new AssertionError(name + " is not in /metrics");
  }
}
