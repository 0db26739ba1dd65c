package io.ferry.agent.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ferry.buffer.Buffer;
import io.ferry.config.AgentConfig;
import io.ferry.config.ConfigContext;
import io.ferry.config.ConfigLoader;
import io.ferry.config.InstrumentConfig;
import io.ferry.config.Problems;
import io.ferry.core.testing.FakeClock;
import io.ferry.uplink.UplinkContext;
import io.ferry.uplink.UplinkPlan;
import io.ferry.uplink.UplinkService;
import io.ferry.uplink.UplinkTesting;
import io.ferry.uplink.UplinkTesting.FakeSleeper;
import io.ferry.uplink.jsonl.JsonlUplinkFactory;
import io.ferry.testsupport.mqtt.Broker;
import io.ferry.uplink.sparkplug.SparkplugHost;
import io.ferry.uplink.sparkplug.SparkplugUplinkFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Simulated instrument → real SQLite buffer → two uplinks, {@code sparkplug} to an embedded HiveMQ CE
 * and {@code jsonl} as the archive of the same run. The primary host goes offline in the middle of
 * the drain while the instrument keeps producing, and comes back; then the broker itself stops and
 * starts again on the same port (nothing persisted) while the instrument keeps producing. The host's
 * reconstruction (per device, metric and time) must equal the archive.
 */
class EndToEndSparkplugTest {
  static final int TICKS = 300;
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
  void theHostsViewEqualsTheArchiveThroughAHostOfflinePeriodAndABrokerRestart() throws Exception {
    SparkplugHost host = new SparkplugHost(broker.url(), "plant", "scada");
    open.add(host);
    host.state(true, 1);
    Path conf = dir.resolve("conf");
    Files.createDirectories(conf.resolve("instruments.d"));
    Files.writeString(conf.resolve("agent.yaml"), String.join("\n", "gatewayId: gw-e2e", "stateDir: " + dir.resolve("state"),
        "uplinks:",
        "  scada:", "    type: sparkplug", "    url: " + broker.url(), "    group: plant", "    primaryHostId: scada",
        "    batchSize: 120", "    maxMetrics: 40", "    timeout: 2s", "    backoffInitial: 50ms", "    backoffMax: 500ms",
        "  archive:", "    type: jsonl", "    path: archive.jsonl", ""));
    Files.writeString(conf.resolve("instruments.d/kiln.yaml"), String.join("\n", "id: kiln", "driver: simulated", "poll: 1s",
        "uplinks: [scada, archive]", "channels:", "  - {name: temp, unit: degC, wave: sine, amplitude: 50, offset: 900, period: 10m}",
        "  - {name: fan, wave: ramp, slope: 2, max: 100}", "  - {name: draft, wave: random-walk, seed: 7}", ""));
    Problems problems = new Problems();
    ConfigLoader.Loaded loaded = new ConfigLoader(ConfigContext.of(problems, Map.of()), Set.of("simulated"),
        Set.of("sparkplug", "jsonl")).load(conf);
    InstrumentConfig ic = loaded.instruments().get(0);
    AgentConfig agent = loaded.agent().orElseThrow(() -> new AssertionError(problems.all()));
    UplinkPlan scadaPlan = new SparkplugUplinkFactory().plan(agent.uplinks().get("scada"), agent, List.of(ic.info()))
        .orElseThrow(() -> new AssertionError(problems.all()));
    UplinkPlan archivePlan = new JsonlUplinkFactory().plan(agent.uplinks().get("archive"), agent, List.of(ic.info()))
        .orElseThrow(() -> new AssertionError(problems.all()));
    assertThat(problems.all()).isEmpty();

    Buffer buffer = UplinkTesting.buffer(dir, ic.info().channels(), clock);
    open.add(buffer);
    HandPolled kiln = HandPolled.open(ic, dir, Duration.ofMinutes(20));
    buffer.append(kiln.poll(TICKS / 3)).join();
    UplinkContext ctx = new UplinkContext(buffer, clock, new OkHttpClient(), sleeper, new SplittableRandom(3));
    UplinkService archive = new JsonlUplinkFactory().open(archivePlan, ctx);
    open.add(archive);
    archive.start();
    UplinkService scada = new SparkplugUplinkFactory().open(scadaPlan, ctx);
    open.add(scada);
    scada.start();
    await().atMost(Duration.ofSeconds(20)).until(() -> scada.status().recordsDelivered() >= 120);

    host.state(false, 2); // the SCADA host goes away mid-drain
    await().atMost(Duration.ofSeconds(20)).until(() -> host.ofType("NDEATH").size() == 1);
    buffer.append(kiln.poll(TICKS / 3)).join(); // the instrument keeps producing
    await().atMost(Duration.ofSeconds(20)).until(() -> String.valueOf(scada.status().lastError().orElse("")).contains("not online"));
    assertThat(buffer.stats().uplinks().get("scada").samples()).isGreaterThanOrEqualTo(3L * TICKS / 3);
    host.state(true, 3);
    buffer.append(kiln.poll(TICKS / 3)).join();
    await().atMost(Duration.ofSeconds(60)).until(() -> buffer.stats().uplinks().get("scada").samples() == 0
        && buffer.stats().uplinks().get("archive").samples() == 0);
    await().atMost(Duration.ofSeconds(10)).until(() -> host.values.stream()
        .map(v -> v.metric() + "@" + v.timeMillis()).distinct().count() == 3L * TICKS);

    // The broker restarts with nothing persisted, the instrument keeps producing meanwhile: the node
    // reconnects with the next bdSeq, births again once the host is back, and the samples follow.
    int beforeRestart = host.values.size();
    long bdSeqBefore = host.ofType("NBIRTH").get(1).bdSeq();
    broker.stop();
    buffer.append(kiln.poll(TICKS / 3)).join();
    await().atMost(Duration.ofSeconds(20)).until(() -> scada.status().state() == io.ferry.uplink.UplinkState.BACKING_OFF);
    assertThat(buffer.stats().uplinks().get("scada").samples()).isEqualTo(TICKS);
    broker.start();
    host.reconnect();
    host.state(true, 4); // a host publishes its STATE again when it connects
    await().atMost(Duration.ofSeconds(60)).until(() -> buffer.stats().uplinks().get("scada").samples() == 0
        && buffer.stats().uplinks().get("archive").samples() == 0);
    await().atMost(Duration.ofSeconds(10)).until(() -> host.values.stream()
        .map(v -> v.metric() + "@" + v.timeMillis()).distinct().count() == 4L * TICKS);
    assertThat(host.ofType("NBIRTH")).hasSize(3);
    long bdSeqAfter = host.ofType("NBIRTH").get(2).bdSeq();
    assertThat(bdSeqAfter).isNotEqualTo(bdSeqBefore); // one more per CONNECT, failed ones included
    assertThat(buffer.uplinkState("scada").get("sparkplug.bdSeq")).contains(Long.toString(bdSeqAfter));
    List<String> types = host.types();
    int rebirth = types.lastIndexOf("NBIRTH");
    assertThat(types.subList(rebirth, rebirth + 2)).containsExactly("NBIRTH", "DBIRTH");
    assertThat(types.subList(rebirth + 2, types.size())).containsOnly("DDATA");
    // The broker stopped while nothing was in flight: what was published after it came back is each
    // sample once, none of them one the host had seen before.
    List<SparkplugHost.Value> afterRestart = List.copyOf(host.values).subList(beforeRestart, host.values.size());
    Set<String> earlier = new java.util.HashSet<>();
    List.copyOf(host.values).subList(0, beforeRestart).forEach(v -> earlier.add(v.metric() + "@" + v.timeMillis()));
    assertThat(afterRestart).hasSize(TICKS).allSatisfy(v -> {
      assertThat(earlier).doesNotContain(v.metric() + "@" + v.timeMillis());
      assertThat(v.historical()).isTrue(); // taken before the session's NBIRTH
    });
    assertThat(afterRestart.stream().map(v -> v.metric() + "@" + v.timeMillis()).distinct()).hasSize(TICKS);

    Map<String, Object> archived = new HashMap<>();
    for (String line : Files.readAllLines(dir.resolve("state").resolve("archive.jsonl"))) {
      JsonNode n = JSON.readTree(line);
      long millis = Instant.parse(n.get("time").asText()).toEpochMilli();
      archived.put(n.get("instrument").asText() + "/" + n.get("channel").asText() + "@" + millis, n.get("value").asDouble());
    }
    Map<String, Object> seen = new HashMap<>();
    for (SparkplugHost.Value v : List.copyOf(host.values)) {
      Object before = seen.put(v.device() + "/" + v.metric() + "@" + v.timeMillis(), v.value());
      assertThat(before == null || before.equals(v.value())).as("a value sent twice is the same value: %s", v).isTrue();
    }
    assertThat(seen).hasSize(4 * TICKS).isEqualTo(archived);
    assertThat(host.errors).isEmpty();
  }
}
