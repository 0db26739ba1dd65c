package io.ferry.uplink.sparkplug;

import static io.ferry.uplink.sparkplug.SparkplugFixtures.ENERGY;
import static io.ferry.uplink.sparkplug.SparkplugFixtures.LEVEL;
import static io.ferry.uplink.sparkplug.SparkplugFixtures.STATE;
import static io.ferry.uplink.sparkplug.SparkplugFixtures.TEMP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.buffer.BufferRecord;
import io.ferry.buffer.IncrementRecord;
import io.ferry.buffer.Lease;
import io.ferry.buffer.RollupRecord;
import io.ferry.buffer.SampleRecord;
import io.ferry.core.Quality;
import io.ferry.core.Sample;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import org.eclipse.tahu.message.SparkplugBPayloadDecoder;
import org.eclipse.tahu.message.model.Metric;
import org.eclipse.tahu.message.model.MetricDataType;
import org.eclipse.tahu.message.model.SparkplugBPayload;
import org.eclipse.tahu.model.MetricDataTypeMap;
import org.junit.jupiter.api.Test;

/** Leases as Sparkplug points and payloads (pure). */
class SparkplugPayloadsTest {
  static final long T = 1_767_225_600_000_000L; // 2026-01-01T00:00:00Z in µs
  final List<DeviceDef> devices = Devices.of(SparkplugFixtures.instruments("sp"), "sp", Set.of());

  /** A lease that is only its lists (the completion calls are the engine's, not tested here). */
  record ListLease(List<SampleRecord> samples, List<RollupRecord> rollups, List<IncrementRecord> increments) implements Lease {
    @Override public String uplink() { return "sp"; }
    @Override public void ack() {}
    @Override public void ack(Collection<? extends BufferRecord> delivered) {}
    @Override public void release() {}
    @Override public void reject(Collection<? extends BufferRecord> rejected, String reason) {}
  }

  @Test
  void rollupStatisticsAndIncrementsAreMetricsOfTheirOwnAndPointsGoInTimeOrder() {
    Lease lease = new ListLease(
        List.of(new SampleRecord(1, Sample.of(TEMP, T + 3_000_000, 21.5)), new SampleRecord(2, Sample.of(LEVEL, T + 1_000_000, 2.0))),
        List.of(new RollupRecord(3, TEMP, T, 60_000_000, 4, 1, 2, 1, 2, 6, 1.5, 1.5, 0)),
        List.of(new IncrementRecord(4, ENERGY, T + 2_000_000, 60_000_000, 7.25)));
    List<BufferRecord> unknown = new ArrayList<>();
    List<Point> points = SparkplugPayloads.points(lease, SparkplugPayloads.index(devices), unknown);
    assertThat(unknown).isEmpty();
    assertThat(points).extracting(p -> p.metric().name(), Point::value).containsExactly(
        org.assertj.core.groups.Tuple.tuple("temp/avg", 1.5),
        org.assertj.core.groups.Tuple.tuple("temp/count", 4L),
        org.assertj.core.groups.Tuple.tuple("level", 2.0),
        org.assertj.core.groups.Tuple.tuple("energy/increment", 7.25),
        org.assertj.core.groups.Tuple.tuple("temp", 21.5));
    // One message per device (first seen first), cut at the metric limit.
    assertThat(SparkplugPayloads.messages(points, 2)).extracting(List::size).containsExactly(2, 2, 1);
  }

  @Test
  void aTextValueOnANumericMetricHasNoMetricToGoTo() {
    SampleRecord text = new SampleRecord(1, Sample.text(STATE, T, "running", Quality.GOOD));
    List<BufferRecord> unknown = new ArrayList<>();
    assertThat(SparkplugPayloads.points(new ListLease(List.of(text), List.of(), List.of()), SparkplugPayloads.index(devices), unknown))
        .isEmpty();
    assertThat(unknown).containsExactly(text);
    List<DeviceDef> withText = Devices.of(SparkplugFixtures.instruments("sp"), "sp", Set.of(STATE));
    unknown.clear();
    assertThat(SparkplugPayloads.points(new ListLease(List.of(text), List.of(), List.of()), SparkplugPayloads.index(withText), unknown))
        .extracting(Point::value).containsExactly("running");
    assertThat(unknown).isEmpty();
  }

  @Test
  void ddataCarriesAliasesOnlyFlagsWhatPrecedesTheSessionAsHistoricalAndQualityAsAProperty() throws Exception {
    Lease lease = new ListLease(List.of(new SampleRecord(1, Sample.of(LEVEL, T - 1, 1.0)),
        new SampleRecord(2, Sample.of(LEVEL, T + 1000, 2.0, Quality.UNCERTAIN))), List.of(), List.of());
    List<Point> points = SparkplugPayloads.points(lease, SparkplugPayloads.index(devices), new ArrayList<>());
    byte[] bytes = SparkplugPayloads.ddata(points, 17, T / 1000, T);
    MetricDataTypeMap types = new MetricDataTypeMap();
    types.addMetricDataType(7L, MetricDataType.Double);
    SparkplugBPayload p = new SparkplugBPayloadDecoder().buildFromByteArray(bytes, types);
    assertThat(p.getSeq()).isEqualTo(17L);
    List<Metric> m = p.getMetrics();
    assertThat(m).allSatisfy(x -> {
      assertThat(x.hasName()).isFalse();
      assertThat(x.getAlias()).isEqualTo(7L);
    });
    assertThat(m.get(0).isHistorical()).isTrue();
    assertThat(m.get(1).isHistorical()).isFalse();
    assertThat(m.get(1).getTimestamp().getTime()).isEqualTo(T / 1000 + 1);
    assertThat(m.get(1).getProperties().getPropertyValue("Quality").getValue()).isEqualTo(0); // 0, 192, 500 only
    assertThat(m.get(1).getProperties().getPropertyValue("ferryQuality").getValue()).isEqualTo("uncertain");
    assertThat(m.get(0).getProperties()).isNull();
  }

  @Test
  void ddeathCarriesSeqAndItsTimeAndNoMetrics() throws Exception {
    SparkplugBPayload p = new SparkplugBPayloadDecoder().buildFromByteArray(SparkplugPayloads.ddeath(255, T / 1000), null);
    assertThat(p.getSeq()).isEqualTo(255L);
    assertThat(p.getTimestamp().getTime()).isEqualTo(T / 1000);
    assertThat(p.getMetrics()).isEmpty();
  }

  @org.junit.jupiter.params.ParameterizedTest(name = "{0} {1}")
  @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', textBlock = """
      Double  | 42.5  | 42.5
      Double  | 42.0  | 42
      Float   | 42.1  | 42.1
      Int32   | -7    | -7
      Int64   | 9007199254740993 | 9007199254740993
      Boolean | true  | true
      String  | 1e3   | 1e3
      Int8    | -3    | -3
      UInt32  | 4294967295 | 4294967295
      """)
  void aDcmdValueInTheWordsOfAWrite(String type, String sent, String words) throws Exception {
    record Typed(MetricDataType type, Object value) {}
    Typed t = switch (type) {
      case "Double" -> new Typed(MetricDataType.Double, Double.valueOf(sent));
      case "Float" -> new Typed(MetricDataType.Float, Float.valueOf(sent));
      case "Int32" -> new Typed(MetricDataType.Int32, Integer.valueOf(sent));
      case "Int64" -> new Typed(MetricDataType.Int64, Long.valueOf(sent));
      case "Int8" -> new Typed(MetricDataType.Int8, Byte.valueOf(sent));
      case "UInt32" -> new Typed(MetricDataType.UInt32, Long.valueOf(sent));
      case "Boolean" -> new Typed(MetricDataType.Boolean, Boolean.valueOf(sent));
      default -> new Typed(MetricDataType.String, sent);
    };
    byte[] dcmd = encode(new Metric.MetricBuilder("temp", t.type(), t.value()).createMetric());
    assertThat(SparkplugPayloads.commands(dcmd, boiler())).containsExactly(new Command("temp", words));
  }

  @Test
  void aDcmdMetricNamedByItsAliasOnlyGetsTheNameOfItsBirthAndAnUnknownAliasNoChannel() throws Exception {
    byte[] byAlias = new org.eclipse.tahu.message.SparkplugBPayloadEncoder().getBytes(new SparkplugBPayload(new java.util.Date(),
        List.of(new Metric.MetricBuilder(1L, MetricDataType.Double, 21.5).createMetric())), true); // no datatype: the birth's is used
    assertThat(SparkplugPayloads.commands(byAlias, boiler())).containsExactly(new Command("temp", "21.5"));
    assertThat(SparkplugPayloads.commands(encode(new Metric.MetricBuilder(99L, MetricDataType.Double, 1.0).createMetric()), boiler()))
        .as("an alias no birth gave: a name no channel has").containsExactly(new Command("alias 99", "1"));
    assertThat(SparkplugPayloads.commands(encode(new Metric.MetricBuilder("x", MetricDataType.Double, null).createMetric()),
        java.util.Optional.empty())).as("no value: nothing a write takes").containsExactly(new Command("x", ""));
    byte[] floatForDouble = new org.eclipse.tahu.message.SparkplugBPayloadEncoder().getBytes(new SparkplugBPayload(new java.util.Date(),
        List.of(new Metric.MetricBuilder(1L, MetricDataType.Float, 55f).createMetric())), true);
    assertThat(SparkplugPayloads.commands(floatForDouble, boiler())).as("the field the host filled, not the birth's type's default 0")
        .containsExactly(new Command("temp", "55"));
    assertThatThrownBy(() -> SparkplugPayloads.commands(new byte[] {1, 2, 3}, boiler())).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("not a Sparkplug B payload");
  }

  private java.util.Optional<DeviceDef> boiler() {
    return devices.stream().filter(d -> d.id().equals("boiler1")).findFirst();
  }

  private static byte[] encode(Metric m) throws Exception {
    return new org.eclipse.tahu.message.SparkplugBPayloadEncoder().getBytes(new SparkplugBPayload(new java.util.Date(), List.of(m)), false);
  }
}
