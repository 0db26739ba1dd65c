package io.ferry.drivers.opcua;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ferry.core.MicroTime;
import io.ferry.core.Quality;
import io.ferry.core.Sample;
import io.ferry.drivers.spi.DriverContext;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Subscribe mode (monitored items) against one in-process Milo server. */
class OpcUaSubscribeDriverTest {
  static final Instant SOURCE_TIME = SharedServer.VALVE_SOURCE_TIME;
  static TestOpcUaServer server;
  @TempDir static Path state;
  @TempDir Path tmp;

  @BeforeAll
  static void startServer() throws Exception {
    server = SharedServer.get();
  }

  private OpcUaSubscribeDriver open(String channels) {
    return open("{publishingInterval: 100ms, samplingInterval: 20ms, keepAliveCount: 5}", channels, InstantSource.system(), new RecordingMetrics());
  }

  private OpcUaSubscribeDriver open(String subscription, String channels, InstantSource clock, RecordingMetrics metrics) {
    String yaml = "id: tank\ndriver: opcua\nmode: subscribe\nconnection:\n  endpoint: " + server.endpoint() + "\n"
        + "subscription: " + subscription + "\nchannels:\n" + channels;
    OpcUaPlan plan = Plans.valid(tmp.resolve("cfg"), yaml, Map.of());
    return (OpcUaSubscribeDriver) new OpcUaDriverFactory().open(plan, new DriverContext(clock, state, metrics));
  }

  /** Real time plus an offset the test moves forward: "nothing arrived for an hour" without waiting an hour. */
  static final class SteppedClock implements InstantSource {
    private final java.util.concurrent.atomic.AtomicReference<Duration> offset = new java.util.concurrent.atomic.AtomicReference<>(Duration.ZERO);

    @Override
    public Instant instant() {
      return Instant.now().plus(offset.get());
    }

    void advance(Duration d) {
      offset.updateAndGet(o -> o.plus(d));
    }
  }

  @Test
  void aSubscriptionSilentForStaleIntervalsIsRecreated() {
    server.set("Flow", 1.0);
    SteppedClock clock = new SteppedClock();
    RecordingMetrics metrics = new RecordingMetrics();
    CollectingSink sink = new CollectingSink();
    // keep-alives only every 100 publishing intervals (10 s): between them the driver hears nothing
    try (OpcUaSubscribeDriver driver = open("{publishingInterval: 100ms, keepAliveCount: 100, staleIntervals: 101}",
        "  - {name: flow, node: \"ns=2;s=Plant/Flow\"}\n", clock, metrics)) {
      driver.start(sink);
      await().atMost(Duration.ofSeconds(30)).until(() -> !sink.of("flow").isEmpty());
      assertThat(driver.recreations()).isZero();
      // From the driver's clock, more than 101 publishing intervals pass in silence.
      await().atMost(Duration.ofSeconds(30)).until(() -> {
        clock.advance(Duration.ofMinutes(10));
        return driver.recreations() >= 1;
      });
      assertThat(metrics.count("staleSubscriptions")).isGreaterThanOrEqualTo(1);
      server.set("Flow", 3.5);
      await().atMost(Duration.ofSeconds(10)).until(() -> sink.values("flow").contains(3.5));
      server.set("Flow", 1.0);
    }
  }

  @Test
  void absoluteDeadbandSuppressesSmallChanges() {
    server.set("Level", 10.0);
    CollectingSink sink = new CollectingSink();
    try (OpcUaSubscribeDriver driver = open("  - {name: level, node: \"ns=2;s=Plant/Level\", deadband: 1.0}\n")) {
      driver.start(sink);
      await().atMost(Duration.ofSeconds(30)).until(() -> sink.values("level").contains(10.0));
      server.set("Level", 10.5);
      server.set("Level", 12.0);
      await().atMost(Duration.ofSeconds(10)).until(() -> sink.values("level").contains(12.0));
      server.set("Level", 12.4);
      server.set("Level", 20.0);
      await().atMost(Duration.ofSeconds(10)).until(() -> sink.values("level").contains(20.0));
      assertThat(sink.values("level")).containsExactly(10.0, 12.0, 20.0);
    }
  }

  @Test
  void withoutDeadbandEveryChangeArrivesWithStatusAndSourceTime() {
    CollectingSink sink = new CollectingSink();
    try (OpcUaSubscribeDriver driver = open("  - {name: flow, node: \"ns=2;s=Plant/Flow\"}\n  - {name: valve, node: \"ns=2;s=Plant/Valve\"}\n")) {
      driver.start(sink);
      await().atMost(Duration.ofSeconds(30)).until(() -> !sink.of("valve").isEmpty() && !sink.of("flow").isEmpty());
      Sample valve = sink.of("valve").get(0);
      assertThat(valve.quality()).isEqualTo(Quality.UNCERTAIN);
      assertThat(valve.timeMicros()).isEqualTo(MicroTime.micros(SOURCE_TIME));
      server.set("Flow", 1.01);
      await().atMost(Duration.ofSeconds(10)).until(() -> sink.values("flow").contains(1.01));
      server.set("Flow", new DataValue(Variant.NULL_VALUE, new StatusCode(StatusCodes.Bad_CommunicationError), null));
      await().atMost(Duration.ofSeconds(10)).until(() -> sink.of("flow").stream().anyMatch(s -> s.quality() == Quality.BAD));
      server.set("Flow", 1.0);
    }
  }

  @Test
  void unknownNodeIsReportedAndTheOthersKeepDelivering() {
    CollectingSink sink = new CollectingSink();
    try (OpcUaSubscribeDriver driver = open("  - {name: ghost, node: \"ns=2;s=Plant/Ghost\"}\n  - {name: level, node: \"ns=2;s=Plant/Level\"}\n")) {
      driver.start(sink);
      await().atMost(Duration.ofSeconds(30)).until(() -> !sink.of("level").isEmpty());
      // the ghost's item is refused on the subscription thread, possibly after level's first value
      await().atMost(Duration.ofSeconds(30)).until(() -> !driver.skippedChannels().isEmpty());
      assertThat(driver.skippedChannels()).containsExactly("ghost");
      assertThat(sink.of("ghost")).isEmpty();
    }
  }
}
