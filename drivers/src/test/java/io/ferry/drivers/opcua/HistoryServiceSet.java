package io.ferry.drivers.opcua;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import org.eclipse.milo.opcua.sdk.server.OpcUaServer;
import org.eclipse.milo.opcua.sdk.server.servicesets.impl.DefaultAttributeServiceSet;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.encoding.EncodingContext;
import org.eclipse.milo.opcua.stack.core.types.builtin.ByteString;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.types.builtin.ExtensionObject;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.structured.HistoryData;
import org.eclipse.milo.opcua.stack.core.types.structured.HistoryReadDetails;
import org.eclipse.milo.opcua.stack.core.types.structured.HistoryReadRequest;
import org.eclipse.milo.opcua.stack.core.types.structured.HistoryReadResponse;
import org.eclipse.milo.opcua.stack.core.types.structured.HistoryReadResult;
import org.eclipse.milo.opcua.stack.core.types.structured.HistoryReadValueId;
import org.eclipse.milo.opcua.stack.core.types.structured.ReadRawModifiedDetails;
import org.eclipse.milo.opcua.stack.core.types.structured.ResponseHeader;
import org.eclipse.milo.opcua.stack.transport.server.ServiceRequestContext;

/**
 * Milo's attribute services with HistoryRead seen from the wire: records the nodes of each call and
 * answers a release of continuation points itself (Milo 1.1 does not tell a namespace that a call
 * only releases). The values come from the namespace ({@link #read}).
 */
final class HistoryServiceSet extends DefaultAttributeServiceSet {
  private static final long EPOCH_DELTA_TICKS = 116_444_736_000_000_000L;
  private final HistoryStore store;

  HistoryServiceSet(OpcUaServer server, HistoryStore store) {
    super(server);
    this.store = store;
  }

  @Override
  public HistoryReadResponse onHistoryRead(ServiceRequestContext context, HistoryReadRequest request) throws UaException {
    HistoryReadValueId[] ids = request.getNodesToRead() == null ? new HistoryReadValueId[0] : request.getNodesToRead();
    if (Boolean.TRUE.equals(request.getReleaseContinuationPoints())) {
      HistoryReadResult[] results = new HistoryReadResult[ids.length];
      for (int i = 0; i < ids.length; i++) {
        String cp = point(ids[i].getContinuationPoint());
        boolean known = cp != null && store.open.remove(cp) != null;
        if (known) {
          store.released.add(cp);
        }
        results[i] = new HistoryReadResult(known ? StatusCode.GOOD : new StatusCode(StatusCodes.Bad_ContinuationPointInvalid), null, null);
      }
      return new HistoryReadResponse(new ResponseHeader(DateTime.now(), request.getRequestHeader().getRequestHandle(), StatusCode.GOOD,
          null, null, null), results, null);
    }
    List<String> names = new ArrayList<>();
    for (HistoryReadValueId id : ids) {
      names.add(name(id));
    }
    store.calls.add(List.copyOf(names));
    if (java.util.Arrays.stream(ids).anyMatch(id -> point(id.getContinuationPoint()) != null)) {
      try {
        store.continuations.get(2, java.util.concurrent.TimeUnit.MINUTES);
      } catch (Exception e) {
        throw new UaException(StatusCodes.Bad_Timeout, "the test did not let the history go on");
      }
    }
    return super.onHistoryRead(context, request);
  }

  private static String name(HistoryReadValueId id) {
    String s = String.valueOf(id.getNodeId().getIdentifier());
    return s.startsWith("Plant/") ? s.substring("Plant/".length()) : s;
  }

  private static String point(ByteString cp) {
    return cp == null || cp.isNullOrEmpty() ? null : new String(cp.bytesOrEmpty(), java.nio.charset.StandardCharsets.US_ASCII);
  }

  private static long micros(DateTime t) {
    return Math.floorDiv(t.getUtcTime() - EPOCH_DELTA_TICKS, 10L);
  }

  /** One node's raw history: values in [start, end) from where its continuation point left off, at most numValuesPerNode. */
  static HistoryReadResult read(HistoryStore store, EncodingContext encoding, HistoryReadDetails details, HistoryReadValueId id) {
    if (store == null || store.unsupported || !(details instanceof ReadRawModifiedDetails raw)) {
      return new HistoryReadResult(new StatusCode(StatusCodes.Bad_HistoryOperationUnsupported), null, null);
    }
    String node = name(id);
    NavigableMap<Long, DataValue> series = store.series.get(node);
    if (series == null) {
      return new HistoryReadResult(new StatusCode(StatusCodes.Bad_HistoryOperationUnsupported), null, null);
    }
    long from = micros(raw.getStartTime());
    long end = micros(raw.getEndTime());
    String cp = point(id.getContinuationPoint());
    if (cp != null) {
      Map.Entry<String, Long> at = store.open.remove(cp);
      if (at == null || !at.getKey().equals(node)) {
        return new HistoryReadResult(new StatusCode(StatusCodes.Bad_ContinuationPointInvalid), null, null);
      }
      from = at.getValue();
    }
    int max = raw.getNumValuesPerNode() == null || raw.getNumValuesPerNode().intValue() == 0 ? Integer.MAX_VALUE
        : raw.getNumValuesPerNode().intValue();
    List<DataValue> values = new ArrayList<>();
    ByteString next = ByteString.NULL_VALUE;
    long last = from;
    for (Map.Entry<Long, DataValue> e : series.subMap(from, true, end, false).entrySet()) {
      if (values.size() == max) {
        break;
      }
      values.add(e.getValue());
      last = e.getKey();
    }
    if (values.size() == max) {
      // A full page gets a continuation point even when nothing follows (Part 11 allows it; the
      // next answer is then empty), as some servers do.
      String point = "cp-" + store.handedOut.incrementAndGet();
      store.open.put(point, Map.entry(node, last + 1));
      next = ByteString.of(point.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }
    ExtensionObject data = ExtensionObject.encode(encoding, new HistoryData(values.toArray(DataValue[]::new)));
    return new HistoryReadResult(StatusCode.GOOD, next, data);
  }
}
