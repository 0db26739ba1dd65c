package io.ferry.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ferry.agent.http.Observatory;
import io.ferry.agent.http.StatusServer;
import io.ferry.agent.plan.AgentPlan;
import io.ferry.agent.plan.AgentPlanner;
import io.ferry.agent.plan.StandardComponents;
import io.ferry.agent.runtime.Agent;
import io.ferry.agent.runtime.ManualClock;
import io.ferry.agent.runtime.PollStats;
import io.ferry.agent.runtime.Reloader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.hawkular.agent.prometheus.text.TextPrometheusMetricDataParser;
import org.hawkular.agent.prometheus.types.Counter;
import org.hawkular.agent.prometheus.types.Gauge;
import org.hawkular.agent.prometheus.types.Metric;
import org.hawkular.agent.prometheus.types.MetricFamily;

/**
 * A real agent on a manual clock with its status server, and every view an operator has of its
 * instruments read at one moment: {@code /health}, {@code /api/status}, {@code /metrics} and
 * {@code ferry status}'s rendering of the health JSON. {@link #assertAgree} checks that they say
 * the same about one instrument.
 */
final class HealthViews implements AutoCloseable {
  static final Instant T0 = Instant.parse("2026-11-21T12:00:00Z"); // aligned: the start-up poll is the tick of T0
  private static final ObjectMapper JSON = new ObjectMapper();

  final ManualClock clock = new ManualClock(T0);
  final Path conf;
  final AgentPlanner planner = new AgentPlanner(StandardComponents.create(), Map.<String, String>of()::get);
  final Agent agent;
  final Reloader reloader;
  private final Observatory observatory;
  private final StatusServer server;
  private final HttpClient http = HttpClient.newHttpClient();

  /** {@code instruments}: file name (without .yaml) to its text. */
  HealthViews(Path dir, Map<String, String> instruments) throws IOException {
    conf = dir.resolve("conf");
    Files.createDirectories(conf.resolve("instruments.d"));
    Files.writeString(conf.resolve("agent.yaml"), """
        gatewayId: gw-health
        stateDir: %s
        buffer: {commitInterval: 20ms}
        http: {listen: "127.0.0.1:0"}
        """.formatted(dir.resolve("state")));
    instruments.forEach(this::write);
    AgentPlanner.Result r = planner.plan(conf);
    assertThat(r.problems()).isEmpty();
    AgentPlan plan = r.plan().orElseThrow();
    observatory = new Observatory(plan, plan.http().orElseThrow(), clock, Duration.ofMillis(200), 600);
    agent = Agent.start(plan, clock, clock, observatory);
    observatory.attach(agent::snapshot);
    server = StatusServer.start(observatory);
    reloader = new Reloader(agent, conf, planner);
  }

  void write(String name, String yaml) {
    try {
      Files.writeString(conf.resolve("instruments.d/" + name + ".yaml"), yaml);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Moves the clock to {@code T0 + seconds} and waits until every polled instrument has dealt with it. */
  void at(long seconds) {
    clock.set(T0.plusSeconds(seconds));
    settle();
  }

  /** Each second from the current one to {@code T0 + seconds}, one tick at a time (no tick is late). */
  void stepTo(long seconds) {
    long from = Duration.between(T0, clock.instant()).toSeconds();
    for (long s = from + 1; s <= seconds; s++) {
      at(s);
    }
  }

  /** Every polled instrument's tick thread asleep since the last clock change, and no poll running. */
  void settle() {
    Awaitility.await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(5)).atMost(Duration.ofSeconds(20)).until(() -> {
      var snap = agent.snapshot();
      for (PollStats p : snap.instruments()) {
        if (snap.streaming().contains(p.instrument())) {
          continue;
        }
        if (!clock.sleeping().containsKey("ferry-tick-" + p.instrument()) || p.pollInFlight()) {
          return false;
        }
      }
      return true;
    });
  }

  record Views(int healthCode, JsonNode health, JsonNode api, Map<String, MetricFamily> metrics, String status) {
    JsonNode instrument(JsonNode root, String id) {
      for (JsonNode i : root.get("instruments")) {
        if (i.get("id").asText().equals(id)) {
          return i;
        }
      }
      throw new AssertionError("no instrument " + id + " in " + root);
    }

    Optional<Double> value(String name, String... labels) {
      MetricFamily f = metrics.get(name);
      if (f == null) {
        return Optional.empty();
      }
      Map<String, String> want = new HashMap<>();
      for (int i = 0; i < labels.length; i += 2) {
        want.put(labels[i], labels[i + 1]);
      }
      return f.getMetrics().stream().filter(m -> m.getLabels().equals(want)).findFirst()
          .map(m -> m instanceof Counter c ? c.getValue() : ((Gauge) m).getValue());
    }

    long count(String name, String... labels) {
      double v = value(name, labels).orElseThrow(() -> new AssertionError("no series " + name + " " + List.of(labels)));
      assertThat(v).as(name).isEqualTo(Math.rint(v));
      return (long) v;
    }

    /** True when any series of {@code name} is labelled with this instrument. */
    boolean hasSeries(String name, String instrument) {
      MetricFamily f = metrics.get(name);
      return f != null && f.getMetrics().stream().map(Metric::getLabels).anyMatch(l -> instrument.equals(l.get("instrument")));
    }
  }

  /** Every view, read now (the clock does not move while they are read). */
  @SuppressWarnings("unchecked")
  Views views() throws Exception {
    // The server reuses a snapshot for up to a quarter second (Observatory.FRESH): wait until it shows the
    // agent as it is now (settled, the clock standing still, so it no longer changes).
    HttpResponse<String>[] health = new HttpResponse[1];
    JsonNode[] read = new JsonNode[1];
    Awaitility.await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(20)).atMost(Duration.ofSeconds(10)).until(() -> {
      health[0] = get("/health");
      read[0] = JSON.readTree(health[0].body());
      return current(read[0]);
    });
    return views(health[0], read[0]);
  }

  private boolean current(JsonNode health) {
    for (PollStats p : agent.instrumentStats()) {
      JsonNode i = null;
      for (JsonNode n : health.get("instruments")) {
        if (n.get("id").asText().equals(p.instrument())) {
          i = n;
        }
      }
      if (i == null || i.get("polls").asLong() != p.polls() || i.get("errors").asLong() != p.errors()
          || i.get("samples").asLong() != p.samples() || i.get("emptyPolls").asLong() != p.empty()
          || i.get("skippedPolls").asLong() != p.skippedConnecting() + p.skippedBackoff()) {
        return false;
      }
    }
    return health.get("instruments").size() == agent.instrumentStats().size();
  }

  private Views views(HttpResponse<String> healthResponse, JsonNode h) throws Exception {
    HttpResponse<String> health = healthResponse;
    JsonNode api = JSON.readTree(get("/api/status").body());
    Map<String, MetricFamily> metrics = new HashMap<>();
    TextPrometheusMetricDataParser parser = new TextPrometheusMetricDataParser(
        new ByteArrayInputStream(get("/metrics").body().getBytes(StandardCharsets.UTF_8)));
    for (MetricFamily f = parser.parse(); f != null; f = parser.parse()) {
      metrics.put(f.getName(), f);
    }
    StringWriter out = new StringWriter();
    StatusCommand.render(h, server.uri(), new PrintWriter(out, true));
    return new Views(health.statusCode(), h, api, metrics, out.toString());
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    URI uri = server.uri().resolve(path);
    return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /**
   * Asserts that {@code /health}, {@code /api/status}, {@code /metrics} and {@code ferry status}
   * all say {@code state} about instrument {@code id}, with {@code cause} in the problem when it
   * is failing, and give it the same counts and last success. Returns its /health node.
   */
  static JsonNode assertAgree(Views v, String id, String state, String cause) {
    boolean up = !state.equals("failing");
    JsonNode h = v.instrument(v.health(), id);
    for (JsonNode root : List.of(v.health(), v.api())) {
      JsonNode i = v.instrument(root, id);
      assertThat(i.get("state").asText()).as(id + " state").isEqualTo(state);
      assertThat(i.get("healthy").asBoolean()).as(id + " healthy").isEqualTo(up);
      if (up) {
        assertThat(i.get("problem").asText()).as(id + " problem").isEmpty();
      } else {
        assertThat(i.get("problem").asText()).as(id + " problem").contains(cause);
      }
      for (String field : List.of("polls", "samples", "errors", "timeouts", "emptyPolls", "skippedPolls", "lastSuccess")) {
        assertThat(i.get(field)).as(id + " " + field + " in /health and /api/status").isEqualTo(h.get(field));
      }
    }
    if (!up) {
      assertThat(v.healthCode()).as("/health answers 503 while an instrument is down").isEqualTo(503);
      assertThat(v.count("ferry_healthy")).isZero();
    }
    assertThat(v.count("ferry_instrument_up", "instrument", id)).as(id + " ferry_instrument_up").isEqualTo(up ? 1 : 0);
    assertThat(v.count("ferry_polls_total", "instrument", id, "outcome", "data")).as(id + " polls with data")
        .isEqualTo(h.get("polls").asLong());
    assertThat(v.count("ferry_polls_total", "instrument", id, "outcome", "empty")).isEqualTo(h.get("emptyPolls").asLong());
    assertThat(v.count("ferry_polls_total", "instrument", id, "outcome", "skipped")).isEqualTo(h.get("skippedPolls").asLong());
    assertThat(v.count("ferry_polls_total", "instrument", id, "outcome", "error")).isEqualTo(h.get("errors").asLong());
    assertThat(v.count("ferry_samples_polled_total", "instrument", id)).isEqualTo(h.get("samples").asLong());
    double lastSuccess = v.value("ferry_instrument_last_success_timestamp_seconds", "instrument", id).orElseThrow();
    JsonNode ls = h.get("lastSuccess");
    assertThat(lastSuccess).as(id + " last success in /metrics and /health")
        .isEqualTo(ls.isNull() ? 0.0 : Instant.parse(ls.asText()).toEpochMilli() / 1000.0);
    String row = v.status().lines().filter(l -> l.startsWith(id + " ")).findFirst()
        .orElseThrow(() -> new AssertionError("ferry status has no row for " + id + ":\n" + v.status()));
    assertThat(row).as("ferry status").matches(Pattern.quote(id) + "\\s+" + state + "\\s+"
        + (ls.isNull() ? "never" : "[0-9dhms ]+ ago") + "\\s+" + h.get("polls").asLong() + "\\s+.*");
    if (!up) {
      assertThat(row).as("ferry status gives the cause").contains(cause);
      assertThat(v.status()).startsWith("ferry: UNHEALTHY");
    }
    return h;
  }

  @Override
  public void close() {
    server.close();
    observatory.close();
    agent.close();
  }
}
