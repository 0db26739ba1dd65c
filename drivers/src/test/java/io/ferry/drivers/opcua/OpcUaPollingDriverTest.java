package io.ferry.drivers.opcua;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.ferry.core.MicroTime;
import io.ferry.core.Quality;
import io.ferry.core.Sample;
import io.ferry.drivers.spi.DriverContext;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Poll mode against the shared in-process Milo server (MaxNodesPerRead = 100, 1,000 extra nodes). */
class OpcUaPollingDriverTest {
  static final Instant SOURCE_TIME = SharedServer.UNCERTAIN_SOURCE_TIME;
  static TestOpcUaServer server;

  /** One state directory for the class: the client certificate is generated once, as on a real gateway. */
  @TempDir static Path state;
  @TempDir Path tmp;

  @BeforeAll
  static void startServer() throws Exception {
    server = SharedServer.get();
  }

  private String yaml(String extra, List<String> channelNodes) {
    StringBuilder sb = new StringBuilder("id: press1\ndriver: opcua\npoll: 1s\n" + extra + "connection:\n  endpoint: " + server.endpoint() + "\nchannels:\n");
    for (String n : channelNodes) {
      sb.append("  - {name: ").append(n.replace('/', '_')).append(", node: \"").append(TestOpcUaServer.node(n)).append("\"}\n");
    }
    return sb.toString();
  }

  private OpcUaPollingDriver open(String yaml, InstantSource clock, RecordingMetrics metrics) {
    OpcUaPlan plan = Plans.valid(tmp.resolve("cfg"), yaml, Map.of());
    // Connecting is not polling: the driver connects on its own thread; these tests check what polls read.
    return Connecting.awaitConnected((OpcUaPollingDriver) new OpcUaDriverFactory().open(plan, new DriverContext(clock, state, metrics)));
  }

  private static Map<String, Sample> byChannel(List<Sample> samples) {
    return samples.stream().collect(Collectors.toMap(s -> s.channel().channel(), Function.identity()));
  }

  @Test
  void readsEveryBasicType() throws Exception {
    List<String> names = List.of("Bool", "SByte", "Byte", "Int16", "UInt16", "Int32", "UInt32", "Int64", "UInt64", "Float", "Double",
        "String", "DateTime", "Text", "Bytes", "Guid");
    try (OpcUaPollingDriver driver = open(yaml("", names), InstantSource.system(), new RecordingMetrics())) {
      Map<String, Sample> s = byChannel(driver.poll());
      assertThat(s).hasSize(names.size());
      assertThat(s.get("Bool").value()).isEqualTo(1.0);
      assertThat(s.get("SByte").value()).isEqualTo(-5.0);
      assertThat(s.get("Byte").value()).isEqualTo(200.0);
      assertThat(s.get("Int16").value()).isEqualTo(-1234.0);
      assertThat(s.get("UInt16").value()).isEqualTo(60000.0);
      assertThat(s.get("Int32").value()).isEqualTo(-123456.0);
      assertThat(s.get("UInt32").value()).isEqualTo(4_000_000_000.0);
      assertThat(s.get("Int64").value()).isEqualTo(-9_000_000_000.0);
      assertThat(s.get("UInt64").value()).isEqualTo(9_000_000_000.0);
      assertThat(s.get("Float").value()).isEqualTo(1.5);
      assertThat(s.get("Double").value()).isEqualTo(2.25);
      assertThat(s.get("String").text()).isEqualTo("hello");
      assertThat(s.get("DateTime").text()).isEqualTo("2026-01-02T03:04:05Z");
      assertThat(s.get("Text").text()).isEqualTo("warm");
      assertThat(s.get("Bytes").text()).isEqualTo("AQID");
      assertThat(s.get("Guid").text()).isEqualTo("0b5e4b4e-51a4-4d8a-9d1b-6f3c1c7a2f10");
      assertThat(s.values()).allSatisfy(x -> assertThat(x.quality()).isEqualTo(Quality.GOOD));
    }
  }

  @Test
  void badAndUncertainStatusesTravelWithTheSample() throws Exception {
    try (OpcUaPollingDriver driver = open(yaml("", List.of("Bad", "Uncertain", "Double")), InstantSource.system(), new RecordingMetrics())) {
      Map<String, Sample> s = byChannel(driver.poll());
      assertThat(s.get("Bad").quality()).isEqualTo(Quality.BAD);
      assertThat(s.get("Bad").value()).isNaN();
      assertThat(s.get("Uncertain").quality()).isEqualTo(Quality.UNCERTAIN);
      assertThat(s.get("Uncertain").value()).isEqualTo(42.0);
      assertThat(s.get("Double").quality()).isEqualTo(Quality.GOOD);
    }
  }

  @Test
  void keepsTheSourceTimestampOrUsesTheAgentClockWhenAsked() throws Exception {
    try (OpcUaPollingDriver driver = open(yaml("", List.of("Uncertain")), InstantSource.system(), new RecordingMetrics())) {
      assertThat(driver.poll().get(0).timeMicros()).isEqualTo(MicroTime.micros(SOURCE_TIME));
    }
    Instant fixed = Instant.parse("2030-01-01T00:00:00Z");
    try (OpcUaPollingDriver driver = open(yaml("timestamp: agent\n", List.of("Uncertain")), InstantSource.fixed(fixed), new RecordingMetrics())) {
      assertThat(driver.poll().get(0).timeMicros()).isEqualTo(MicroTime.micros(fixed));
    }
  }

  @Test
  void aStaticNodePolledTenTimesYieldsOneSampleAndNineUnchanged() throws Exception {
    RecordingMetrics metrics = new RecordingMetrics();
    List<Sample> all = new java.util.ArrayList<>();
    try (OpcUaPollingDriver driver = open(yaml("", List.of("Uncertain")), InstantSource.system(), metrics)) {
      for (int i = 0; i < 10; i++) {
        all.addAll(driver.poll());
      }
    }
    assertThat(all).hasSize(1);
    assertThat(all.get(0).timeMicros()).isEqualTo(MicroTime.micros(SOURCE_TIME));
    assertThat(metrics.count("reads")).isEqualTo(10);
    assertThat(metrics.count("unchanged")).isEqualTo(9);
  }

  /** Health counts a poll as answered when it had a good value, also one left out as unchanged (issue 22). */
  @Test
  void unchangedGoodValuesAreReportedSoAStaticInstrumentStillCountsAsAnswering() throws Exception {
    try (OpcUaPollingDriver driver = open(yaml("", List.of("Double", "Uncertain")), InstantSource.system(), new RecordingMetrics())) {
      io.ferry.drivers.spi.PollResult first = driver.read();
      assertThat(first.samples()).hasSize(2);
      assertThat(first.unchangedGood()).isZero();
      io.ferry.drivers.spi.PollResult second = driver.read();
      // the uncertain static node is left out and not counted as good; the good one is delivered or counted unchanged
      assertThat(second.samples()).noneMatch(x -> x.channel().channel().equals("Uncertain"));
      assertThat(second.samples().size() + second.unchangedGood()).isEqualTo(1);
    }
  }

  @Test
  void withSkipUnchangedFalseEveryPollDeliversTheStaticNodeAgain() throws Exception {
    RecordingMetrics metrics = new RecordingMetrics();
    List<Sample> all = new java.util.ArrayList<>();
    try (OpcUaPollingDriver driver = open(yaml("skipUnchanged: false\n", List.of("Uncertain")), InstantSource.system(), metrics)) {
      for (int i = 0; i < 10; i++) {
        all.addAll(driver.poll());
      }
    }
    assertThat(all).hasSize(10);
    assertThat(metrics.count("unchanged")).isZero();
  }

  @Test
  void unknownAndUnreadableNodesAreReportedOnceAndSkipped() throws Exception {
    RecordingMetrics metrics = new RecordingMetrics();
    try (OpcUaPollingDriver driver = open(yaml("skipUnchanged: false\n", List.of("Double", "NoSuchNode", "Secret")),
        InstantSource.system(), metrics)) {
      Map<String, Sample> first = byChannel(driver.poll());
      assertThat(first).containsOnlyKeys("Double");
      assertThat(driver.skippedChannels()).containsExactlyInAnyOrder("NoSuchNode", "Secret");
      Map<String, Sample> second = byChannel(driver.poll());
      assertThat(second).containsOnlyKeys("Double");
      assertThat(metrics.count("unusableNodes")).isEqualTo(2);
      assertThat(metrics.count("reads")).isEqualTo(2);
    }
  }

  @Test
  void pollsAThousandNodesInChunksOfTheServersMaxNodesPerRead() throws Exception {
    List<String> names = java.util.stream.IntStream.range(0, 1000).mapToObj(i -> "Many/" + i).toList();
    RecordingMetrics metrics = new RecordingMetrics();
    try (OpcUaPollingDriver driver = open(yaml("", names), InstantSource.system(), metrics)) {
      Map<String, Sample> s = byChannel(driver.poll());
      assertThat(driver.chunkSize()).isEqualTo(100);
      assertThat(metrics.count("reads")).isEqualTo(10);
      assertThat(s).hasSize(1000);
      for (int i = 0; i < 1000; i++) {
        assertThat(s.get("Many_" + i).value()).isCloseTo(i, within(0.0));
      }
    }
  }
}
