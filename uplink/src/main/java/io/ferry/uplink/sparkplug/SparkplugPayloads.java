package io.ferry.uplink.sparkplug;

import io.ferry.buffer.BufferRecord;
import io.ferry.buffer.IncrementRecord;
import io.ferry.buffer.Lease;
import io.ferry.buffer.RollupRecord;
import io.ferry.buffer.SampleRecord;
import io.ferry.core.ChannelId;
import io.ferry.core.Quality;
import io.ferry.core.Route;
import io.ferry.core.Stat;
import io.ferry.uplink.sparkplug.MetricDef.MetricType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.eclipse.tahu.SparkplugInvalidTypeException;
import org.eclipse.tahu.message.SparkplugBPayloadDecoder;
import org.eclipse.tahu.message.SparkplugBPayloadEncoder;
import org.eclipse.tahu.message.model.Metric;
import org.eclipse.tahu.message.model.MetricDataType;
import org.eclipse.tahu.message.model.PropertyDataType;
import org.eclipse.tahu.message.model.PropertySet;
import org.eclipse.tahu.message.model.PropertyValue;
import org.eclipse.tahu.message.model.SparkplugBPayload;
import org.eclipse.tahu.protobuf.SparkplugBProto;

/**
 * Sparkplug B payloads, encoded with Tahu's protobuf classes. Pure (the times come in as arguments).
 *
 * <p>Births name every metric with its alias and datatype (and {@code engUnit} / {@code description}
 * properties when the channel has them); DDATA carries aliases only and no datatypes; a value taken
 * before the session's first NBIRTH is flagged {@code is_historical}; a sample whose quality is not
 * good carries the {@code Quality} property of Sparkplug 3.0 (Int32 0: bad; an uncertain sample also
 * carries {@code ferryQuality: "uncertain"}, as the specification has no code for it).
 */
final class SparkplugPayloads {
  static final String BD_SEQ = "bdSeq";
  static final String REBIRTH = "Node Control/Rebirth";

  private SparkplugPayloads() {}

  /** NBIRTH: seq (0: a birth restarts the numbering), the session's {@code bdSeq} and the rebirth control (false). */
  static byte[] nbirth(long bdSeq, long nowMillis, long seq) {
    SparkplugBPayload p = new SparkplugBPayload(new Date(nowMillis), new ArrayList<>(), seq);
    p.addMetric(metric(new Metric.MetricBuilder(BD_SEQ, MetricDataType.Int64, bdSeq).timestamp(new Date(nowMillis))));
    p.addMetric(metric(new Metric.MetricBuilder(REBIRTH, MetricDataType.Boolean, false).timestamp(new Date(nowMillis))));
    return encode(p, false);
  }

  /** NDEATH: the {@code bdSeq} of the NBIRTH it ends, no seq. */
  static byte[] ndeath(long bdSeq, long nowMillis) {
    SparkplugBPayload p = new SparkplugBPayload(new Date(nowMillis), new ArrayList<>());
    p.addMetric(metric(new Metric.MetricBuilder(BD_SEQ, MetricDataType.Int64, bdSeq).timestamp(new Date(nowMillis))));
    return encode(p, false);
  }

  /** DDEATH: the device's instrument is down; {@code seq} and a time, no metrics. */
  static byte[] ddeath(long seq, long nowMillis) {
    return encode(new SparkplugBPayload(new Date(nowMillis), new ArrayList<>(), seq), false);
  }

  /** DBIRTH: every metric of the device with name, alias, datatype, properties and its last value (null if none yet). */
  static byte[] dbirth(DeviceDef device, long seq, long nowMillis, Function<Long, Optional<Point>> last) {
    SparkplugBPayload p = new SparkplugBPayload(new Date(nowMillis), new ArrayList<>(), seq);
    for (MetricDef m : device.metrics()) {
      Optional<Point> l = last.apply(m.alias());
      Metric.MetricBuilder b = new Metric.MetricBuilder(m.name(), type(m.type()), l.map(Point::value).orElse(null))
          .alias(m.alias())
          .timestamp(new Date(l.map(pt -> pt.timeMicros() / 1000).orElse(nowMillis)));
      PropertySet props = new PropertySet();
      if (!m.unit().isEmpty()) {
        props.put("engUnit", property(m.unit()));
      }
      if (!m.description().isEmpty()) {
        props.put("description", property(m.description()));
      }
      if (!props.isEmpty()) {
        b.properties(props);
      }
      p.addMetric(metric(b));
    }
    return encode(p, false);
  }

  /** DDATA: the points by alias with their own times; those before {@code sessionStartMicros} are historical. */
  static byte[] ddata(List<Point> points, long seq, long nowMillis, long sessionStartMicros) {
    SparkplugBPayload p = new SparkplugBPayload(new Date(nowMillis), new ArrayList<>(), seq);
    for (Point pt : points) {
      Metric.MetricBuilder b = new Metric.MetricBuilder(pt.metric().alias(), type(pt.metric().type()), pt.value())
          .timestamp(new Date(pt.timeMicros() / 1000));
      if (pt.timeMicros() < sessionStartMicros) {
        b.isHistorical(true);
      }
      if (pt.quality() != Quality.GOOD) {
        PropertySet props = new PropertySet();
        try {
          // Sparkplug 3.0 knows 0 (bad), 192 (good) and 500 (stale) only: uncertain goes as bad, and
          // says what it was in a property of Ferry's own, so no host takes it for good.
          props.put("Quality", new PropertyValue(PropertyDataType.Int32, 0));
          if (pt.quality() == Quality.UNCERTAIN) {
            props.put("ferryQuality", property("uncertain"));
          }
        } catch (SparkplugInvalidTypeException e) {
          throw new IllegalStateException(e);
        }
        b.properties(props);
      }
      p.addMetric(metric(b));
    }
    // Datatypes stripped: DATA messages carry aliases only, the host knows the types from the births.
    return encode(p, true);
  }

  /**
   * The lease as points in time order (a stable sort: a channel's own order is kept for equal
   * times). Records whose channel has no metric here go to {@code unknown}; a text sample of a
   * numeric metric goes there too.
   */
  static List<Point> points(Lease lease, Map<ChannelId, Map<String, MetricDef>> metrics, List<BufferRecord> unknown) {
    List<Point> out = new ArrayList<>(lease.size());
    for (SampleRecord r : lease.samples()) {
      MetricDef m = metrics.getOrDefault(r.channel(), Map.of()).get(key(Route.RAW, Optional.empty()));
      boolean text = r.sample().isText();
      if (m == null || text != (m.type() == MetricType.STRING)) {
        unknown.add(r);
        continue;
      }
      out.add(new Point(r.channel().instrument(), m, r.sample().timeMicros(), text ? r.sample().text() : (Object) r.sample().value(),
          r.sample().quality(), r));
    }
    for (RollupRecord r : lease.rollups()) {
      Map<String, MetricDef> byKey = metrics.getOrDefault(r.channel(), Map.of());
      boolean any = false;
      for (MetricDef m : byKey.values()) {
        if (m.route() == Route.ROLLUP) {
          double v = r.value(m.stat().orElseThrow());
          out.add(new Point(r.channel().instrument(), m, r.startMicros(), m.type() == MetricType.INT64 ? (Object) (long) v : (Object) v,
              Quality.GOOD, r));
          any = true;
        }
      }
      if (!any) {
        unknown.add(r);
      }
    }
    for (IncrementRecord r : lease.increments()) {
      MetricDef m = metrics.getOrDefault(r.channel(), Map.of()).get(key(Route.INCREMENT, Optional.empty()));
      if (m == null) {
        unknown.add(r);
        continue;
      }
      out.add(new Point(r.channel().instrument(), m, r.bucketStartMicros(), r.delta(), Quality.GOOD, r));
    }
    out.sort(Comparator.comparingLong(Point::timeMicros));
    return out;
  }

  /** The plan's metrics by channel, then by {@link #key}. */
  static Map<ChannelId, Map<String, MetricDef>> index(List<DeviceDef> devices) {
    Map<ChannelId, Map<String, MetricDef>> out = new HashMap<>();
    for (DeviceDef d : devices) {
      for (MetricDef m : d.metrics()) {
        out.computeIfAbsent(m.channel(), k -> new LinkedHashMap<>()).put(key(m.route(), m.stat()), m);
      }
    }
    return out;
  }

  private static String key(Route route, Optional<Stat> stat) {
    return route.name() + stat.map(s -> "/" + s.name()).orElse("");
  }

  /** Points grouped by device (in order of first appearance), each group cut into messages of at most {@code max} metrics. */
  static List<List<Point>> messages(List<Point> points, int max) {
    Map<String, List<Point>> byDevice = new LinkedHashMap<>();
    for (Point p : points) {
      byDevice.computeIfAbsent(p.device(), k -> new ArrayList<>()).add(p);
    }
    List<List<Point>> out = new ArrayList<>();
    for (List<Point> l : byDevice.values()) {
      for (int i = 0; i < l.size(); i += max) {
        out.add(l.subList(i, Math.min(l.size(), i + max)));
      }
    }
    return out;
  }

  /** True when an NCMD asks for a rebirth ({@code Node Control/Rebirth} = true). */
  static boolean rebirthRequested(byte[] ncmd) {
    try {
      SparkplugBPayload p = new SparkplugBPayloadDecoder().buildFromByteArray(ncmd, null);
      return p.getMetrics().stream().anyMatch(m -> REBIRTH.equals(m.getName()) && Boolean.TRUE.equals(m.getValue()));
    } catch (Exception e) {
      return false;
    }
  }

  /**
   * The writes a DCMD asks for, one per metric, in the payload's order (pure). Read from the
   * protobuf itself, by the value field the host filled in (never a default of another field: a
   * Float sent for a Double metric is its float, not 0). A metric named only by its alias gets the
   * name the device's birth gave that alias ({@code alias N} when no metric of the device has it,
   * which no channel matches). Integers are signed or unsigned by the metric's datatype (the
   * birth's when the host left it out). Numbers keep the digits the host sent (a Float 42.1 is
   * "42.1", not its binary expansion); no value, or a kind no write takes (bytes, data sets), is
   * empty, which the write rules refuse as not a number.
   *
   * @throws IllegalArgumentException when the payload is not a Sparkplug B payload
   */
  static List<Command> commands(byte[] dcmd, Optional<DeviceDef> device) {
    SparkplugBProto.Payload p;
    try {
      p = SparkplugBProto.Payload.parseFrom(dcmd);
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new IllegalArgumentException("not a Sparkplug B payload", e);
    }
    Map<Long, MetricDef> byAlias = new HashMap<>();
    Map<String, MetricDef> byName = new HashMap<>();
    device.ifPresent(d -> d.metrics().forEach(m -> {
      byAlias.put(m.alias(), m);
      byName.put(m.name(), m);
    }));
    List<Command> out = new ArrayList<>();
    for (SparkplugBProto.Payload.Metric m : p.getMetricsList()) {
      MetricDef def = m.hasName() ? byName.get(m.getName()) : m.hasAlias() ? byAlias.get(m.getAlias()) : null;
      String name = m.hasName() ? m.getName() : def != null ? def.name() : "alias " + m.getAlias();
      int type = m.hasDatatype() ? m.getDatatype() : def == null ? 0 : type(def.type()).toIntValue();
      out.add(new Command(name, words(m, type)));
    }
    return out;
  }

  /** One metric's value as a write takes it; {@code type} is the Sparkplug datatype number (0: unknown). */
  private static String words(SparkplugBProto.Payload.Metric m, int type) {
    if (m.hasIsNull() && m.getIsNull()) {
      return "";
    }
    return switch (m.getValueCase()) {
      case INT_VALUE -> switch (type) {
        case 1 -> Byte.toString((byte) m.getIntValue()); // Int8, Int16: two's complement in the low bits
        case 2 -> Short.toString((short) m.getIntValue());
        case 5, 6, 7, 8 -> Long.toString(Integer.toUnsignedLong(m.getIntValue()));
        default -> Integer.toString(m.getIntValue());
      };
      case LONG_VALUE -> type >= 5 && type <= 8 ? Long.toUnsignedString(m.getLongValue()) : Long.toString(m.getLongValue());
      case FLOAT_VALUE -> decimal(Float.toString(m.getFloatValue())); // the shortest decimal of the float
      case DOUBLE_VALUE -> decimal(Double.toString(m.getDoubleValue()));
      case BOOLEAN_VALUE -> Boolean.toString(m.getBooleanValue());
      case STRING_VALUE -> m.getStringValue();
      default -> "";
    };
  }

  private static String decimal(String text) {
    try {
      return new java.math.BigDecimal(text).stripTrailingZeros().toPlainString();
    } catch (NumberFormatException notFinite) {
      return text; // NaN, Infinity: refused by the write rules in their words
    }
  }

  private static MetricDataType type(MetricType t) {
    return switch (t) {
      case DOUBLE -> MetricDataType.Double;
      case INT64 -> MetricDataType.Int64;
      case STRING -> MetricDataType.String;
    };
  }

  private static PropertyValue property(String text) {
    try {
      return new PropertyValue(PropertyDataType.String, text);
    } catch (SparkplugInvalidTypeException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Metric metric(Metric.MetricBuilder b) {
    try {
      return b.createMetric();
    } catch (SparkplugInvalidTypeException e) {
      throw new IllegalStateException("a metric of the wrong type: " + e.getMessage(), e);
    }
  }

  private static byte[] encode(SparkplugBPayload p, boolean stripDataTypes) {
    try {
      return new SparkplugBPayloadEncoder().getBytes(p, stripDataTypes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
