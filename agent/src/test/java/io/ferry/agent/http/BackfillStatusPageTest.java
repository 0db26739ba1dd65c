package io.ferry.agent.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.agent.plan.AgentPlan;
import io.ferry.agent.plan.AgentPlanner;
import io.ferry.agent.plan.StandardComponents;
import io.ferry.agent.runtime.Agent;
import io.ferry.buffer.SqliteBuffer;
import io.ferry.core.ChannelId;
import io.ferry.core.Sample;
import io.ferry.drivers.opcua.HistoryStore;
import io.ferry.drivers.opcua.TestOpcUaServer;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Backfill progress on the status page, from a running agent whose OPC UA instrument subscribes
 * ({@code mode: subscribe}) and was stopped for 10 minutes: the server answers the first page of
 * history and holds every continued read until the test lets it go on, so the page shows a backfill
 * in the middle (channels pending, samples backfilled, the source time reached). Then the whole gap
 * arrives and the uplink gets every second exactly once. The page is rendered by headless Chromium
 * when it is installed (as in {@link StatusPageBrowserTest}); the JSON is checked either way.
 */
class BackfillStatusPageTest {
  private static final List<String> NODES = List.of("A", "B");

  @TempDir Path dir;

  @Test
  void theStatusPageShowsABackfillInTheMiddleAndTheGapArrivesOnce() throws Exception {
    Instant t0 = Instant.now().minus(Duration.ofHours(1)).truncatedTo(ChronoUnit.SECONDS);
    Instant live = t0.plusSeconds(900);
    HistoryStore history = new HistoryStore(0, false);
    Map<String, Object> values = new LinkedHashMap<>();
    for (String n : NODES) {
      for (int s = 0; s <= 900; s++) {
        history.add(n, t0.plusSeconds(s), s);
      }
      values.put(n, new DataValue(new Variant(900.0), StatusCode.GOOD, new DateTime(live), new DateTime(live)));
    }
    history.continuations = new CompletableFuture<>();
    try (TestOpcUaServer server = new TestOpcUaServer(TestOpcUaServer.Options.plain(), values, history)) {
      AgentPlan plan = plan(server.endpoint());
      try (SqliteBuffer before = SqliteBuffer.open(plan.buffer(), plan.channels(), InstantSource.system())) {
        List<Sample> stored = new ArrayList<>();
        for (String n : NODES) {
          for (int s = 0; s <= 300; s++) {
            stored.add(Sample.of(ChannelId.of("press1", n), micros(t0.plusSeconds(s)), s));
          }
        }
        before.append(stored).get();
      }
      Observatory observatory = new Observatory(plan, plan.http().orElseThrow(), InstantSource.system(), Duration.ofMillis(200), 600);
      Agent agent = Agent.start(plan, InstantSource.system(), observatory);
      observatory.attach(agent::snapshot);
      try (StatusServer status = StatusServer.start(observatory)) {
        HttpClient client = HttpClient.newHttpClient();
        // the first page of each channel (100 values, t0 + 301 s .. t0 + 400 s) is stored; the next read waits
        await().atMost(Duration.ofSeconds(60)).until(() -> press(client, status).path("backfill").path("samples").asLong() > 0);
        JsonNode b = press(client, status).path("backfill");
        assertThat(b.path("samples").asLong()).as("one page of 100 values per channel read so far").isIn(100L, 200L);
        assertThat(b.path("channelsPending").asLong()).isPositive();
        Instant reached = t0.plusSeconds(400);
        assertThat(b.path("reached").asText()).isEqualTo(reached.toString());

        Optional<Path> chromium = StatusPageBrowserTest.chromium();
        if (chromium.isPresent()) {
          Document dom = Jsoup.parse(StatusPageBrowserTest.chrome(chromium.get(), dir, status.uri(), "--virtual-time-budget=2000", "--dump-dom"));
          assertThat(dom.selectFirst("#backfill-box").hasAttr("hidden")).as("the backfill section is shown").isFalse();
          Element row = dom.selectFirst("#backfill tr.backfill[data-id=press1]");
          assertThat(row).as("a backfill row for press1").isNotNull();
          assertThat(row.select("td.pending").text()).isEqualTo(b.path("channelsPending").asText());
          assertThat(row.select("td.samples").text()).isEqualTo(b.path("samples").asText());
          assertThat(row.select("td.reached").text()).isEqualTo(reached.toString().replace("T", " "));
        } else {
          System.out.println("chromium is not installed (apt-get install chromium; .ci/run does): backfill row not rendered");
        }

        history.continuations.complete(null);
        Path file = dir.resolve("uploaded.jsonl");
        await().atMost(Duration.ofSeconds(60)).until(() -> uploaded(file).size() == 2 * 901);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
          JsonNode done = press(client, status).path("backfill");
          assertThat(done.path("samples").asLong()).isEqualTo(2 * 599L);
          assertThat(done.path("channelsPending").asLong()).isZero();
          assertThat(done.path("reached").isNull()).isTrue();
        });
        for (String n : NODES) {
          List<String> times = new ArrayList<>();
          for (String line : uploaded(file)) {
            JsonNode j = StatusJson.JSON.readTree(line);
            if (j.path("channel").asText().equals(n)) {
              times.add(j.path("time").asText());
            }
          }
          assertThat(times).as("channel %s: stored before, the gap, the first notification; each once", n).hasSize(901).doesNotHaveDuplicates();
        }
      } finally {
        history.continuations.complete(null);
        observatory.close();
        agent.close();
      }
    }
  }

  private static JsonNode press(HttpClient client, StatusServer status) throws Exception {
    JsonNode root = StatusJson.JSON.readTree(client.send(HttpRequest.newBuilder(status.uri().resolve("api/status")).build(),
        HttpResponse.BodyHandlers.ofString()).body());
    for (JsonNode i : root.path("instruments")) {
      if (i.path("id").asText().equals("press1")) {
        return i;
      }
    }
    throw new AssertionError("press1 is not in the status: " + root);
  }

  private static long micros(Instant t) {
    return t.getEpochSecond() * 1_000_000L + t.getNano() / 1000;
  }

  private AgentPlan plan(String endpoint) throws IOException {
    Path config = dir.resolve("config");
    Files.createDirectories(config.resolve("instruments.d"));
    Files.writeString(config.resolve("agent.yaml"), """
        gatewayId: test
        stateDir: %s
        buffer: {commitInterval: 20ms}
        http: {listen: "127.0.0.1:0"}
        uplinks:
          local: {type: jsonl, path: %s}
        """.formatted(dir.resolve("state"), dir.resolve("uploaded.jsonl")));
    Files.writeString(config.resolve("instruments.d/press1.yaml"), """
        id: press1
        driver: opcua
        mode: subscribe
        subscription: {publishingInterval: 100ms}
        backfill: {enabled: true, maxAge: 24h, valuesPerCall: 100}
        connection: {endpoint: "%s", requestTimeout: 3m}
        uplinks: [local]
        channels:
          - {name: A, node: "%s"}
          - {name: B, node: "%s"}
        """.formatted(endpoint, TestOpcUaServer.node("A"), TestOpcUaServer.node("B")));
    AgentPlanner.Result r = new AgentPlanner(StandardComponents.create(), Map.<String, String>of()::get).plan(config);
    assertThat(r.problems()).isEmpty();
    return r.plan().orElseThrow();
  }

  private static List<String> uploaded(Path file) throws IOException {
    if (!Files.exists(file)) {
      return List.of();
    }
    return Files.readAllLines(file).stream().filter(l -> !l.isBlank()).toList();
  }
}
