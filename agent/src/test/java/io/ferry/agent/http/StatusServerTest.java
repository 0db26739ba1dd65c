package io.ferry.agent.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.agent.runtime.AgentSnapshot;
import io.ferry.agent.runtime.PollStats;
import io.ferry.uplink.UplinkState;
import io.ferry.uplink.UplinkStatus;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.hawkular.agent.prometheus.text.TextPrometheusMetricDataParser;
import org.hawkular.agent.prometheus.types.Counter;
import org.hawkular.agent.prometheus.types.Gauge;
import org.hawkular.agent.prometheus.types.Histogram;
import org.hawkular.agent.prometheus.types.Metric;
import org.hawkular.agent.prometheus.types.MetricFamily;
import org.hawkular.agent.prometheus.types.MetricType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A scripted run: the cloud is down at the start, comes back, goes down again; {@code /health}
 * must follow (503 while nothing is delivered and old records wait, 200 after), and once the
 * agent stopped every number in {@code /metrics} (parsed by a Prometheus text-format parser) must
 * equal what the instruments, the buffer and the mock cloud saw.
 */
class StatusServerTest {
  @TempDir Path dir;
  RunningAgent run;

  @AfterEach
  void stop() throws IOException {
    if (run != null) {
      run.close();
    }
  }

  @Test
  void healthFollowsAnOutageAndMetricsEqualWhatHappened() throws Exception {
    run = new RunningAgent(dir, true);

    // Outage: the uplink retries, records age past uplinkStall (1s): unhealthy, 503.
    JsonNode during = run.awaitHealth(503);
    assertThat(during.get("status").asText()).isEqualTo("unhealthy");
    JsonNode gs = during.get("uplinks").get(0);
    assertThat(gs.get("name").asText()).isEqualTo("gs");
    assertThat(gs.get("healthy").asBoolean()).isFalse();
    assertThat(gs.get("backlog").asLong()).isPositive();
    assertThat(gs.get("oldestUnsentAgeSeconds").asDouble()).isGreaterThan(1.0);
    assertThat(gs.get("lastSuccess").isNull()).isTrue();
    assertThat(gs.get("problem").asText()).contains("nothing delivered");
    assertThat(during.get("instruments")).extracting(n -> n.get("id").asText()).containsExactly("kiln", "press");
    assertThat(during.get("instruments")).allSatisfy(n -> assertThat(n.get("healthy").asBoolean()).isTrue());

    // Every 503 is one retried batch; nothing was uploaded (compared between calls: eventually equal).
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      Map<String, MetricFamily> m = parse(run.get("metrics").body());
      assertThat(value(m, "ferry_uplink_batches_total", "uplink", "gs", "outcome", "retry")).isEqualTo(run.unavailable.get());
      assertThat(value(m, "ferry_uplink_calls_total", "uplink", "gs")).isEqualTo(run.feed.received.size());
      assertThat(value(m, "ferry_uplink_samples_uploaded_total", "uplink", "gs")).isZero();
      assertThat(value(m, "ferry_uplink_up", "uplink", "gs")).isZero();
      assertThat(value(m, "ferry_healthy")).isZero();
    });

    // Back: everything waiting is delivered, healthy again.
    run.down.set(false);
    JsonNode after = run.awaitHealth(200);
    assertThat(after.get("status").asText()).isEqualTo("healthy");
    assertThat(after.get("uplinks").get(0).get("lastSuccess").isNull()).isFalse();
    assertThat(after.get("uplinks").get(0).get("delivered").asLong()).isPositive();

    // Down again until the uplink is backing off, so no call is in flight when the agent stops.
    int before = run.unavailable.get();
    run.down.set(true);
    await().atMost(Duration.ofSeconds(30)).until(() -> run.unavailable.get() > before
        && run.agent.snapshot().uplinks().get(0).state() == UplinkState.BACKING_OFF);
    run.agent.close();

    AgentSnapshot end = run.agent.snapshot();
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> metricsMatch(end));
  }

  private void metricsMatch(AgentSnapshot end) throws IOException, InterruptedException {
    HttpResponse<String> r = run.get("metrics");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain; version=0.0.4");
    Map<String, MetricFamily> families = parse(r.body());
    for (String name : families.keySet()) {
      assertThat(name).matches("[a-zA-Z_:][a-zA-Z0-9_:]*").startsWith("ferry_");
    }
    assertThat(families.get("ferry_poll_duration_seconds").getType()).isEqualTo(MetricType.HISTOGRAM);

    long polledTotal = 0;
    for (PollStats p : end.instruments()) {
      String id = p.instrument();
      assertThat(p.samples()).as(id).isPositive();
      assertThat(value(families, "ferry_samples_polled_total", "instrument", id)).as(id).isEqualTo(p.samples());
      assertThat(value(families, "ferry_polls_total", "instrument", id, "outcome", "data")).as(id).isEqualTo(p.polls());
      assertThat(value(families, "ferry_polls_total", "instrument", id, "outcome", "error")).as(id).isEqualTo(p.errors());
      assertThat(value(families, "ferry_poll_errors_total", "instrument", id, "kind", "error")).as(id).isEqualTo(p.errors());
      Histogram h = (Histogram) metric(families, "ferry_poll_duration_seconds", "instrument", id);
      assertThat(h.getSampleCount()).as("every poll is timed: " + id).isEqualTo(p.polls() + p.empty() + p.errors() + p.timeouts());
      assertThat(h.getBuckets()).isNotEmpty();
      polledTotal += p.samples();
    }
    // press fails every fourth poll by design
    assertThat(value(families, "ferry_poll_errors_total", "instrument", "press", "kind", "error")).isPositive();

    UplinkStatus gs = end.uplinks().get(0);
    int stored = run.feed.store.values().stream().mapToInt(Map::size).sum();
    long uploaded = value(families, "ferry_uplink_samples_uploaded_total", "uplink", "gs");
    assertThat(uploaded).as("acknowledged samples = points the cloud stored").isEqualTo(stored).isEqualTo(gs.samplesDelivered());
    long backlog = value(families, "ferry_uplink_backlog_records", "uplink", "gs");
    assertThat(value(families, "ferry_samples_buffered_total")).isEqualTo(polledTotal);
    assertThat(uploaded + backlog).as("polled = uploaded + still waiting").isEqualTo(polledTotal);
    // The stop may cut the last 503'd call short (not classified): at most one retry short.
    assertThat(value(families, "ferry_uplink_batches_total", "uplink", "gs", "outcome", "retry"))
        .as("every 503 is one retried batch").isBetween(run.unavailable.get() - 1L, (long) run.unavailable.get());
    long okAnswers = run.feed.received.size() - run.unavailable.get();
    assertThat(value(families, "ferry_uplink_batches_total", "uplink", "gs", "outcome", "acked")
        + value(families, "ferry_uplink_batches_total", "uplink", "gs", "outcome", "partial")).isEqualTo(okAnswers).isPositive();
    assertThat(value(families, "ferry_uplink_sent_bytes_total", "uplink", "gs")).isEqualTo(gs.bytesSent()).isPositive();
    assertThat(value(families, "ferry_samples_dropped_total", "instrument", "kiln", "reason", "refused")).isZero();
    assertThat(((Gauge) metric(families, "ferry_buffer_size_bytes")).getValue()).isPositive();
    assertThat(((Gauge) metric(families, "ferry_disk_free_bytes")).getValue()).isPositive();
    assertThat(((Gauge) metric(families, "ferry_buffer_max_size_bytes")).getValue()).isEqualTo(64.0 * 1024 * 1024);
  }

  static Map<String, MetricFamily> parse(String text) throws IOException {
    Map<String, MetricFamily> out = new HashMap<>();
    TextPrometheusMetricDataParser parser =
        new TextPrometheusMetricDataParser(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    for (MetricFamily f = parser.parse(); f != null; f = parser.parse()) {
      assertThat(out.put(f.getName(), f)).as("family %s appears once", f.getName()).isNull();
    }
    return out;
  }

  static Metric metric(Map<String, MetricFamily> families, String name, String... labels) {
    MetricFamily f = families.get(name);
    assertThat(f).as(name).isNotNull();
    Map<String, String> want = new HashMap<>();
    for (int i = 0; i < labels.length; i += 2) {
      want.put(labels[i], labels[i + 1]);
    }
    List<Metric> found = f.getMetrics().stream().filter(m -> m.getLabels().equals(want)).toList();
    assertThat(found).as(name + want).hasSize(1);
    return found.get(0);
  }

  static long value(Map<String, MetricFamily> families, String name, String... labels) {
    Metric m = metric(families, name, labels);
    double v = m instanceof Counter c ? c.getValue() : ((Gauge) m).getValue();
    assertThat(v).as(name).isEqualTo(Math.rint(v));
    return (long) v;
  }
}
