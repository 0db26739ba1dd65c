package io.ferry.agent.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.agent.plan.AgentPlan;
import io.ferry.agent.plan.AgentPlanner;
import io.ferry.agent.plan.StandardComponents;
import io.ferry.agent.runtime.Agent;
import io.ferry.buffer.BufferStats;
import io.ferry.buffer.Lease;
import io.ferry.buffer.LeaseRequest;
import io.ferry.buffer.SqliteBuffer;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Map;
import java.util.Optional;
import org.hawkular.agent.prometheus.types.MetricFamily;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.select.Elements;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * report: through the whole agent: a held level polled every 50 ms, filtered for one jsonl uplink
 * and sent whole to an archive (raw-all). What each file got plus what still waits equals what
 * the buffer counted, and the metrics and the status page's data say the same numbers.
 */
class ReportByExceptionTest {
  @TempDir Path dir;

  /** What a run saw: the channel's counts, the metrics and status JSON, and the page's DOM when a browser ran. */
  record Run(AgentPlan plan, BufferStats.Reported level, Map<String, MetricFamily> metrics, JsonNode status, Optional<Document> page) {}

  @Test
  void filteredAndRawAllUplinksMetricsAndStatusAgree() throws Exception {
    Run run = run(Optional.empty());
    AgentPlan plan = run.plan();
    BufferStats.Reported level = run.level();
    Map<String, MetricFamily> metrics = run.metrics();
    JsonNode status = run.status();
    assertThat(StatusServerTest.value(metrics, "ferry_report_suppressed_total", "instrument", "tank")).isEqualTo(level.suppressed());
    assertThat(status.get("report")).hasSize(1);
    JsonNode row = status.get("report").get(0);
    assertThat(row.get("channel").asText()).isEqualTo("tank/level");
    assertThat(row.get("polled").asLong()).isEqualTo(level.polled());
    assertThat(row.get("suppressed").asLong()).isEqualTo(level.suppressed());
    assertThat(row.get("sentPercent").asLong()).isEqualTo(level.sentPercent()).isLessThan(50);

    long cloud = lines(dir.resolve("state/cloud.jsonl")) + waiting(plan, "cloud");
    long archive = lines(dir.resolve("state/archive.jsonl")) + waiting(plan, "archive");
    assertThat(cloud).as("the filtered uplink: what was reported").isEqualTo(level.polled() - level.suppressed());
    assertThat(archive).as("raw-all: every polled sample").isEqualTo(level.polled());
  }

  @Test
  void theStatusPageShowsTheShareSentPerChannel() throws Exception {
    Optional<Path> chromium = StatusPageBrowserTest.chromium();
    assumeTrue(chromium.isPresent(), "chromium is not installed (apt-get install chromium; .ci/run does): report table browser test skipped");
    Run run = run(chromium);
    Elements rows = run.page().orElseThrow().select("#report tr.report");
    assertThat(rows).extracting(r -> r.attr("data-channel")).containsExactly("tank/level");
    assertThat(rows.get(0).text()).contains("sent " + run.level().sentPercent() + " % of polled")
        .contains(String.valueOf(run.level().polled()));
    assertThat(run.page().orElseThrow().selectFirst("#report-box").hasAttr("hidden")).isFalse();
  }

  private Run run(Optional<Path> chromium) throws Exception {
    Path conf = dir.resolve("conf");
    Files.createDirectories(conf.resolve("instruments.d"));
    Files.writeString(conf.resolve("agent.yaml"), """
        gatewayId: gw-rbe
        stateDir: %s
        buffer: {commitInterval: 20ms}
        http: {listen: "127.0.0.1:0"}
        uplinks:
          cloud: {type: jsonl, path: cloud.jsonl}
          archive: {type: jsonl, path: archive.jsonl}
        """.formatted(dir.resolve("state")));
    Files.writeString(conf.resolve("instruments.d/tank.yaml"), """
        id: tank
        driver: simulated
        poll: 50ms
        uplinks: [cloud, archive]
        report: {onChange: true, heartbeat: 1h, gap: 10s}
        channels:
          - {name: level, wave: step, levels: [4, 5], period: 1d, send: {cloud: [raw], archive: [raw-all]}}
          - {name: walk, wave: random-walk, seed: 5, report: off}
        """);
    AgentPlanner.Result r = new AgentPlanner(StandardComponents.create(), Map.<String, String>of()::get).plan(conf);
    assertThat(r.problems()).isEmpty();
    AgentPlan plan = r.plan().orElseThrow();
    Observatory observatory = new Observatory(plan, plan.http().orElseThrow(), InstantSource.system(), Duration.ofMillis(200), 600);
    Agent agent = Agent.start(plan, InstantSource.system(), observatory);
    observatory.attach(agent::snapshot);
    BufferStats.Reported level;
    Map<String, MetricFamily> metrics;
    JsonNode status;
    Optional<Document> page;
    try (StatusServer server = StatusServer.start(observatory)) {
      await().atMost(Duration.ofSeconds(30)).until(() -> agent.snapshot().buffer()
          .map(b -> b.reported().getOrDefault("tank/level", new BufferStats.Reported(0, 0)).suppressed() >= 40).orElse(false));
      agent.close();
      level = agent.snapshot().buffer().orElseThrow().reported().get("tank/level");
      assertThat(agent.snapshot().buffer().orElseThrow().reported()).containsOnlyKeys("tank/level");
      HttpClient client = HttpClient.newHttpClient();
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        String text = client.send(HttpRequest.newBuilder(server.uri().resolve("metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        Map<String, MetricFamily> m = StatusServerTest.parse(text);
        assertThat(StatusServerTest.value(m, "ferry_report_polled_total", "instrument", "tank")).isEqualTo(level.polled());
      });
      metrics = StatusServerTest.parse(client.send(HttpRequest.newBuilder(server.uri().resolve("metrics")).build(),
          HttpResponse.BodyHandlers.ofString()).body());
      status = StatusJson.JSON.readTree(client.send(HttpRequest.newBuilder(server.uri().resolve("api/status")).build(),
          HttpResponse.BodyHandlers.ofString()).body());
      page = chromium.isEmpty() ? Optional.empty()
          : Optional.of(Jsoup.parse(StatusPageBrowserTest.chrome(chromium.get(), dir, server.uri(), "--virtual-time-budget=2000", "--dump-dom")));
    } finally {
      observatory.close();
      agent.close();
    }
    return new Run(plan, level, metrics, status, page);
  }

  private static long lines(Path file) throws IOException {
    if (!Files.exists(file)) {
      return 0;
    }
    try (var l = Files.lines(file)) {
      return l.filter(s -> s.contains("\"channel\":\"level\"")).count();
    }
  }

  private static long waiting(AgentPlan plan, String uplink) {
    try (SqliteBuffer buffer = SqliteBuffer.open(plan.buffer(), plan.channels(), InstantSource.system())) {
      Lease lease = buffer.lease(uplink, LeaseRequest.of(1_000_000));
      return lease.samples().stream().filter(s -> s.channel().channel().equals("level")).count();
    }
  }
}
