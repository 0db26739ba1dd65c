package io.ferry.drivers.opcua;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.core.ChannelId;
import io.ferry.drivers.spi.DriverContext;
import io.ferry.drivers.spi.WriteOutcome;
import io.ferry.drivers.spi.WriteRequest;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Map;
import java.util.Optional;
import org.eclipse.milo.opcua.stack.core.OpcUaDataType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The OPC UA Write service against a Milo server of its own with writable nodes of several types. */
class OpcUaWriteTest {
  static TestOpcUaServer server;
  @TempDir static Path state;
  @TempDir Path tmp;

  @BeforeAll
  static void start() throws Exception {
    server = new TestOpcUaServer(TestOpcUaServer.Options.plain(),
        Map.of("Setpoint", 20.0, "Mode", (short) 1, "Label", "text", "Enable", false));
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  private OpcUaPollingDriver open() {
    String yaml = "id: oven\ndriver: opcua\npoll: 1s\nconnection:\n  endpoint: " + server.endpoint() + "\nchannels:\n"
        + "  - {name: sp, node: \"" + TestOpcUaServer.node("Setpoint") + "\", write: {verify: readBack}}\n"
        + "  - {name: mode, node: \"" + TestOpcUaServer.node("Mode") + "\", write: {}}\n"
        + "  - {name: label, node: \"" + TestOpcUaServer.node("Label") + "\", write: {}}\n"
        + "  - {name: enable, node: \"" + TestOpcUaServer.node("Enable") + "\", write: {kind: command}}\n";
    OpcUaPlan plan = Plans.valid(tmp.resolve("cfg"), yaml, Map.of());
    assertThat(plan.describe()).contains("  Write " + TestOpcUaServer.node("Setpoint") + " Value in the node's data type <- sp");
    return Connecting.awaitConnected((OpcUaPollingDriver) new OpcUaDriverFactory().open(plan,
        new DriverContext(InstantSource.system(), state, new RecordingMetrics())));
  }

  private static WriteRequest req(String channel, double v) {
    return new WriteRequest(ChannelId.of("oven", channel), v);
  }

  @Test
  void writesInTheNodesDataTypeAndTheServerJudgesTheRest() throws Exception {
    try (OpcUaPollingDriver d = open()) {
      assertThat(d.write(req("sp", 42.5))).isEqualTo(new WriteOutcome.Applied(
          "the server acknowledged Write " + TestOpcUaServer.node("Setpoint") + " = 42.5 (Double) and read back 42.5"));
      assertThat(d.write(req("mode", 3))).isInstanceOf(WriteOutcome.Applied.class);
      assertThat(d.write(req("enable", 1))).isInstanceOf(WriteOutcome.Applied.class);
      java.util.Map<String, Double> values = new java.util.HashMap<>();
      d.poll().forEach(s -> values.put(s.channel().channel(), s.value()));
      assertThat(values).containsEntry("sp", 42.5).containsEntry("mode", 3.0).containsEntry("enable", 1.0);

      assertThat(d.write(req("mode", 1.5))).isEqualTo(new WriteOutcome.Rejected(
          TestOpcUaServer.node("Mode") + ": the node is an Int16: it holds whole numbers, got 1.5"));
      WriteOutcome mismatch = d.write(req("label", 5));
      assertThat(mismatch).isInstanceOf(WriteOutcome.Rejected.class);
      assertThat(mismatch.detail()).startsWith("the server answered Bad_TypeMismatch (");
    }
  }

  @Test
  void inSubscribeModeAWriteGoesOnTheSubscriptionsSessionAndItsNewValueArrivesAsData() throws Exception {
    String yaml = "id: oven\ndriver: opcua\nmode: subscribe\nconnection:\n  endpoint: " + server.endpoint() + "\n"
        + "subscription: {publishingInterval: 100ms, samplingInterval: 20ms}\nchannels:\n"
        + "  - {name: sp, node: \"" + TestOpcUaServer.node("Setpoint") + "\", write: {verify: readBack}}\n"
        + "  - {name: label, node: \"" + TestOpcUaServer.node("Label") + "\", write: {}}\n";
    OpcUaPlan plan = Plans.valid(tmp.resolve("sub"), yaml, Map.of());
    assertThat(plan.describe()).contains("  Write " + TestOpcUaServer.node("Setpoint") + " Value in the node's data type <- sp");
    CollectingSink sink = new CollectingSink();
    OpcUaSubscribeDriver d = (OpcUaSubscribeDriver) new OpcUaDriverFactory().open(plan,
        new DriverContext(InstantSource.system(), state, new RecordingMetrics()));
    try (d) {
      d.start(sink);
      org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> !sink.of("sp").isEmpty());
      assertThat(d.write(req("sp", 61.25))).isEqualTo(new WriteOutcome.Applied(
          "the server acknowledged Write " + TestOpcUaServer.node("Setpoint") + " = 61.25 (Double) and read back 61.25"));
      org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> sink.values("sp").contains(61.25));
      WriteOutcome mismatch = d.write(req("label", 5));
      assertThat(mismatch.detail()).startsWith("the server answered Bad_TypeMismatch (");
    }
    assertThat(d.write(req("sp", 1))).as("stopped: nothing sent").isInstanceOf(WriteOutcome.Failed.class);
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
      Int16   | 32767 | -
      Int16   | 32768 | the node is an Int16: it holds -32768 to 32767, got 32768
      UInt16  | -1    | the node is an UInt16: it holds 0 to 65535, got -1
      Boolean | 2     | the node is a Boolean: it takes 0 or 1 (false or true), got 2
      Boolean | 1     | -
      Double  | 0.1   | -
      String  | 3     | -
      """)
  void convertsToTheNodesType(OpcUaDataType type, double value, String refusal) {
    OpcUaWriter.Conversion c = OpcUaWriter.convert(value, type == OpcUaDataType.String ? Optional.empty() : Optional.of(type));
    if (refusal == null) {
      assertThat(c).isInstanceOf(OpcUaWriter.Conversion.Sent.class);
    } else {
      assertThat(c).isEqualTo(new OpcUaWriter.Conversion.Refused(refusal));
    }
  }
}
