package io.ferry.uplink.atomscale;

import static io.ferry.uplink.UplinkTesting.T0;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.buffer.Buffer;
import io.ferry.config.InstrumentInfo;
import io.ferry.config.Problems;
import io.ferry.core.ChannelSpec;
import io.ferry.core.Sample;
import io.ferry.core.testing.FakeClock;
import io.ferry.testsupport.web.Loopback;
import io.ferry.uplink.UplinkPlan;
import io.ferry.uplink.UplinkService;
import io.ferry.uplink.UplinkTesting;
import io.ferry.uplink.UplinkTesting.FakeSleeper;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A gateway of many instruments on one Atomscale uplink: every instrument gets its own stream and
 * every chunk holds exactly {@code pointsPerChunk} points of each of that instrument's channels, in
 * time order, however the instruments' samples interleave in the buffer.
 */
class AtomscaleManyInstrumentsTest {
  static final int INSTRUMENTS = 20;
  static final int CHANNELS = 5;
  static final int POINTS = 3;
  static final int SECONDS = 7; // two full chunks per instrument, the 7th point waits

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
  void everyInstrumentGetsItsOwnStreamOfExactChunks() throws Exception {
    AtomscaleServer api = new AtomscaleServer((n, r) -> null);
    server.setDispatcher(api);
    List<ChannelSpec> specs = new ArrayList<>();
    List<InstrumentInfo> instruments = new ArrayList<>();
    for (int i = 0; i < INSTRUMENTS; i++) {
      List<ChannelSpec> own = new ArrayList<>();
      for (int c = 0; c < CHANNELS; c++) {
        own.add(UplinkTesting.raw("inst" + i + "/ch" + c, "nm", "as"));
      }
      specs.addAll(own);
      instruments.add(new InstrumentInfo("inst" + i, "simulated", "inst" + i + ".yaml", "", Duration.ofSeconds(1),
          Duration.ofSeconds(1), List.of("as"), own));
    }
    Buffer buffer = UplinkTesting.buffer(dir, specs, clock);
    open.add(buffer);
    // Appended second by second across all instruments: a lease interleaves them.
    for (int t = 0; t < SECONDS; t++) {
      List<Sample> round = new ArrayList<>();
      for (ChannelSpec s : specs) {
        round.add(Sample.of(s.id(), T0 + t * 1_000_000L, t + 0.5));
      }
      buffer.append(round).join();
    }
    Problems problems = new Problems();
    String yaml = "url: http://127.0.0.1:" + server.getPort() + "\napiKey: ${env:AS_KEY}\npointsPerChunk: " + POINTS + "\n";
    Optional<UplinkPlan> plan = new AtomscaleUplinkFactory().plan(
        UplinkTesting.section("as", "atomscale", yaml, problems, Map.of("AS_KEY", "as-secret-789")), UplinkTesting.agent(dir, "gw"), instruments);
    assertThat(problems.all()).isEmpty();
    UplinkService s = new AtomscaleUplinkFactory().open(plan.orElseThrow(), UplinkTesting.context(buffer, clock, sleeper));
    open.add(s);
    s.start();
    UplinkTesting.awaitDelivered(s, (long) INSTRUMENTS * CHANNELS * POINTS * 2);

    assertThat(api.initializeCalls()).isEqualTo(INSTRUMENTS);
    Map<String, String> instrumentOf = new HashMap<>(); // data_id -> instrument, from the initialize calls' order
    synchronized (api.received) {
      int next = 0;
      for (AtomscaleServer.Received r : api.received) {
        if (r.path().endsWith("/initialize")) {
          instrumentOf.put("d-" + next++, r.body().path("stream_name").asText());
        }
      }
    }
    Map<String, List<Integer>> indexes = new TreeMap<>();
    for (AtomscaleServer.Received chunk : api.chunks()) {
      String inst = instrumentOf.get(chunk.body().path("data_id").asText());
      int index = chunk.body().path("chunk_index").asInt();
      indexes.computeIfAbsent(inst, k -> new ArrayList<>()).add(index);
      JsonNode channels = chunk.body().path("channels");
      List<String> names = new ArrayList<>();
      channels.fieldNames().forEachRemaining(names::add);
      assertThat(names).as(inst + " chunk " + index).containsExactlyInAnyOrder("ch0", "ch1", "ch2", "ch3", "ch4");
      for (String name : names) {
        JsonNode values = channels.path(name).path("values");
        assertThat(values.size()).as(inst + "/" + name + " chunk " + index).isEqualTo(POINTS);
        for (int k = 0; k < POINTS; k++) {
          assertThat(values.get(k).asDouble()).isEqualTo(index * POINTS + k + 0.5);
        }
      }
    }
    assertThat(indexes).hasSize(INSTRUMENTS);
    indexes.values().forEach(list -> assertThat(list).containsExactly(0, 1));
    // The 7th point of every channel waits for a full chunk, still buffered.
    assertThat(buffer.stats().uplinks().get("as").samples()).isEqualTo((long) INSTRUMENTS * CHANNELS);
  }
}
