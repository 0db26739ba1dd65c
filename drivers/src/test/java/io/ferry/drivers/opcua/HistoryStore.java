package io.ferry.drivers.opcua;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;

/**
 * The in-memory history of a {@link TestOpcUaServer}'s historizing nodes, as a historian keeps it,
 * and what the server saw of HistoryRead: nodes per call, continuation points handed out, continued
 * and released.
 */
public final class HistoryStore {
  /** Per Plant node name: values by source time in µs. Nodes listed here are created historizing. */
  final Map<String, NavigableMap<Long, DataValue>> series = new ConcurrentHashMap<>();
  /** MaxNodesPerHistoryReadData the server states (0: none). */
  final int maxNodesPerCall;
  /** Answer every HistoryRead with Bad_HistoryOperationUnsupported. */
  final boolean unsupported;
  /** The node names of every HistoryRead call (not the releases). */
  public final List<List<String>> calls = new CopyOnWriteArrayList<>();
  /** Continuation points handed out and not yet continued or released: id to (node, next source time). */
  final Map<String, Map.Entry<String, Long>> open = new ConcurrentHashMap<>();
  final Set<String> released = ConcurrentHashMap.newKeySet();
  final AtomicInteger handedOut = new AtomicInteger();
  /**
   * A call that continues a continuation point is answered once this completes: replace it with an
   * open future to hold a backfill after its first answer (what the status shows in the middle).
   */
  public volatile java.util.concurrent.CompletableFuture<Void> continuations = java.util.concurrent.CompletableFuture.completedFuture(null);

  public HistoryStore(int maxNodesPerCall, boolean unsupported) {
    this.maxNodesPerCall = maxNodesPerCall;
    this.unsupported = unsupported;
  }

  /** Adds one Good value of {@code node} with this source time. */
  public HistoryStore add(String node, Instant sourceTime, double value) {
    long micros = sourceTime.getEpochSecond() * 1_000_000L + sourceTime.getNano() / 1000;
    series.computeIfAbsent(node, k -> new ConcurrentSkipListMap<>())
        .put(micros, new DataValue(new Variant(value), StatusCode.GOOD, new DateTime(sourceTime), new DateTime(sourceTime)));
    return this;
  }

  /** Every node's source times in µs within [from, to), oldest first. */
  List<Long> times(String node, Instant from, Instant to) {
    long f = from.getEpochSecond() * 1_000_000L + from.getNano() / 1000;
    long t = to.getEpochSecond() * 1_000_000L + to.getNano() / 1000;
    return new ArrayList<>(series.get(node).subMap(f, true, t, false).keySet());
  }
}
