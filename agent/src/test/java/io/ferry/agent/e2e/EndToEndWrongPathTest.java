package io.ferry.agent.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ferry.buffer.Buffer;
import io.ferry.config.AgentConfig;
import io.ferry.config.ConfigContext;
import io.ferry.config.ConfigLoader;
import io.ferry.config.InstrumentConfig;
import io.ferry.config.Problems;
import io.ferry.core.Sample;
import io.ferry.core.testing.FakeClock;
import io.ferry.testsupport.web.Loopback;
import io.ferry.uplink.FeedServer;
import io.ferry.uplink.UplinkContext;
import io.ferry.uplink.UplinkPlan;
import io.ferry.uplink.UplinkService;
import io.ferry.uplink.UplinkState;
import io.ferry.uplink.UplinkTesting.FakeSleeper;
import io.ferry.uplink.UplinkTesting;
import io.ferry.uplink.grovestreams.GroveStreamsUplinkFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17 end to end: simulated instrument → real SQLite buffer → a GroveStreams uplink whose
 * {@code url} has a wrong path (the web server answers its HTML 404 page) while the instrument keeps
 * producing; the operator fixes {@code url} and restarts. Nothing is dead-lettered and the API
 * receives every sample.
 */
class EndToEndWrongPathTest {
  static final int TICKS = 300;

  @TempDir Path dir;
  final FakeClock clock = new FakeClock(UplinkTesting.START);
  final FakeSleeper sleeper = new FakeSleeper(clock);
  @Loopback final MockWebServer server = new MockWebServer();
  final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    UplinkTesting.closeAll(open);
  }

  @Test
  void aWrongPathPausesTheUplinkAndEverySampleArrivesOnceTheUrlIsFixed() throws Exception {
    FeedServer feed = new FeedServer(clock, (n, body) -> null);
    List<String> wrongPaths = java.util.Collections.synchronizedList(new ArrayList<>());
    server.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest r) throws InterruptedException {
        if (!r.getUrl().encodedPath().equals("/api/feed")) {
          wrongPaths.add(r.getUrl().encodedPath());
          return new MockResponse.Builder().code(404).addHeader("Content-Type", "text/html")
              .body("<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1></body></html>").build();
        }
        return feed.dispatch(r);
      }
    });

    Path conf = dir.resolve("conf");
    Files.createDirectories(conf.resolve("instruments.d"));
    Files.writeString(dir.resolve("gs.key"), "e2e-key-01");
    Files.writeString(conf.resolve("instruments.d/kiln.yaml"), String.join("\n", "id: kiln", "driver: simulated", "poll: 1s",
        "uplinks: [gs]", "channels:", "  - {name: temp, unit: degC, wave: sine, amplitude: 50, offset: 900, period: 10m}",
        "  - {name: fan, wave: ramp, slope: 2, max: 100}", ""));
    String base = "http://127.0.0.1:" + server.getPort();

    writeAgent(conf, base + "/grovestreams"); // the typo: a path the server does not have
    Loaded first = load(conf);
    Buffer buffer = UplinkTesting.buffer(dir, first.instrument().info().channels(), clock);
    open.add(buffer);
    HandPolled kiln = HandPolled.open(first.instrument(), dir, Duration.ofMinutes(20));
    Map<String, TreeMap<Long, Double>> produced = new HashMap<>();
    buffer.append(poll(kiln, TICKS / 2, produced)).join();

    UplinkService wrong = open(first.plan(), buffer);
    await().atMost(Duration.ofSeconds(20)).until(() -> wrongPaths.size() >= 3);
    assertThat(wrong.status().state()).isEqualTo(UplinkState.PAUSED_CONFIG);
    assertThat(wrong.status().lastError()).hasValueSatisfying(e -> assertThat(e).contains("HTTP 404 not found, an HTML page"));
    buffer.append(poll(kiln, TICKS / 2, produced)).join(); // the instrument keeps producing
    wrong.close();
    assertThat(wrong.status().rejected()).isZero();
    assertThat(buffer.stats().droppedFor("rejected")).isZero();
    assertThat(feed.received).isEmpty();

    writeAgent(conf, base); // the operator fixes url and restarts the uplink
    UplinkService right = open(load(conf).plan(), buffer);
    await().atMost(Duration.ofSeconds(30)).until(() -> right.status().recordsDelivered() == 2L * TICKS);

    assertThat(buffer.stats().droppedFor("rejected")).isZero();
    assertThat(right.status().rejected()).isZero();
    assertThat(feed.store.keySet()).containsExactlyInAnyOrder("kiln/temp", "kiln/fan");
    for (String stream : feed.store.keySet()) {
      TreeMap<Long, com.fasterxml.jackson.databind.JsonNode> stored = feed.store.get(stream);
      assertThat(stored).as(stream).hasSize(TICKS);
      produced.get(stream).forEach((t, v) -> assertThat(stored.get(t).asDouble()).as(stream + "@" + t).isEqualTo(v));
    }
    assertThat(buffer.stats().uplinks().get("gs").samples()).isZero();
    assertThat(wrongPaths).allMatch(p -> p.equals("/grovestreams/api/feed"));
  }

  record Loaded(InstrumentConfig instrument, UplinkPlan plan) {}

  private static void writeAgent(Path conf, String url) throws Exception {
    Files.writeString(conf.resolve("agent.yaml"), String.join("\n", "gatewayId: gw-e2e", "stateDir: " + conf.getParent().resolve("state"),
        "uplinks:", "  gs:", "    type: grovestreams", "    url: " + url,
        "    apiKey: ${file:" + conf.getParent().resolve("gs.key") + "}", "    batchSize: 240", "    configRetry: 30s", ""));
  }

  private static Loaded load(Path conf) {
    Problems problems = new Problems();
    ConfigLoader.Loaded loaded = new ConfigLoader(ConfigContext.of(problems, Map.of()), Set.of("simulated"), Set.of("grovestreams")).load(conf);
    InstrumentConfig ic = loaded.instruments().get(0);
    AgentConfig agent = loaded.agent().orElseThrow();
    UplinkPlan plan = new GroveStreamsUplinkFactory().plan(agent.uplinks().get("gs"), agent, List.of(ic.info())).orElseThrow();
    assertThat(problems.all()).isEmpty();
    return new Loaded(ic, plan);
  }

  private UplinkService open(UplinkPlan plan, Buffer buffer) {
    UplinkService s = new GroveStreamsUplinkFactory().open(plan,
        new UplinkContext(buffer, clock, new OkHttpClient(), sleeper, new SplittableRandom(3)));
    open.add(s);
    s.start();
    return s;
  }

  private static List<Sample> poll(HandPolled kiln, int ticks, Map<String, TreeMap<Long, Double>> produced) throws Exception {
    List<Sample> out = kiln.poll(ticks);
    for (Sample s : out) {
      produced.computeIfAbsent("kiln/" + s.channel().channel(), k -> new TreeMap<>()).put(s.timeMicros() / 1000, s.value());
    }
    return out;
  }

}
