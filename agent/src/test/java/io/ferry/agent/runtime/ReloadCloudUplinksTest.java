package io.ferry.agent.runtime;

import static io.ferry.agent.runtime.SchedulerTest.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.uplink.FeedServer;
import io.ferry.uplink.UplinkStatus;
import io.ferry.uplink.tempodb.TempoServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reload with GroveStreams and TempoDB uplinks (issue 29): their plans hold only their own keys,
 * so adding, changing and removing instruments restarts neither (the same runner thread goes on,
 * its counters since start keep growing), and what they need to know about the new instrument
 * (GroveStreams stream and component metadata, TempoDB's series of a counter's readings) comes
 * from the channel catalog the reload swapped in. Real planner, scheduler, SQLite buffer and
 * uplinks against MockWebServer fakes of both APIs, on a manual clock.
 */
class ReloadCloudUplinksTest {
  static final Instant T0 = SchedulerTest.T0;

  @TempDir Path dir;
  final ManualClock clock = new ManualClock(T0);
  final MockWebServer gsServer = new MockWebServer();
  final MockWebServer tdbServer = new MockWebServer();
  /** GroveStreams' streams: created only by a PUT that carries their defaults, which are kept here. */
  final Map<String, JsonNode> created = new ConcurrentHashMap<>();
  FeedServer feed;
  final TempoServer tempo = new TempoServer((n, body) -> null);
  ReloadTestConfig config;
  Agent agent;

  @BeforeEach
  void servers() throws IOException {
    feed = new FeedServer(clock, (n, body) -> missingStreams(body));
    gsServer.setDispatcher(feed);
    gsServer.start(java.net.InetAddress.getLoopbackAddress(), 0);
    tdbServer.setDispatcher(tempo);
    tdbServer.start(java.net.InetAddress.getLoopbackAddress(), 0);
    Files.writeString(dir.resolve("gs.key"), "gs-key-0123456");
    Files.writeString(dir.resolve("tdb.key"), "tdb-key-012345");
    Files.writeString(dir.resolve("tdb.secret"), "tdb-secret-0123");
    config = new ReloadTestConfig(dir);
    config.write("agent.yaml", """
        gatewayId: test
        stateDir: %s
        buffer: {synchronous: full, commitInterval: 20ms, maxSize: 64MiB}
        uplinks:
          grove: {type: grovestreams, url: "http://127.0.0.1:%d", apiKey: "${file:%s}", minInterval: 0s}
          tempo: {type: tempodb, url: "http://127.0.0.1:%d", key: "${file:%s}", secret: "${file:%s}"}
        """.formatted(dir.resolve("state"), gsServer.getPort(), dir.resolve("gs.key"), tdbServer.getPort(),
        dir.resolve("tdb.key"), dir.resolve("tdb.secret")));
    instrument("a", "Kiln", "{name: level, unit: degC, wave: sine, period: 10s, amplitude: 1}");
    instrument("b", "Boiler", "{name: level, unit: bar, wave: sine, period: 10s, amplitude: 1}");
    instrument("c", "Press", "{name: level, unit: kN, wave: sine, period: 10s, amplitude: 1}");
  }

  @AfterEach
  void close() throws IOException {
    if (agent != null) {
      agent.close();
    }
    gsServer.close();
    tdbServer.close();
  }

  @Test
  void addingChangingAndRemovingInstrumentsRestartsNoCloudUplink() {
    agent = Agent.start(config.plan(), clock, clock);
    Reloader reloader = new Reloader(agent, config.config, config.planner());
    awaitTrue(() -> asleep("a") && asleep("b") && asleep("c"));
    for (int s = 0; s < 3; s++) {
      tick(s);
    }
    await().atMost(Duration.ofSeconds(20)).until(() -> stored("c/level") == 3 && tempo("c/level") == 3);
    Map<String, Thread> runners = Map.of("grove", runner("grove"), "tempo", runner("tempo"));
    Map<String, UplinkStatus> before = uplinks();

    instrument("d", "Dryer", "{name: level, unit: kPa, description: Drum pressure, wave: sine, period: 10s, amplitude: 1}",
        "{name: energy, kind: counter, bucket: 1m, wave: counter, rate: 2}");
    instrument("b", "Boiler", "{name: level, unit: mbar, wave: sine, period: 10s, amplitude: 5}");
    config.delete("instruments.d/c.yaml");
    ReloadOutcome outcome = reloader.reload();

    assertThat(outcome.line()).isEqualTo("reloaded: instruments: +d ~b -c 1 unchanged; uplinks: unchanged");
    awaitTrue(() -> asleep("a") && asleep("b") && asleep("d")); // the started ones wait for their next tick before the clock moves
    for (int s = 3; s < 6; s++) {
      tick(s);
    }
    long dPolls = stats("d").polls();
    assertThat(dPolls).isGreaterThanOrEqualTo(3);
    await().atMost(Duration.ofSeconds(20)).until(() -> stored("a/level") == 6 && tempo("a/level") == 6
        && stored("d/level") == dPolls && stored("d/energy") == dPolls
        && tempo("d/level") == dPolls && tempo("d/energy/raw") == dPolls);

    // Every record each uplink ever delivered is in its counters since start: a restarted runner would count from 0.
    long all = 6 + 6 + 3 + 2 * dPolls;
    for (String name : List.of("grove", "tempo")) {
      assertThat(runner(name)).as(name + " runs on the runner thread it had before the reload").isSameAs(runners.get(name));
      await().atMost(Duration.ofSeconds(20)).until(() -> uplinks().get(name).recordsDelivered() == all);
      assertThat(uplinks().get(name).calls()).isGreaterThan(before.get(name).calls());
    }
    // GroveStreams reported the new streams missing; they were sent again with the new instrument's metadata.
    assertThat(created.get("d/level").path("defaults").path("unitId").asText()).isEqualTo("kPa");
    assertThat(created.get("d/level").path("defaults").path("description").asText()).isEqualTo("Drum pressure");
    assertThat(created.get("d/level").path("component").asText()).as("the component's name").isEqualTo("Dryer");
    assertThat(created.get("a/level").path("defaults").path("unitId").asText()).isEqualTo("degC");
    // TempoDB: the counter's readings went to its raw series (its kind came from the catalog), not over its increments.
    assertThat(tempo.store).doesNotContainKey("d/energy");
    assertThat(stored("b/level")).isEqualTo(6);
    assertThat(tempo("b/level")).isEqualTo(6);
    assertThat(stored("c/level")).as("c's samples, all sent before it was removed").isEqualTo(3);
    assertThat(agent.status().refused()).isZero();
  }

  @Test
  void instrumentEditsLeaveTheGroveStreamsTempoDbAndMqttPlansEqual() {
    config.write("agent.yaml", config.read("agent.yaml") + "  broker: {type: mqtt, url: \"tcp://127.0.0.1:1883\"}\n");
    String routes = "uplinks: [grove, tempo]";
    for (String id : List.of("a", "b", "c")) {
      config.write("instruments.d/" + id + ".yaml", config.read("instruments.d/" + id + ".yaml")
          .replace(routes, "uplinks: [grove, tempo, broker]"));
    }
    var running = config.plan();
    instrument("d", "Dryer", "{name: level, unit: kPa, wave: sine, period: 10s, rollup: {every: 1m, stats: [min, max]}}");
    config.write("instruments.d/b.yaml", config.read("instruments.d/b.yaml").replace("unit: bar", "unit: mbar"));
    config.delete("instruments.d/c.yaml");
    for (String id : List.of("b", "d")) {
      config.write("instruments.d/" + id + ".yaml", config.read("instruments.d/" + id + ".yaml")
          .replace(routes, "uplinks: [grove, tempo, broker]"));
    }

    ReloadDiff diff = ReloadDiff.between(running, config.plan());

    assertThat(diff.summary()).isEqualTo("instruments: +d ~b -c 1 unchanged; uplinks: unchanged");
  }

  /**
   * GroveStreams' answer to a PUT: streams it does not have and that come without their defaults
   * are reported missing and not stored; streams with defaults are created (component name kept).
   */
  MockResponse missingStreams(JsonNode body) {
    Map<String, Set<String>> missing = new LinkedHashMap<>();
    feed.skipped.clear();
    for (JsonNode c : body.path("feed").path("component")) {
      String comp = c.path("componentId").asText();
      for (JsonNode s : c.path("stream")) {
        String key = comp + "/" + s.path("streamId").asText();
        if (s.has("defaults")) {
          created.put(key, s.deepCopy());
          ((com.fasterxml.jackson.databind.node.ObjectNode) created.get(key)).put("component",
              c.path("defaults").path("name").asText());
        } else if (!created.containsKey(key)) {
          missing.computeIfAbsent(comp, k -> new LinkedHashSet<>()).add(s.path("streamId").asText());
          feed.skipped.add(key);
        }
      }
    }
    if (missing.isEmpty()) {
      return null;
    }
    StringBuilder json = new StringBuilder("{\"success\":true,\"message\":\"\",\"missingStreams\":[");
    missing.forEach((comp, streams) -> json.append(json.charAt(json.length() - 1) == '[' ? "" : ",")
        .append("{\"componentId\":\"").append(comp).append("\",\"streamIds\":[\"")
        .append(String.join("\",\"", streams)).append("\"]}"));
    return new MockResponse.Builder().code(200).body(json.append("]}").toString()).build();
  }

  void instrument(String id, String description, String... channels) {
    config.write("instruments.d/" + id + ".yaml", """
        id: %s
        description: %s
        driver: simulated
        poll: 1s
        uplinks: [grove, tempo]
        channels:
        """.formatted(id, description) + String.join("", List.of(channels).stream().map(c -> "  - " + c + "\n").toList()));
  }

  /** Values GroveStreams stored for {@code component/stream}. */
  int stored(String key) {
    TreeMap<Long, JsonNode> s = feed.store.get(key);
    return s == null ? 0 : s.size();
  }

  /** Points TempoDB holds for series {@code key}. */
  int tempo(String key) {
    TreeMap<String, Double> s = tempo.store.get(key);
    return s == null ? 0 : s.size();
  }

  Map<String, UplinkStatus> uplinks() {
    Map<String, UplinkStatus> m = new LinkedHashMap<>();
    agent.status().uplinks().forEach(u -> m.put(u.name(), u));
    return m;
  }

  /** The uplink's runner thread (exactly one; the uplinks' names are this test's own). */
  static Thread runner(String uplink) {
    List<Thread> found = Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().equals("ferry-uplink-" + uplink)).toList();
    assertThat(found).hasSize(1);
    return found.get(0);
  }

  void tick(int second) {
    long at = io.ferry.core.MicroTime.micros(T0.plusSeconds(second));
    clock.set(T0.plusSeconds(second));
    awaitTrue(() -> agent.instrumentStats().stream()
        .allMatch(p -> p.lastPollMicros() >= at && !p.pollInFlight() && asleep(p.instrument())));
  }

  boolean asleep(String id) {
    return clock.sleeping().containsKey("ferry-tick-" + id);
  }

  PollStats stats(String id) {
    return agent.instrumentStats().stream().filter(p -> p.instrument().equals(id)).findFirst().orElseThrow();
  }
}
