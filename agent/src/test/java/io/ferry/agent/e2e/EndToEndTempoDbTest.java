package io.ferry.agent.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ferry.buffer.Buffer;
import io.ferry.config.ConfigContext;
import io.ferry.config.ConfigLoader;
import io.ferry.config.InstrumentConfig;
import io.ferry.config.Problems;
import io.ferry.core.Sample;
import io.ferry.core.testing.FakeClock;
import io.ferry.drivers.simulated.SimulatedDriverFactory;
import io.ferry.testsupport.web.Loopback;
import io.ferry.uplink.ChannelCatalog;
import io.ferry.uplink.UplinkContext;
import io.ferry.uplink.UplinkService;
import io.ferry.uplink.UplinkState;
import io.ferry.uplink.UplinkTesting;
import io.ferry.uplink.UplinkTesting.FakeSleeper;
import io.ferry.uplink.tempodb.TempoDbUplinkFactory;
import io.ferry.uplink.tempodb.TempoServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Simulated instrument (an event channel, a cumulative counter, a gauge) → real SQLite buffer →
 * TempoDB uplink → a TempoDB-like store that is down for the first five minutes of the injected
 * clock. The outage answers 503, 502 pages and 429: TempoDB (or its gateway) answered, so none of
 * them is ambiguous, and every increment must be counted exactly once per bucket, every reading
 * written once.
 */
class EndToEndTempoDbTest {
  static final int TICKS = 600;
  static final long MIN = 60_000_000L;
  static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

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
  void everyIncrementIsCountedExactlyOnceAfterAnOutage() throws Exception {
    Instant outageEnds = UplinkTesting.START.plus(Duration.ofMinutes(5));
    java.util.concurrent.atomic.AtomicInteger outageAnswers = new java.util.concurrent.atomic.AtomicInteger();
    TempoServer tempo = new TempoServer((n, body) -> {
      if (clock.instant().isBefore(outageEnds)) {
        outageAnswers.incrementAndGet();
        return switch (n % 3) {
          case 0 -> new MockResponse.Builder().code(503).body("down for maintenance").build();
          case 1 -> new MockResponse.Builder().code(502).body("<html>bad gateway</html>").build();
          default -> new MockResponse.Builder().code(429).build();
        };
      }
      return null;
    });
    server.setDispatcher(tempo);

    Path conf = dir.resolve("conf");
    Files.createDirectories(conf.resolve("instruments.d"));
    Files.writeString(dir.resolve("tdb.secret"), "e2e-secret-123");
    Files.writeString(dir.resolve("tdb.key"), "e2e-key-123456");
    Files.writeString(conf.resolve("agent.yaml"), String.join("\n", "gatewayId: gw-e2e", "stateDir: " + dir.resolve("state"),
        "uplinks:", "  tdb:", "    type: tempodb", "    url: http://127.0.0.1:" + server.getPort(),
        "    key: ${file:" + dir.resolve("tdb.key") + "}", "    secret: ${file:" + dir.resolve("tdb.secret") + "}", "    batchSize: 240",
        "    backoffMax: 2m", ""));
    Files.writeString(conf.resolve("instruments.d/line.yaml"), String.join("\n", "id: line", "driver: simulated", "poll: 1s",
        "uplinks: [tdb]", "channels:",
        "  - {name: parts, kind: event, bucket: 1m, wave: events, perTick: 0, maxPerTick: 3, seed: 5}",
        "  - {name: energy, kind: counter, bucket: 1m, wave: counter, rate: 2}",
        "  - {name: temp, unit: degC, wave: sine, amplitude: 5, offset: 60, period: 10m}", ""));
    Problems problems = new Problems();
    ConfigLoader.Loaded loaded = new ConfigLoader(ConfigContext.of(problems, Map.of()), Set.of("simulated"), Set.of("tempodb"))
        .load(conf);
    assertThat(problems.all()).isEmpty();
    InstrumentConfig ic = loaded.instruments().get(0);
    var driverPlan = new SimulatedDriverFactory().plan(ic).orElseThrow(() -> new AssertionError(problems.all()));
    var uplinkPlan = new TempoDbUplinkFactory().plan(loaded.agent().orElseThrow().uplinks().get("tdb"), loaded.agent().get(),
        List.of(ic.info())).orElseThrow(() -> new AssertionError(problems.all()));
    assertThat(problems.all()).isEmpty();

    Buffer buffer = UplinkTesting.buffer(dir, ic.info().channels(), clock);
    open.add(buffer);
    HandPolled kiln = HandPolled.open(ic, dir, Duration.ofMinutes(30));
    TreeMap<String, Double> partsPerBucket = new TreeMap<>();
    TreeMap<String, Double> energyPerBucket = new TreeMap<>();
    double previousEnergy = Double.NaN;
    List<Sample> firstHalf = kiln.poll(TICKS / 2);
    List<Sample> secondHalf = kiln.poll(TICKS / 2);
    for (Sample s : Stream.concat(firstHalf.stream(), secondHalf.stream()).toList()) {
      String bucket = TIME.format(Instant.ofEpochMilli(Math.floorDiv(s.timeMicros(), MIN) * MIN / 1000));
      if (s.channel().channel().equals("parts") && s.value() > 0) {
        partsPerBucket.merge(bucket, s.value(), Double::sum);
      } else if (s.channel().channel().equals("energy")) {
        if (!Double.isNaN(previousEnergy) && s.value() > previousEnergy) {
          energyPerBucket.merge(bucket, s.value() - previousEnergy, Double::sum);
        }
        previousEnergy = s.value();
      }
    }
    buffer.append(firstHalf).join();

    UplinkService uplink = new TempoDbUplinkFactory().open(uplinkPlan,
        new UplinkContext(buffer, clock, new OkHttpClient(), sleeper, new SplittableRandom(3))
            .withCatalog(ChannelCatalog.of(List.of(ic.info()))));
    open.add(uplink);
    uplink.start();
    await().atMost(Duration.ofSeconds(20)).until(() -> tempo.received.size() >= 3);
    assertThat(uplink.status().state()).isIn(UplinkState.BACKING_OFF, UplinkState.RUNNING);
    buffer.append(secondHalf).join(); // the instrument kept producing during the outage

    await().atMost(Duration.ofSeconds(30)).until(() -> {
      var b = buffer.stats().uplinks().get("tdb");
      return b.samples() + b.increments() == 0 && clock.instant().isAfter(outageEnds);
    });

    assertThat(partsPerBucket).isNotEmpty();
    assertThat(tempo.store.get("line/parts")).isEqualTo(partsPerBucket);
    assertThat(tempo.store.get("line/energy")).isEqualTo(energyPerBucket);
    assertThat(tempo.total("line/energy")).isEqualTo(2.0 * (TICKS - 1));
    assertThat(tempo.store.get("line/temp")).hasSize(TICKS);
    assertThat(tempo.store.get("line/parts/raw")).hasSize(TICKS);
    assertThat(tempo.store.get("line/energy/raw")).hasSize(TICKS);
    // The outage really happened; nothing was ambiguous, refused or left over.
    assertThat(outageAnswers.get()).isGreaterThanOrEqualTo(3);
    assertThat(tempo.received.get(0).request().getHeaders().get("Authorization")).startsWith("Basic ");
    assertThat(uplink.status().notes()).isEmpty();
    assertThat(uplink.status().rejected()).isZero();
    assertThat(buffer.stats().droppedFor("rejected")).isZero();
    assertThat(uplink.status().state()).isEqualTo(UplinkState.RUNNING);
  }
}
