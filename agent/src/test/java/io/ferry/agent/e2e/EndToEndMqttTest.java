package io.ferry.agent.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ferry.buffer.Buffer;
import io.ferry.config.ConfigContext;
import io.ferry.config.ConfigLoader;
import io.ferry.config.InstrumentConfig;
import io.ferry.config.Problems;
import io.ferry.core.Sample;
import io.ferry.core.testing.FakeClock;
import io.ferry.drivers.simulated.SimulatedDriverFactory;
import io.ferry.uplink.Rfc3339;
import io.ferry.uplink.UplinkContext;
import io.ferry.uplink.UplinkService;
import io.ferry.uplink.UplinkState;
import io.ferry.uplink.UplinkTesting;
import io.ferry.uplink.UplinkTesting.FakeSleeper;
import io.ferry.testsupport.mqtt.Broker;
import io.ferry.uplink.mqtt.MqttUplinkFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.stream.Stream;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Simulated instrument → real SQLite buffer → MQTT uplink → embedded HiveMQ CE, which is stopped
 * in the middle of the drain and started again while the instrument keeps producing. Every sample
 * must reach the broker with its value (at least once: a PUBACK lost with the broker may repeat a
 * message, never drop one).
 */
class EndToEndMqttTest {
  static final int TICKS = 600;
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  final FakeClock clock = new FakeClock(UplinkTesting.START);
  final FakeSleeper sleeper = new FakeSleeper(clock);
  final List<AutoCloseable> open = new ArrayList<>();
  @RegisterExtension final Broker broker = Broker.perTest();

  @AfterEach
  void closeAll() throws Exception {
    UplinkTesting.closeAll(open);
  }

  @Test
  void everySampleReachesTheBrokerThroughABrokerRestart() throws Exception {
    Path conf = dir.resolve("conf");
    Files.createDirectories(conf.resolve("instruments.d"));
    Files.writeString(conf.resolve("agent.yaml"), String.join("\n", "gatewayId: gw-e2e", "stateDir: " + dir.resolve("state"),
        "uplinks:", "  fleet:", "    type: mqtt", "    url: " + broker.url(), "    batchSize: 120",
        "    backoffInitial: 50ms", "    backoffMax: 500ms", ""));
    Files.writeString(conf.resolve("instruments.d/kiln.yaml"), String.join("\n", "id: kiln", "driver: simulated", "poll: 1s",
        "uplinks: [fleet]", "channels:", "  - {name: temp, unit: degC, wave: sine, amplitude: 50, offset: 900, period: 10m}",
        "  - {name: fan, wave: ramp, slope: 2, max: 100}", "  - {name: draft, wave: random-walk, seed: 7}", ""));
    Problems problems = new Problems();
    ConfigLoader.Loaded loaded = new ConfigLoader(ConfigContext.of(problems, Map.of()), Set.of("simulated"), Set.of("mqtt"))
        .load(conf);
    InstrumentConfig ic = loaded.instruments().get(0);
    var driverPlan = new SimulatedDriverFactory().plan(ic).orElseThrow(() -> new AssertionError(problems.all()));
    var uplinkPlan = new MqttUplinkFactory().plan(loaded.agent().orElseThrow().uplinks().get("fleet"), loaded.agent().get(),
        List.of(ic.info())).orElseThrow(() -> new AssertionError(problems.all()));
    assertThat(problems.all()).isEmpty();

    Buffer buffer = UplinkTesting.buffer(dir, ic.info().channels(), clock);
    open.add(buffer);
    HandPolled kiln = HandPolled.open(ic, dir, Duration.ofMinutes(20));
    Map<String, Double> produced = new HashMap<>();
    List<Sample> firstHalf = kiln.poll(TICKS / 2);
    List<Sample> secondHalf = kiln.poll(TICKS / 2);
    for (Sample s : Stream.concat(firstHalf.stream(), secondHalf.stream()).toList()) {
      produced.put(s.channel().channel() + "@" + Rfc3339.micros(s.timeMicros()), s.value());
    }
    buffer.append(firstHalf).join();

    UplinkService uplink = new MqttUplinkFactory().open(uplinkPlan,
        new UplinkContext(buffer, clock, new OkHttpClient(), sleeper, new SplittableRandom(3)));
    open.add(uplink);
    uplink.start();
    await().atMost(Duration.ofSeconds(20)).until(() -> uplink.status().recordsDelivered() >= 120);
    broker.stop(); // the broker goes away mid-drain
    buffer.append(secondHalf).join(); // the instrument keeps producing
    await().atMost(Duration.ofSeconds(20)).until(() -> uplink.status().state() == UplinkState.BACKING_OFF);
    long deliveredBeforeRestart = uplink.status().recordsDelivered();
    broker.start();
    await().atMost(Duration.ofSeconds(60)).until(() -> buffer.stats().uplinks().get("fleet").samples() == 0);

    assertThat(deliveredBeforeRestart).isLessThan(3L * TICKS);
    Map<String, Double> received = new HashMap<>();
    for (String payload : broker.data("ferry/gw-e2e/status")) {
      JsonNode root = JSON.readTree(payload);
      root.fields().forEachRemaining(e -> e.getValue().forEach(pair -> received.put(e.getKey() + "@" + pair.get(0).asText(),
          pair.get(1).asDouble())));
    }
    assertThat(received).hasSize(3 * TICKS).isEqualTo(produced);
    assertThat(uplink.status().rejected()).isZero();
    assertThat(uplink.status().state()).isEqualTo(UplinkState.RUNNING);
  }
}
