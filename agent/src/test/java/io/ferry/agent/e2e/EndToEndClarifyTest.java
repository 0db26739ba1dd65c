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
import io.ferry.uplink.UplinkContext;
import io.ferry.uplink.UplinkPlan;
import io.ferry.uplink.UplinkService;
import io.ferry.uplink.UplinkState;
import io.ferry.uplink.UplinkTesting.FakeSleeper;
import io.ferry.uplink.UplinkTesting;
import io.ferry.uplink.clarify.ClarifyServer;
import io.ferry.uplink.clarify.ClarifyUplinkFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.stream.Stream;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.SocketEffect;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Simulated instrument → real SQLite buffer → Clarify uplink (OAuth) → a local Clarify-like API that
 * is out for the first five minutes of the injected clock (503, dropped connections, -32015 "try
 * again", a 504 gateway page), then applies an insert and drops its answer. Every sample must be
 * stored at its time under its input key, nothing dead-lettered, at most 1 request/s throughout.
 */
class EndToEndClarifyTest {
  static final int TICKS = 600;

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
  void everySampleIsStoredAfterAnOutage() throws Exception {
    Instant outageEnds = UplinkTesting.START.plus(Duration.ofMinutes(5));
    int[] inserts = {0};
    ClarifyServer api = new ClarifyServer(clock, (n, r) -> {
      if (r.path().endsWith("/oauth/token") || r.method().equals("integration.saveSignals")) {
        return null;
      }
      if (clock.instant().isBefore(outageEnds)) {
        return switch (n % 4) {
          case 0 -> new MockResponse.Builder().code(503).body("down for maintenance").build();
          case 1 -> new MockResponse.Builder().code(200).onRequestStart(SocketEffect.ShutdownConnection.INSTANCE).build();
          case 2 -> ClarifyServer.rpcError(-32015, "Try again", "{\"trace\":\"e2e\"}");
          default -> new MockResponse.Builder().code(504).body("<html>504 Gateway Time-out</html>").build();
        };
      }
      return null;
    });
    server.setDispatcher(new mockwebserver3.Dispatcher() {
      @Override
      public MockResponse dispatch(mockwebserver3.RecordedRequest request) throws InterruptedException {
        MockResponse answer = api.dispatch(request);
        // Back from the outage: the second insert is applied, then its answer is lost.
        boolean insert = request.getUrl().encodedPath().equals("/v1/rpc") && answer.getCode() == 200
            && !clock.instant().isBefore(outageEnds) && request.getBody().utf8().contains("integration.insert");
        if (insert && inserts[0]++ == 1) {
          return answer.newBuilder().onResponseStart(SocketEffect.ShutdownConnection.INSTANCE).build();
        }
        return answer;
      }
    });

    Path conf = dir.resolve("conf");
    Files.createDirectories(conf.resolve("instruments.d"));
    Files.writeString(dir.resolve("secret"), "e2e-client-secret");
    Files.writeString(conf.resolve("agent.yaml"), String.join("\n", "gatewayId: gw-e2e", "stateDir: " + dir.resolve("state"),
        "uplinks:", "  clarify:", "    type: clarify", "    url: http://127.0.0.1:" + server.getPort(),
        "    integration: c0123456789abcdefghi", "    clientId: e2e", "    clientSecret: ${file:" + dir.resolve("secret") + "}",
        "    batchSize: 500", "    backoffMax: 2m", ""));
    Files.writeString(conf.resolve("instruments.d/kiln.yaml"), String.join("\n", "id: kiln", "driver: simulated", "poll: 1s",
        "uplinks: [clarify]", "channels:", "  - {name: temp, unit: degC, wave: sine, amplitude: 50, offset: 900, period: 10m}",
        "  - {name: fan, wave: ramp, slope: 2, max: 100}", "  - {name: draft, wave: random-walk, seed: 7}", ""));
    Problems problems = new Problems();
    ConfigLoader.Loaded loaded = new ConfigLoader(ConfigContext.of(problems, Map.of()), Set.of("simulated"), Set.of("clarify")).load(conf);
    InstrumentConfig ic = loaded.instruments().get(0);
    AgentConfig agent = loaded.agent().orElseThrow();
    UplinkPlan plan = new ClarifyUplinkFactory().plan(agent.uplinks().get("clarify"), agent, List.of(ic.info())).orElseThrow();
    assertThat(problems.all()).isEmpty();
    assertThat(problems.warnings()).as("raw samples every second are faster than Clarify advises").hasSize(1);

    Buffer buffer = UplinkTesting.buffer(dir, ic.info().channels(), clock);
    open.add(buffer);
    HandPolled kiln = HandPolled.open(ic, dir, Duration.ofMinutes(20));
    Map<String, TreeMap<Long, Double>> produced = new HashMap<>();
    List<Sample> firstHalf = kiln.poll(TICKS / 2);
    List<Sample> secondHalf = kiln.poll(TICKS / 2);
    for (Sample s : Stream.concat(firstHalf.stream(), secondHalf.stream()).toList()) {
      produced.computeIfAbsent("kiln." + s.channel().channel(), k -> new TreeMap<>()).put(s.timeMicros(), s.value());
    }
    buffer.append(firstHalf).join();

    UplinkService uplink = new ClarifyUplinkFactory().open(plan,
        new UplinkContext(buffer, clock, new OkHttpClient(), sleeper, new SplittableRandom(5)));
    open.add(uplink);
    uplink.start();
    await().atMost(Duration.ofSeconds(20)).until(() -> api.rpcCalls().size() >= 4);
    assertThat(uplink.status().state()).isIn(UplinkState.BACKING_OFF, UplinkState.RUNNING);
    buffer.append(secondHalf).join(); // the instrument kept producing during the outage

    await().atMost(Duration.ofSeconds(60)).until(() -> uplink.status().recordsDelivered() == 3L * TICKS);

    assertThat(uplink.status().rejected()).isZero();
    assertThat(buffer.stats().droppedFor("rejected")).isZero();
    assertThat(api.store.keySet()).containsExactlyInAnyOrder("kiln.temp", "kiln.fan", "kiln.draft");
    for (String key : api.store.keySet()) {
      TreeMap<String, com.fasterxml.jackson.databind.JsonNode> stored = api.store.get(key);
      assertThat(stored).as(key).hasSize(TICKS);
      produced.get(key).forEach((t, v) ->
          assertThat(stored.get(io.ferry.uplink.Rfc3339.micros(t)).asDouble()).as(key + "@" + t).isEqualTo(v));
    }
    assertThat(api.saved).hasSize(1);
    assertThat(api.received.get(0).at()).isBefore(outageEnds);
    for (int i = 1; i < api.received.size(); i++) {
      assertThat(Duration.between(api.received.get(i - 1).at(), api.received.get(i).at())).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
    }
    // One insert was applied twice (its answer lost): the resend wrote the same values at the same places.
    assertThat(api.valuesWritten.get()).isGreaterThan(3 * TICKS);
    assertThat(uplink.status().state()).isEqualTo(UplinkState.RUNNING);
    assertThat(buffer.stats().uplinks().get("clarify").samples()).isZero();
  }
}
