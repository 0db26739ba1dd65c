package io.ferry.drivers.opcua;

import io.ferry.core.ChannelId;
import io.ferry.core.Quality;
import io.ferry.core.Sample;
import java.util.Base64;
import java.util.Set;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.types.builtin.ByteString;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.types.builtin.ExpandedNodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.QualifiedName;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.builtin.XmlElement;

/**
 * Turns one OPC UA DataValue into a {@link Reading}. Pure.
 *
 * <ul>
 *   <li>Numbers of every width and Boolean (1/0) become numeric samples; 64-bit integers beyond
 *       2^53 lose precision in the double.
 *   <li>String, LocalizedText, QualifiedName, Guid, NodeId, XmlElement become text; DateTime ISO
 *       8601 text; ByteString base64 text; a StatusCode value its numeric code.
 *   <li>The StatusCode's severity becomes the quality. A bad status without a value gives a NaN
 *       sample with quality BAD, so that the outage is visible downstream.
 *   <li>Statuses saying the node is not there or cannot be read, arrays and structures make the
 *       node {@link Reading.Unusable}.
 * </ul>
 */
public final class SampleMapper {
  /** Statuses that will not go away by reading again: the node is skipped (after one report). */
  static final Set<Long> NODE_UNUSABLE = Set.of(
      StatusCodes.Bad_NodeIdUnknown,
      StatusCodes.Bad_NodeIdInvalid,
      StatusCodes.Bad_AttributeIdInvalid,
      StatusCodes.Bad_NotReadable,
      StatusCodes.Bad_UserAccessDenied,
      StatusCodes.Bad_IndexRangeInvalid,
      StatusCodes.Bad_MonitoredItemFilterUnsupported,
      StatusCodes.Bad_FilterNotAllowed);

  /** Ticks of 100 ns between 1601-01-01 (OPC UA epoch) and 1970-01-01. */
  private static final long EPOCH_DELTA_TICKS = 116_444_736_000_000_000L;

  private SampleMapper() {}

  public static Quality quality(StatusCode status) {
    if (status.isGood()) {
      return Quality.GOOD;
    }
    return status.isUncertain() ? Quality.UNCERTAIN : Quality.BAD;
  }

  /** True when a status says the node itself is unusable (not a passing device condition). */
  public static boolean unusable(StatusCode status) {
    return NODE_UNUSABLE.contains(status.getValue() & 0xFFFF0000L);
  }

  /**
   * @param arrivalMicros when the value arrived (the read completed or the notification came)
   */
  public static Reading map(ChannelId channel, DataValue dv, TimestampSource timestamps, long arrivalMicros) {
    StatusCode status = dv.getStatusCode() == null ? StatusCode.GOOD : dv.getStatusCode();
    if (unusable(status)) {
      return new Reading.Unusable(StatusCodes.lookup(status.getValue()).map(s -> s[0]).orElse(status.toString()));
    }
    long time = time(dv, timestamps, arrivalMicros);
    Quality quality = quality(status);
    Object v = dv.getValue() == null ? null : dv.getValue().getValue();
    if (v == null) {
      return quality == Quality.GOOD ? new Reading.Empty() : new Reading.Value(Sample.of(channel, time, Double.NaN, quality));
    }
    if (v.getClass().isArray()) {
      return new Reading.Unusable("the node holds an array; point the channel at a scalar node");
    }
    if (v instanceof Boolean b) {
      return new Reading.Value(Sample.of(channel, time, b ? 1 : 0, quality));
    }
    if (v instanceof Number n) {
      return new Reading.Value(Sample.of(channel, time, n.doubleValue(), quality));
    }
    String text = text(v);
    if (text == null) {
      return new Reading.Unusable("values of type " + v.getClass().getSimpleName() + " are not supported; point the channel at a scalar node");
    }
    if (v instanceof StatusCode sc) {
      return new Reading.Value(Sample.of(channel, time, sc.getValue(), quality));
    }
    return new Reading.Value(Sample.text(channel, time, text, quality));
  }

  private static String text(Object v) {
    if (v instanceof String s) {
      return s;
    } else if (v instanceof LocalizedText t) {
      return t.getText() == null ? "" : t.getText();
    } else if (v instanceof QualifiedName q) {
      return q.toParseableString();
    } else if (v instanceof java.util.UUID u) {
      return u.toString();
    } else if (v instanceof NodeId id) {
      return id.toParseableString();
    } else if (v instanceof ExpandedNodeId id) {
      return id.toParseableString();
    } else if (v instanceof XmlElement x) {
      return x.getFragmentOrEmpty();
    } else if (v instanceof DateTime d) {
      return d.isNull() ? "" : d.getJavaInstant().toString();
    } else if (v instanceof ByteString b) {
      return Base64.getEncoder().encodeToString(b.bytesOrEmpty());
    } else if (v instanceof StatusCode s) {
      return s.toString();
    }
    return null;
  }

  /** The sample time in microseconds per the configured preference; invalid timestamps fall through. */
  static long time(DataValue dv, TimestampSource timestamps, long arrivalMicros) {
    return switch (timestamps) {
      case SOURCE -> valid(dv.getSourceTime()) ? micros(dv.getSourceTime(), dv.getSourcePicoseconds())
          : valid(dv.getServerTime()) ? micros(dv.getServerTime(), dv.getServerPicoseconds()) : arrivalMicros;
      case SERVER -> valid(dv.getServerTime()) ? micros(dv.getServerTime(), dv.getServerPicoseconds()) : arrivalMicros;
      case AGENT -> arrivalMicros;
    };
  }

  /** True when the sample's time is the source's own (timestamps: source and the server sent one). */
  static boolean usesSourceTime(DataValue dv, TimestampSource timestamps) {
    return timestamps == TimestampSource.SOURCE && valid(dv.getSourceTime());
  }

  private static boolean valid(DateTime t) {
    return t != null && t.getUtcTime() > EPOCH_DELTA_TICKS / 2;
  }

  static long micros(DateTime t, org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UShort picos) {
    return Math.floorDiv(t.getUtcTime() - EPOCH_DELTA_TICKS, 10L);
  }
}
