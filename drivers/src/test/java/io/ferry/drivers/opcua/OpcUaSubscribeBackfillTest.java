package io.ferry.drivers.opcua;

import static io.ferry.drivers.opcua.OpcUaBackfillTest.HISTORIZING;
import static io.ferry.drivers.opcua.OpcUaBackfillTest.LIVE;
import static io.ferry.drivers.opcua.OpcUaBackfillTest.STOPPED;
import static io.ferry.drivers.opcua.OpcUaBackfillTest.T0;
import static io.ferry.drivers.opcua.OpcUaBackfillTest.micros;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ferry.core.ChannelId;
import io.ferry.core.Sample;
import io.ferry.core.Ticker;
import io.ferry.drivers.spi.DriverContext;
import io.ferry.drivers.spi.HeldSourceTimes;
import io.ferry.drivers.spi.SampleSink;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * History backfill in subscribe mode, against the same in-process Milo server with an in-memory
 * history as {@link OpcUaBackfillTest}: Ferry holds everything up to STOPPED, comes back 10 minutes
 * of simulated time later, and each item's first notification (source time LIVE) ends its window.
 */
class OpcUaSubscribeBackfillTest {
  static final InstantSource CLOCK = InstantSource.fixed(LIVE.plusMillis(500));

  @TempDir Path tmp;
  @TempDir Path state;
  TestOpcUaServer server;
  final RecordingMetrics metrics = new RecordingMetrics();

  @AfterEach
  void stopServer() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  HistoryStore startServer(int maxNodesPerCall) throws Exception {
    HistoryStore h = OpcUaBackfillTest.history(maxNodesPerCall, false);
    Map<String, Object> nodes = new LinkedHashMap<>();
    DataValue live = new DataValue(new Variant(900.0), StatusCode.GOOD, new DateTime(LIVE), new DateTime(LIVE));
    for (String n : HISTORIZING) {
      nodes.put(n, live);
    }
    nodes.put("Flat", live); // keeps no history
    server = new TestOpcUaServer(TestOpcUaServer.Options.plain(), nodes, h);
    return h;
  }

  OpcUaSubscribeDriver open(String backfill, SampleSink history) {
    StringBuilder yaml = new StringBuilder("id: press1\ndriver: opcua\nmode: subscribe\nbackfill: " + backfill
        + "\nsubscription: {publishingInterval: 100ms}\nconnection:\n  endpoint: " + server.endpoint() + "\nchannels:\n");
    for (String n : List.of("A", "B", "C", "Flat")) {
      yaml.append("  - {name: ").append(n).append(", node: \"").append(TestOpcUaServer.node(n)).append("\", samplingInterval: 20ms}\n");
    }
    OpcUaPlan plan = Plans.valid(tmp.resolve("cfg"), yaml.toString(), Map.of());
    Map<ChannelId, Long> held = new LinkedHashMap<>();
    for (String n : List.of("A", "B", "C", "Flat")) {
      held.put(ChannelId.of("press1", n), micros(STOPPED));
    }
    HeldSourceTimes buffer = instrument -> instrument.equals("press1") ? held : Map.of();
    DriverContext context = new DriverContext(CLOCK, state, metrics, Ticker.system(), new SplittableRandom(1)).withHistory(buffer, history);
    return (OpcUaSubscribeDriver) new OpcUaDriverFactory().open(plan, context);
  }

  @Test
  void aTenMinuteGapIsFilledExactlyOnceInOrderThenLiveDataFollows() throws Exception {
    HistoryStore h = startServer(2);
    CollectingSink history = new CollectingSink();
    CollectingSink live = new CollectingSink();
    try (OpcUaSubscribeDriver driver = open("{enabled: true, maxAge: 1h, valuesPerCall: 100}", history)) {
      driver.start(live);
      await().atMost(Connecting.LIMIT).until(() -> live.samples.size() >= 4);
      assertThat(live.samples).extracting(s -> s.channel().channel()).containsExactlyInAnyOrder("A", "B", "C", "Flat");
      assertThat(live.samples).allSatisfy(s -> assertThat(s.timeMicros()).isEqualTo(micros(LIVE)));

      await().atMost(Connecting.LIMIT).until(() -> metrics.count("backfilled") == 3 * 599L && driver.backfillPending() == 0);
      for (String n : HISTORIZING) {
        assertThat(history.of(n)).extracting(Sample::timeMicros).as("channel %s: every value once, in order, up to the first notification", n)
            .containsExactlyElementsOf(h.times(n, STOPPED.plusNanos(1000), LIVE));
      }
      assertThat(history.of("Flat")).as("not historizing: live data only").isEmpty();
      assertThat(h.calls).as("no call above MaxNodesPerHistoryReadData").allSatisfy(c -> assertThat(c.size()).isLessThanOrEqualTo(2));
      assertThat(h.calls.stream().filter(c -> c.contains("A")).count()).as("599 values, 100 per call: continuation points followed")
          .isEqualTo(6);
      assertThat(h.open).as("every continuation point continued to the end").isEmpty();

      // live data goes on after the backfill, and reads no history
      int calls = h.calls.size();
      Instant next = LIVE.plusSeconds(1);
      server.set("A", new DataValue(new Variant(901.0), StatusCode.GOOD, new DateTime(next), new DateTime(next)));
      await().atMost(Connecting.LIMIT).until(() -> live.values("A").contains(901.0));
      assertThat(live.of("A")).extracting(Sample::timeMicros).containsExactly(micros(LIVE), micros(next));
      assertThat(h.calls).hasSize(calls);
      assertThat(history.samples).hasSize(3 * 599);
    }
  }

  @Test
  void aSlowBackfillNeverHoldsBackTheNotifications() throws Exception {
    startServer(0);
    List<List<Sample>> handed = new CopyOnWriteArrayList<>();
    SampleSink neverDurable = batch -> {
      handed.add(batch);
      return new CompletableFuture<>(); // the backfill waits on the buffer for as long as the test runs
    };
    CollectingSink live = new CollectingSink();
    try (OpcUaSubscribeDriver driver = open("{enabled: true, valuesPerCall: 10}", neverDurable)) {
      driver.start(live);
      await().atMost(Connecting.LIMIT).until(() -> !handed.isEmpty());
      for (int s = 1; s <= 3; s++) {
        Instant t = LIVE.plusSeconds(s);
        double v = 900.0 + s;
        server.set("B", new DataValue(new Variant(v), StatusCode.GOOD, new DateTime(t), new DateTime(t)));
        await().atMost(Connecting.LIMIT).until(() -> live.values("B").contains(v));
      }
      assertThat(handed).as("still the first answer: the backfill is stuck, the subscription is not").hasSize(1);
      assertThat(driver.backfillPending()).isEqualTo(3);
    }
  }

  @Test
  void aChannelAlreadyHeldUpToItsLiveValueReadsNoHistory() throws Exception {
    HistoryStore h = startServer(0);
    CollectingSink history = new CollectingSink();
    CollectingSink live = new CollectingSink();
    try (OpcUaSubscribeDriver driver = open("{enabled: true}", history)) {
      driver.start(live);
      await().atMost(Connecting.LIMIT).until(() -> metrics.count("backfilled") == 3 * 599L && driver.backfillPending() == 0);
    }
    h.calls.clear();
    // the next start holds LIVE (as the buffer would): the first notifications end empty windows
    Map<ChannelId, Long> held = new LinkedHashMap<>();
    for (String n : List.of("A", "B", "C", "Flat")) {
      held.put(ChannelId.of("press1", n), micros(LIVE));
    }
    StringBuilder yaml = new StringBuilder("id: press1\ndriver: opcua\nmode: subscribe\nbackfill: {enabled: true}\n"
        + "subscription: {publishingInterval: 100ms}\nconnection:\n  endpoint: " + server.endpoint() + "\nchannels:\n");
    for (String n : List.of("A", "B", "C", "Flat")) {
      yaml.append("  - {name: ").append(n).append(", node: \"").append(TestOpcUaServer.node(n)).append("\"}\n");
    }
    OpcUaPlan plan = Plans.valid(tmp.resolve("cfg2"), yaml.toString(), Map.of());
    CollectingSink live2 = new CollectingSink();
    DriverContext context = new DriverContext(CLOCK, state, metrics, Ticker.system(), new SplittableRandom(1))
        .withHistory(instrument -> held, history);
    try (OpcUaSubscribeDriver driver = (OpcUaSubscribeDriver) new OpcUaDriverFactory().open(plan, context)) {
      driver.start(live2);
      await().atMost(Connecting.LIMIT).until(() -> live2.samples.size() >= 4);
      Instant t = T0.plusSeconds(901);
      server.set("C", new DataValue(new Variant(901.0), StatusCode.GOOD, new DateTime(t), new DateTime(t)));
      await().atMost(Connecting.LIMIT).until(() -> live2.values("C").contains(901.0));
      assertThat(driver.backfillPending()).isZero();
    }
    assertThat(h.calls).as("nothing missing: no HistoryRead").isEmpty();
    assertThat(history.samples).hasSize(3 * 599);
  }
}
