package io.ferry.drivers.opcua;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ferry.core.ChannelId;
import io.ferry.core.Quality;
import io.ferry.core.Sample;
import io.ferry.core.Ticker;
import io.ferry.drivers.spi.DriverContext;
import io.ferry.drivers.spi.HeldSourceTimes;
import io.ferry.drivers.spi.SampleSink;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
 * History backfill against a Milo server whose namespace answers HistoryRead from an in-memory
 * history. Simulated time: the server's history holds one value per second from T0 on; Ferry holds
 * everything up to {@link #STOPPED} (the agent then stopped) and comes back 10 minutes later, when
 * each node's current (live) value carries the source time {@link #LIVE}.
 */
class OpcUaBackfillTest {
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  static final Instant STOPPED = T0.plusSeconds(300);
  static final Instant LIVE = T0.plusSeconds(900);
  static final InstantSource CLOCK = InstantSource.fixed(LIVE.plusMillis(500));
  static final List<String> HISTORIZING = List.of("A", "B", "C");

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

  static long micros(Instant t) {
    return t.getEpochSecond() * 1_000_000L + t.getNano() / 1000;
  }

  /** One value per second from T0 to LIVE (inclusive: a historian also has the current value) per historizing node. */
  static HistoryStore history(int maxNodesPerCall, boolean unsupported) {
    HistoryStore h = new HistoryStore(maxNodesPerCall, unsupported);
    for (String n : HISTORIZING) {
      for (int s = 0; s <= 900; s++) {
        h.add(n, T0.plusSeconds(s), s);
      }
    }
    return h;
  }

  void startServer(HistoryStore history) throws Exception {
    Map<String, Object> nodes = new LinkedHashMap<>();
    DataValue live = new DataValue(new Variant(900.0), StatusCode.GOOD, new DateTime(LIVE), new DateTime(LIVE));
    for (String n : HISTORIZING) {
      nodes.put(n, live);
    }
    nodes.put("Flat", live); // a node that keeps no history
    server = new TestOpcUaServer(TestOpcUaServer.Options.plain(), nodes, history);
  }

  OpcUaPollingDriver open(String backfill, SampleSink sink) {
    StringBuilder yaml = new StringBuilder("id: press1\ndriver: opcua\npoll: 1s\nbackfill: " + backfill + "\nconnection:\n  endpoint: "
        + server.endpoint() + "\nchannels:\n");
    for (String n : List.of("A", "B", "C", "Flat")) {
      yaml.append("  - {name: ").append(n).append(", node: \"").append(TestOpcUaServer.node(n)).append("\"}\n");
    }
    OpcUaPlan plan = Plans.valid(tmp.resolve("cfg"), yaml.toString(), Map.of());
    Map<ChannelId, Long> held = new LinkedHashMap<>();
    for (String n : List.of("A", "B", "C", "Flat")) {
      held.put(ChannelId.of("press1", n), micros(STOPPED));
    }
    HeldSourceTimes buffer = instrument -> instrument.equals("press1") ? held : Map.of();
    DriverContext context = new DriverContext(CLOCK, state, metrics, Ticker.system(), new SplittableRandom(1)).withHistory(buffer, sink);
    return Connecting.awaitConnected((OpcUaPollingDriver) new OpcUaDriverFactory().open(plan, context));
  }

  @Test
  void aTenMinuteGapIsFilledExactlyOnceInOrderBeforeTheLiveValue() throws Exception {
    HistoryStore h = history(2, false);
    startServer(h);
    CollectingSink history = new CollectingSink();
    try (OpcUaPollingDriver driver = open("{enabled: true, maxAge: 1h, valuesPerCall: 100}", history)) {
      List<Sample> live = driver.poll();
      assertThat(live).extracting(s -> s.channel().channel()).containsExactlyInAnyOrder("A", "B", "C", "Flat");
      assertThat(live).allSatisfy(s -> assertThat(s.timeMicros()).isEqualTo(micros(LIVE)));

      await().atMost(Connecting.LIMIT).until(() -> metrics.count("backfilled") == 3 * 599L && driver.backfillPending() == 0);
      for (String n : HISTORIZING) {
        List<Long> expected = h.times(n, STOPPED.plusNanos(1000), LIVE);
        assertThat(expected).hasSize(599); // 10 minutes of one value per second, without the held and the live one
        assertThat(history.of(n)).extracting(Sample::timeMicros).as("channel %s: every value once, in order", n)
            .containsExactlyElementsOf(expected);
        assertThat(history.of(n)).allSatisfy(s -> assertThat(s.quality()).isEqualTo(Quality.GOOD));
        assertThat(history.of(n).get(0).value()).isEqualTo(301.0);
      }
      assertThat(history.of("Flat")).as("not historizing: live data only").isEmpty();

      assertThat(h.calls).as("no call above MaxNodesPerHistoryReadData").allSatisfy(c -> assertThat(c.size()).isLessThanOrEqualTo(2));
      assertThat(h.calls).flatExtracting(c -> c).doesNotContain("Flat");
      assertThat(h.calls.stream().filter(c -> c.contains("A")).count()).as("599 values, 100 per call: continuation points followed")
          .isEqualTo(6);
      assertThat(h.handedOut.get()).isEqualTo(3 * 5);
      assertThat(h.open).as("every continuation point continued to the end").isEmpty();
      assertThat(metrics.gaugeValues).containsEntry("backfillPending", 0L);
      assertThat(metrics.gauges).contains("backfillPending=3");

      int calls = h.calls.size();
      List<Sample> next = driver.poll();
      assertThat(next).as("unchanged live values").isEmpty();
      assertThat(h.calls).as("a poll in the same session reads no history").hasSize(calls);
    }
  }

  @Test
  void aServerWithoutHistoryGivesLiveDataOnly() throws Exception {
    HistoryStore h = history(0, true);
    startServer(h);
    CollectingSink history = new CollectingSink();
    try (OpcUaPollingDriver driver = open("{enabled: true}", history)) {
      assertThat(driver.poll()).hasSize(4);
      await().atMost(Connecting.LIMIT).until(() -> metrics.gauges.contains("backfillPending=3")
          && Long.valueOf(0).equals(metrics.gaugeValues.get("backfillPending")));
      assertThat(h.calls).as("one HistoryRead answered Bad_HistoryOperationUnsupported, then no more").hasSize(1);
      assertThat(history.samples).isEmpty();
      assertThat(driver.poll()).as("live data goes on (unchanged values)").isEmpty();
      assertThat(h.calls).hasSize(1);
    }
  }

  @Test
  void stoppingInTheMiddleReleasesTheContinuationPoints() throws Exception {
    HistoryStore h = history(0, false);
    startServer(h);
    List<List<Sample>> handed = new CopyOnWriteArrayList<>();
    SampleSink neverDurable = batch -> {
      handed.add(batch);
      return new CompletableFuture<>(); // the buffer is slow: the run waits here when the driver closes
    };
    OpcUaPollingDriver driver = open("{enabled: true, valuesPerCall: 10}", neverDurable);
    try {
      driver.poll();
      await().atMost(Connecting.LIMIT).until(() -> !handed.isEmpty());
      assertThat(h.open).as("one continuation point per historizing node").hasSize(3);
    } finally {
      driver.close();
    }
    assertThat(h.open).as("released on stop").isEmpty();
    assertThat(h.released).hasSize(3);
    assertThat(handed).hasSize(1);
    assertThat(handed.get(0)).hasSize(30);
  }

  /**
   * A stand-in for the buffer across a crash: what was committed (live and history), and the two
   * source times the agent answers from it. A batch not committed when the process died is lost.
   */
  static final class DurableStore {
    final List<Sample> committed = new CopyOnWriteArrayList<>();
    final List<Sample> history = new CopyOnWriteArrayList<>();

    HeldSourceTimes held() {
      return new HeldSourceTimes() {
        @Override
        public Map<ChannelId, Long> newest(String instrument) {
          return max(committed);
        }

        @Override
        public Map<ChannelId, Long> backfilled(String instrument) {
          return max(history);
        }
      };
    }

    static Map<ChannelId, Long> max(List<Sample> samples) {
      Map<ChannelId, Long> out = new LinkedHashMap<>();
      samples.forEach(s -> out.merge(s.channel(), s.timeMicros(), Math::max));
      return out;
    }

    /** Commits the first {@code batches} history batches, then takes the next one and never commits it (the crash). */
    SampleSink historyUntil(int batches) {
      java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
      return batch -> {
        if (n.incrementAndGet() > batches) {
          return new CompletableFuture<>();
        }
        committed.addAll(batch);
        history.addAll(batch);
        return CompletableFuture.completedFuture(null);
      };
    }
  }

  OpcUaPollingDriver open(String backfill, HeldSourceTimes held, SampleSink sink, InstantSource clock) {
    StringBuilder yaml = new StringBuilder("id: press1\ndriver: opcua\npoll: 1s\nbackfill: " + backfill + "\nconnection:\n  endpoint: "
        + server.endpoint() + "\nchannels:\n");
    for (String n : List.of("A", "B", "C", "Flat")) {
      yaml.append("  - {name: ").append(n).append(", node: \"").append(TestOpcUaServer.node(n)).append("\"}\n");
    }
    OpcUaPlan plan = Plans.valid(tmp.resolve("cfg"), yaml.toString(), Map.of());
    DriverContext context = new DriverContext(clock, state, metrics, Ticker.system(), new SplittableRandom(1)).withHistory(held, sink);
    return Connecting.awaitConnected((OpcUaPollingDriver) new OpcUaDriverFactory().open(plan, context));
  }

  @Test
  void aRestartInTheMiddleResumesAfterWhatWasCommittedWithoutDuplicates() throws Exception {
    HistoryStore h = history(0, false);
    startServer(h);
    DurableStore store = new DurableStore();
    for (String n : List.of("A", "B", "C", "Flat")) {
      store.committed.add(Sample.of(ChannelId.of("press1", n), micros(STOPPED), 300)); // the run before the gap
    }
    OpcUaPollingDriver first = open("{enabled: true, valuesPerCall: 50}", store.held(), store.historyUntil(2), CLOCK);
    try {
      store.committed.addAll(first.poll()); // the live values, committed before the backfill gets far
      await().atMost(Connecting.LIMIT).until(() -> store.history.size() == 2 * 150);
    } finally {
      first.close(); // the process dies: the third batch was handed over but never committed
    }
    assertThat(Files.exists(state.resolve(BackfillJournal.FILE))).as("the gap is still written down").isTrue();

    CollectingSink second = new CollectingSink();
    SampleSink both = batch -> {
      store.committed.addAll(batch);
      store.history.addAll(batch);
      return second.accept(batch);
    };
    try (OpcUaPollingDriver driver = open("{enabled: true, valuesPerCall: 50}", store.held(), both, CLOCK)) {
      assertThat(driver.poll()).as("the live values were stored before the crash: not stored again").isEmpty();
      await().atMost(Connecting.LIMIT).until(() -> driver.backfillPending() == 0 && store.history.size() == 3 * 599);
    }
    for (String n : HISTORIZING) {
      assertThat(store.history.stream().filter(s -> s.channel().channel().equals(n)).map(Sample::timeMicros).toList())
          .as("channel %s: the gap once, in order, across the restart", n)
          .containsExactlyElementsOf(h.times(n, STOPPED.plusNanos(1000), LIVE));
    }
    assertThat(Files.exists(state.resolve(BackfillJournal.FILE))).as("nothing left to read").isFalse();
  }

  @Test
  void aReconnectCarriesTheUnreadRestOverAndReadsTheNewGapAfterIt() throws Exception {
    HistoryStore h = history(0, false);
    startServer(h);
    java.util.concurrent.atomic.AtomicReference<Instant> now = new java.util.concurrent.atomic.AtomicReference<>(LIVE.plusMillis(500));
    InstantSource clock = now::get;
    List<Sample> handed = new CopyOnWriteArrayList<>();
    java.util.concurrent.atomic.AtomicInteger batches = new java.util.concurrent.atomic.AtomicInteger();
    SampleSink sink = batch -> {
      handed.addAll(batch);
      // the third answer's samples are handed over when the connection drops: the buffer is slow
      return batches.incrementAndGet() == 3 ? new CompletableFuture<>() : CompletableFuture.completedFuture(null);
    };
    StringBuilder yaml = new StringBuilder("id: press1\ndriver: opcua\npoll: 1s\nbackfill: {enabled: true, valuesPerCall: 50}\n"
        + "connection:\n  endpoint: " + server.endpoint() + "\n  requestTimeout: 2s\n  backoffInitial: 200ms\n  backoffMax: 1s\nchannels:\n");
    for (String n : List.of("A", "B", "C", "Flat")) {
      yaml.append("  - {name: ").append(n).append(", node: \"").append(TestOpcUaServer.node(n)).append("\"}\n");
    }
    OpcUaPlan plan = Plans.valid(tmp.resolve("cfg"), yaml.toString(), Map.of());
    HeldSourceTimes held = instrument -> Map.of(ChannelId.of("press1", "A"), micros(STOPPED), ChannelId.of("press1", "B"), micros(STOPPED),
        ChannelId.of("press1", "C"), micros(STOPPED));
    DriverContext context = new DriverContext(clock, state, metrics, Ticker.system(), new SplittableRandom(1)).withHistory(held, sink);
    Instant live2 = LIVE.plusSeconds(120);
    try (OpcUaPollingDriver driver = Connecting.awaitConnected((OpcUaPollingDriver) new OpcUaDriverFactory().open(plan, context))) {
      assertThat(driver.poll()).hasSize(4);
      await().atMost(Connecting.LIMIT).until(() -> batches.get() == 3);

      server.stop(); // the network is cut for two minutes; the server's historian goes on
      for (String n : HISTORIZING) {
        for (int s = 901; s <= 1020; s++) {
          h.add(n, T0.plusSeconds(s), s);
        }
      }
      server.start();
      DataValue current = new DataValue(new Variant(1020.0), StatusCode.GOOD, new DateTime(live2), new DateTime(live2));
      for (String n : List.of("A", "B", "C", "Flat")) {
        server.set(n, current);
      }
      now.set(live2.plusMillis(500));

      await().atMost(Connecting.LIMIT).pollInterval(Duration.ofMillis(200)).until(() -> {
        try {
          return driver.poll().size() == 4; // the new session's first poll: the live values of live2
        } catch (Exception e) {
          return false;
        }
      });
      await().atMost(Connecting.LIMIT).until(() -> driver.backfillPending() == 0 && handed.size() == 3 * (599 + 119));
    }
    for (String n : HISTORIZING) {
      List<Long> expected = new java.util.ArrayList<>(h.times(n, STOPPED.plusNanos(1000), LIVE));
      expected.addAll(h.times(n, LIVE.plusNanos(1000), live2));
      assertThat(handed.stream().filter(x -> x.channel().channel().equals(n)).map(Sample::timeMicros).toList())
          .as("channel %s: the rest of the first gap, then the second, each value once", n).containsExactlyElementsOf(expected);
    }
  }

  @Test
  void nothingIsReadWhenBackfillIsOff() throws Exception {
    HistoryStore h = history(0, false);
    startServer(h);
    CollectingSink history = new CollectingSink();
    try (OpcUaPollingDriver driver = open("{enabled: false}", history)) {
      assertThat(driver.poll()).hasSize(4);
      assertThat(driver.poll()).isEmpty();
    }
    assertThat(h.calls).isEmpty();
    assertThat(history.samples).isEmpty();
  }
}
