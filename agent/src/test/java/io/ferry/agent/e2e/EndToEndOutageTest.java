package io.ferry.agent.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ferry.buffer.Buffer;
import io.ferry.config.ConfigContext;
import io.ferry.config.ConfigLoader;
import io.ferry.config.InstrumentConfig;
import io.ferry.config.InstrumentInfo;
import io.ferry.config.Problems;
import io.ferry.core.Sample;
import io.ferry.core.testing.FakeClock;
import io.ferry.drivers.simulated.SimulatedDriverFactory;
import io.ferry.testsupport.web.Loopback;
import io.ferry.uplink.ChannelCatalog;
import io.ferry.uplink.FeedServer;
import io.ferry.uplink.UplinkContext;
import io.ferry.uplink.UplinkService;
import io.ferry.uplink.UplinkState;
import io.ferry.uplink.UplinkTesting.FakeSleeper;
import io.ferry.uplink.UplinkTesting;
import io.ferry.uplink.grovestreams.GroveStreamsUplinkFactory;
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
 * Simulated instrument → real SQLite buffer → GroveStreams uplink → a local feed store that is
 * down for the first five minutes (of the injected clock: 503s, resets, garbage) and then drops
 * one connection after applying a PUT. Every sample must be stored exactly once, in time order
 * per stream.
 */
class EndToEndOutageTest {
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
  void everySampleArrivesExactlyOnceInTimeOrderAfterAnOutage() throws Exception {
    Instant outageEnds = UplinkTesting.START.plus(Duration.ofMinutes(5));
    int[] afterOutage = {0};
    FeedServer feed = new FeedServer(clock, (n, body) -> {
      if (clock.instant().isBefore(outageEnds)) {
        return switch (n % 3) {
          case 0 -> new MockResponse.Builder().code(503).body("down for maintenance").build();
          case 1 -> new MockResponse.Builder().code(503).onRequestStart(SocketEffect.ShutdownConnection.INSTANCE).build();
          default -> new MockResponse.Builder().code(502).body("<html>bad gateway</html>").build();
        };
      }
      // Back: the second PUT after the outage is applied, then its connection drops.
      return afterOutage[0]++ == 1
          ? new MockResponse.Builder().code(200).body("{\"success\":true}").onResponseStart(SocketEffect.ShutdownConnection.INSTANCE).build()
          : null;
    });
    server.setDispatcher(feed);

    Path conf = dir.resolve("conf");
    Files.createDirectories(conf.resolve("instruments.d"));
    Files.writeString(dir.resolve("gs.key"), "e2e-key-1");
    Files.writeString(conf.resolve("agent.yaml"), String.join("\n", "gatewayId: gw-e2e", "stateDir: " + dir.resolve("state"),
        "uplinks:", "  gs:", "    type: grovestreams", "    url: http://127.0.0.1:" + server.getPort(),
        "    apiKey: ${file:" + dir.resolve("gs.key") + "}", "    batchSize: 240", "    backoffMax: 2m", ""));
    Files.writeString(conf.resolve("instruments.d/kiln.yaml"), String.join("\n", "id: kiln", "driver: simulated", "poll: 1s",
        "uplinks: [gs]", "channels:", "  - {name: temp, unit: degC, wave: sine, amplitude: 50, offset: 900, period: 10m}",
        "  - {name: fan, wave: ramp, slope: 2, max: 100}", "  - {name: draft, wave: random-walk, seed: 7}", ""));
    Problems problems = new Problems();
    ConfigContext ctx = ConfigContext.of(problems, Map.of());
    ConfigLoader.Loaded loaded = new ConfigLoader(ctx, Set.of("simulated"), Set.of("grovestreams")).load(conf);
    InstrumentConfig ic = loaded.instruments().get(0);
    var driverPlan = new SimulatedDriverFactory().plan(ic).orElseThrow();
    List<InstrumentInfo> infos = List.of(ic.info());
    var uplinkPlan = new GroveStreamsUplinkFactory().plan(loaded.agent().orElseThrow().uplinks().get("gs"), loaded.agent().get(), infos)
        .orElseThrow();
    assertThat(problems.all()).isEmpty();

    Buffer buffer = UplinkTesting.buffer(dir, ic.info().channels(), clock);
    open.add(buffer);
    // The instrument's own clock steps one second per poll; the uplink's clock moves with its waits.
    HandPolled kiln = HandPolled.open(ic, dir, Duration.ofMinutes(20));
    Map<String, TreeMap<Long, Double>> produced = new HashMap<>();
    List<Sample> firstHalf = kiln.poll(TICKS / 2);
    List<Sample> secondHalf = kiln.poll(TICKS / 2);
    for (Sample s : Stream.concat(firstHalf.stream(), secondHalf.stream()).toList()) {
      produced.computeIfAbsent("kiln/" + s.channel().channel(), k -> new TreeMap<>()).put(s.timeMicros() / 1000, s.value());
    }
    buffer.append(firstHalf).join();

    UplinkService uplink = new GroveStreamsUplinkFactory().open(uplinkPlan,
        new UplinkContext(buffer, clock, new OkHttpClient(), sleeper, new SplittableRandom(3))
            .withCatalog(ChannelCatalog.of(List.of(ic.info()))));
    open.add(uplink);
    uplink.start();
    await().atMost(Duration.ofSeconds(20)).until(() -> feed.received.size() >= 3);
    assertThat(uplink.status().state()).isIn(UplinkState.BACKING_OFF, UplinkState.RUNNING);
    buffer.append(secondHalf).join(); // the instrument kept producing during the outage

    await().atMost(Duration.ofSeconds(30)).until(() -> uplink.status().recordsDelivered() == 3L * TICKS);

    assertThat(feed.store.keySet()).containsExactlyInAnyOrder("kiln/temp", "kiln/fan", "kiln/draft");
    for (String stream : feed.store.keySet()) {
      TreeMap<Long, com.fasterxml.jackson.databind.JsonNode> stored = feed.store.get(stream);
      assertThat(stored).as(stream).hasSize(TICKS);
      produced.get(stream).forEach((t, v) -> assertThat(stored.get(t).asDouble()).as(stream + "@" + t).isEqualTo(v));
      List<Long> arrivals = feed.firstArrivals.get(stream);
      assertThat(arrivals).as("first arrivals of " + stream).hasSize(TICKS).isSorted();
    }
    // The outage really happened, and one PUT really was delivered twice (applied, answer lost).
    assertThat(feed.received.get(0).at()).isBefore(outageEnds);
    long valuesReceived = feed.received.stream().filter(r -> !r.at().isBefore(outageEnds))
        .mapToLong(r -> r.body().findValues("data").stream().mapToLong(d -> d.size()).sum()).sum();
    assertThat(valuesReceived).isGreaterThan(3L * TICKS);
    assertThat(uplink.status().state()).isEqualTo(UplinkState.RUNNING);
    assertThat(buffer.stats().uplinks().get("gs").samples()).isZero();
  }
}
