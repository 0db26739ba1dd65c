package io.ferry.drivers.opcua;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.stack.core.AttributeId;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.enumerated.TimestampsToReturn;
import org.eclipse.milo.opcua.stack.core.types.structured.HistoryData;
import org.eclipse.milo.opcua.stack.core.types.structured.HistoryReadResult;
import org.eclipse.milo.opcua.stack.core.types.structured.HistoryReadValueId;
import org.eclipse.milo.opcua.stack.core.types.structured.ReadRawModifiedDetails;
import org.eclipse.milo.opcua.stack.core.types.structured.ReadResponse;
import org.eclipse.milo.opcua.stack.core.types.structured.ReadValueId;

/**
 * The OPC UA calls of a backfill on one session's client, each bounded by the request timeout:
 * which nodes keep history, the server's nodes per HistoryRead, one raw HistoryRead, the release
 * of continuation points.
 */
final class HistoryCalls {
  /** Nodes per HistoryRead when the server states no MaxNodesPerHistoryReadData. */
  static final int DEFAULT_NODES_PER_CALL = 100;
  private static final int ACCESS_HISTORY_READ = 0x04;

  private final OpcUaClient client;
  private final Duration timeout;

  HistoryCalls(OpcUaClient client, Duration timeout) {
    this.client = client;
    this.timeout = timeout;
  }

  /** Per node: does it keep history (attribute Historizing, or HistoryRead in AccessLevel)? */
  boolean[] historizing(List<NodeId> nodes, int readChunk) throws UaException, InterruptedException {
    List<ReadValueId> reads = new ArrayList<>();
    for (NodeId n : nodes) {
      reads.add(new ReadValueId(n, AttributeId.Historizing.uid(), null, null));
      reads.add(new ReadValueId(n, AttributeId.AccessLevel.uid(), null, null));
    }
    List<DataValue> values = new ArrayList<>();
    for (List<ReadValueId> chunk : Chunks.of(reads, Math.max(2, readChunk))) {
      ReadResponse r = await(client.readAsync(0.0, TimestampsToReturn.Neither, chunk), "Read");
      if (r.getResults() == null || r.getResults().length != chunk.size()) {
        throw new UaException(StatusCodes.Bad_UnexpectedError, "the server answered a Read of " + chunk.size() + " attributes with "
            + (r.getResults() == null ? 0 : r.getResults().length));
      }
      values.addAll(List.of(r.getResults()));
    }
    boolean[] out = new boolean[nodes.size()];
    for (int i = 0; i < out.length; i++) {
      Object historizing = values.get(2 * i).getValue().getValue();
      Object access = values.get(2 * i + 1).getValue().getValue();
      out[i] = Boolean.TRUE.equals(historizing) || access instanceof Number a && (a.intValue() & ACCESS_HISTORY_READ) != 0;
    }
    return out;
  }

  /** The server's MaxNodesPerHistoryReadData (0: it states none). */
  long maxNodesPerCall() throws UaException {
    return client.readOperationLimits().maxNodesPerHistoryReadData().map(u -> u.longValue()).orElse(0L);
  }

  /** One raw HistoryRead: a result per node, in order. */
  HistoryReadResult[] read(ReadRawModifiedDetails details, List<HistoryReadValueId> nodes) throws UaException, InterruptedException {
    HistoryReadResult[] results = await(client.historyReadAsync(details, TimestampsToReturn.Both, false, nodes), "HistoryRead").getResults();
    if (results == null || results.length != nodes.size()) {
      throw new UaException(StatusCodes.Bad_UnexpectedError, "the server answered " + (results == null ? 0 : results.length)
          + " history results for " + nodes.size() + " nodes");
    }
    return results;
  }

  /** The values of one result (none when it holds no HistoryData). */
  List<DataValue> values(HistoryReadResult r) {
    if (r.getHistoryData() == null || r.getHistoryData().isNull()) {
      return List.of();
    }
    Object decoded = r.getHistoryData().decode(client.getStaticEncodingContext());
    if (decoded instanceof HistoryData d && d.getDataValues() != null) {
      return List.of(d.getDataValues());
    }
    return List.of();
  }

  /** Tells the server to drop these nodes' continuation points. */
  void release(ReadRawModifiedDetails details, List<HistoryReadValueId> points) throws UaException, InterruptedException {
    await(client.historyReadAsync(details, TimestampsToReturn.Both, true, points), "HistoryRead (release)");
  }

  private <T> T await(CompletableFuture<T> call, String service) throws UaException, InterruptedException {
    try {
      return call.get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      throw cause instanceof UaException ua ? ua : new UaException(StatusCodes.Bad_UnexpectedError, cause);
    } catch (TimeoutException e) {
      throw new UaException(StatusCodes.Bad_Timeout, "no answer to " + service + " within " + timeout.toMillis() + " ms");
    }
  }
}
