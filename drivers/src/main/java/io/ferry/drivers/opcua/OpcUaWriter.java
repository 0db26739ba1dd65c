package io.ferry.drivers.opcua;

import io.ferry.core.ChannelId;
import io.ferry.core.WriteSpec;
import io.ferry.drivers.spi.WriteOutcome;
import io.ferry.drivers.spi.WriteTarget;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.stack.core.AttributeId;
import org.eclipse.milo.opcua.stack.core.OpcUaDataType;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.eclipse.milo.opcua.stack.core.types.enumerated.TimestampsToReturn;
import org.eclipse.milo.opcua.stack.core.types.structured.ReadValueId;

import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.ubyte;
import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.uint;
import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.ulong;
import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.ushort;

/**
 * The OPC UA Write service for one value: the node's DataType attribute is read first and the
 * value converted to it (a whole number for an Int16, 0 or 1 for a Boolean), so the server gets
 * the type it holds; a value that type cannot hold is refused before sending. A node of a type
 * Ferry does not convert to (a structure, a string) gets a Double and the server judges it. The
 * server's answer is given in words: a Bad status is {@code rejected} with its name and meaning.
 */
final class OpcUaWriter {
  private OpcUaWriter() {}

  /** The write targets of a plan: every node whose channel has a {@code write:} key. */
  static List<WriteTarget> targets(OpcUaPlan plan) {
    return plan.nodes().stream()
        .filter(n -> plan.instrument().channels().stream().anyMatch(c -> c.id().equals(n.channel()) && c.writable()))
        .map(n -> new WriteTarget(n.channel(), WriteTarget.Domain.anyNumber("an OPC UA node (converted to its data type)"),
            "Write " + n.node() + " Value in the node's data type"))
        .toList();
  }

  /**
   * The value as the node's data type, or why it cannot be (pure). Empty type (not a built-in
   * number or Boolean): a Double, for the server to judge.
   */
  static Conversion convert(double value, Optional<OpcUaDataType> type) {
    if (type.isEmpty()) {
      return new Conversion.Sent(new Variant(value));
    }
    OpcUaDataType t = type.get();
    boolean whole = value == Math.rint(value);
    String name = t.name();
    switch (t) {
      case Boolean:
        return value == 0 || value == 1 ? new Conversion.Sent(new Variant(value == 1))
            : new Conversion.Refused("the node is a Boolean: it takes 0 or 1 (false or true), got " + plain(value));
      case Float:
        return Math.abs(value) <= java.lang.Float.MAX_VALUE ? new Conversion.Sent(new Variant((float) value))
            : new Conversion.Refused("the node is a Float: " + plain(value) + " is beyond its range");
      case Double:
        return new Conversion.Sent(new Variant(value));
      default:
        break;
    }
    double[] range = switch (t) {
      case SByte -> new double[] {Byte.MIN_VALUE, Byte.MAX_VALUE};
      case Byte -> new double[] {0, 255};
      case Int16 -> new double[] {Short.MIN_VALUE, Short.MAX_VALUE};
      case UInt16 -> new double[] {0, 65535};
      case Int32 -> new double[] {Integer.MIN_VALUE, Integer.MAX_VALUE};
      case UInt32 -> new double[] {0, 4294967295.0};
      case Int64 -> new double[] {-0x1p63, 0x1p63 - 1024};
      case UInt64 -> new double[] {0, 0x1p64 - 2048};
      default -> null;
    };
    if (range == null) {
      return new Conversion.Sent(new Variant(value)); // a type Ferry does not convert to: the server judges
    }
    if (!whole) {
      return new Conversion.Refused("the node is an " + name + ": it holds whole numbers, got " + plain(value));
    }
    if (value < range[0] || value > range[1]) {
      return new Conversion.Refused("the node is an " + name + ": it holds " + plain(range[0]) + " to " + plain(range[1]) + ", got " + plain(value));
    }
    long v = (long) value;
    Object o = switch (t) {
      case SByte -> (byte) v;
      case Byte -> ubyte(v);
      case Int16 -> (short) v;
      case UInt16 -> ushort((int) v);
      case Int32 -> (int) v;
      case UInt32 -> uint(v);
      case Int64 -> v;
      default -> ulong(new BigDecimal(value).toBigInteger().longValue());
    };
    return new Conversion.Sent(new Variant(o));
  }

  sealed interface Conversion {
    record Sent(Variant variant) implements Conversion {}

    record Refused(String reason) implements Conversion {}
  }

  /**
   * {@code request} to the node of {@code n} on session {@code c}: {@code known} is the node id a
   * read already resolved, else it is resolved from the session's namespace table now.
   */
  static WriteOutcome write(OpcUaClient c, OpcUaPlan plan, NodePlan n, Optional<NodeId> known, io.ferry.drivers.spi.WriteRequest request)
      throws InterruptedException {
    NodeId id = known.orElseGet(() -> {
      try {
        return n.nodeId().toNodeId(c.getNamespaceTable()).orElse(null);
      } catch (RuntimeException e) {
        return null;
      }
    });
    if (id == null) {
      return new WriteOutcome.Rejected("node " + n.node() + " is not known to the server (its namespace is missing)");
    }
    return write(c, id, n.node(), request.value(), spec(plan, request.channel()), plan.connection().requestTimeout());
  }

  /** One Write (with the DataType read before it and, when asked, the Value read after it). */
  static WriteOutcome write(OpcUaClient c, NodeId node, String nodeText, double value, Optional<WriteSpec> spec, Duration timeout)
      throws InterruptedException {
    long wait = timeout.toMillis() + 1000;
    Optional<OpcUaDataType> type;
    try {
      DataValue dt = c.readAsync(0.0, TimestampsToReturn.Neither, List.of(new ReadValueId(node, AttributeId.DataType.uid(), null, null)))
          .get(wait, TimeUnit.MILLISECONDS).getResults()[0];
      if (dt.getStatusCode() != null && dt.getStatusCode().isBad()) {
        return new WriteOutcome.Rejected("reading the data type of " + nodeText + " answered " + words(dt.getStatusCode()));
      }
      Object id = dt.getValue().getValue();
      type = id instanceof NodeId n && OpcUaDataType.isBuiltin(n) ? Optional.ofNullable(OpcUaDataType.fromNodeId(n)) : Optional.empty();
    } catch (ExecutionException | TimeoutException e) {
      return new WriteOutcome.Failed("not sent: reading the data type of " + nodeText + " failed (" + MiloConnector.reason(e) + ")");
    }
    Conversion conv = convert(value, type);
    if (conv instanceof Conversion.Refused r) {
      return new WriteOutcome.Rejected(nodeText + ": " + r.reason());
    }
    Variant v = ((Conversion.Sent) conv).variant();
    String what = "Write " + nodeText + " = " + plain(value) + type.map(t -> " (" + t.name() + ")").orElse("");
    StatusCode status;
    try {
      status = c.writeValuesAsync(List.of(node), List.of(DataValue.valueOnly(v))).get(wait, TimeUnit.MILLISECONDS).get(0);
    } catch (TimeoutException e) {
      return new WriteOutcome.Unknown(what + ": no answer within " + timeout.toMillis() + "ms; the server may or may not have applied it");
    } catch (ExecutionException e) {
      return new WriteOutcome.Unknown(what + ": " + MiloConnector.reason(e) + "; the server may or may not have applied it");
    }
    if (status.isBad()) {
      return new WriteOutcome.Rejected("the server answered " + words(status) + " to " + what);
    }
    Optional<Double> tolerance = spec.flatMap(WriteSpec::readBack);
    if (tolerance.isEmpty()) {
      return new WriteOutcome.Applied("the server acknowledged " + what);
    }
    try {
      DataValue back = c.readValuesAsync(0.0, TimestampsToReturn.Neither, List.of(node)).get(wait, TimeUnit.MILLISECONDS).get(0);
      Object o = back.getValue().getValue();
      double got = o instanceof Number n ? n.doubleValue() : o instanceof Boolean b ? (b ? 1 : 0) : Double.NaN;
      double expected = v.getValue() instanceof Number n ? n.doubleValue() : v.getValue() instanceof Boolean b ? (b ? 1 : 0) : value;
      return Math.abs(got - expected) <= tolerance.get()
          ? new WriteOutcome.Applied("the server acknowledged " + what + " and read back " + plain(got))
          : new WriteOutcome.Rejected("the server acknowledged " + what + " but read back " + (Double.isNaN(got) ? "no number" : plain(got)));
    } catch (ExecutionException | TimeoutException e) {
      return new WriteOutcome.Unknown("the server acknowledged " + what + " but the read back failed (" + MiloConnector.reason(e) + ")");
    }
  }

  /** {@code Bad_TypeMismatch (The value supplied for the attribute is not of the same type as the attribute's value.)} */
  static String words(StatusCode s) {
    return StatusCodes.lookup(s.getValue()).map(n -> n[0] + (n.length > 1 && !n[1].isBlank() ? " (" + n[1] + ")" : ""))
        .orElse("status 0x" + Long.toHexString(s.getValue()).toUpperCase(java.util.Locale.ROOT));
  }

  static String plain(double v) {
    return BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
  }

  /** The spec of a channel, for read back. */
  static Optional<WriteSpec> spec(OpcUaPlan plan, ChannelId channel) {
    return plan.instrument().channels().stream().filter(c -> c.id().equals(channel)).findFirst().flatMap(c -> c.write());
  }
}
