package io.ferry.drivers.opcua;

import io.ferry.core.Backoff;
import io.ferry.core.MicroTime;
import io.ferry.core.Sample;
import io.ferry.drivers.spi.DriverContext;
import io.ferry.drivers.spi.PollingDriver;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.sdk.client.SessionActivityListener;
import org.eclipse.milo.opcua.sdk.client.UaSession;
import org.eclipse.milo.opcua.stack.core.AttributeId;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.enumerated.TimestampsToReturn;
import org.eclipse.milo.opcua.stack.core.types.structured.ReadResponse;
import org.eclipse.milo.opcua.stack.core.types.structured.ReadValueId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Poll mode: one batched Read of every usable node per tick, split into chunks of the server's
 * MaxNodesPerRead (or the configured cap). Runs on the scheduler's thread; connects lazily and
 * after a failure waits out an exponential backoff (polls in between fail fast). Once connected,
 * Milo keeps the session alive and reconnects by itself; this driver re-resolves the nodes
 * whenever a new session becomes active.
 */
final class OpcUaPollingDriver implements PollingDriver {
  private static final Logger LOG = LoggerFactory.getLogger(OpcUaPollingDriver.class);
  /** Nodes per Read when the server states no limit (keeps each message well under the usual size limits). */
  static final int DEFAULT_CHUNK = 1000;

  private final OpcUaPlan plan;
  private final DriverContext context;
  private final MiloConnector connector;
  private final NodeReporter reporter;
  private final Backoff backoff;
  private final AtomicBoolean sessionChanged = new AtomicBoolean(true);

  private volatile OpcUaClient client;
  private Map<NodePlan, NodeId> resolved = Map.of();
  /** The source time last delivered per node: a poll returning it again is not a new sample. */
  private final Map<NodePlan, Long> lastSourceTime = new java.util.HashMap<>();
  private int chunkSize;
  private int failures;
  private Instant nextAttempt = Instant.MIN;
  private String state = "";
  private volatile boolean closed;

  OpcUaPollingDriver(OpcUaPlan plan, DriverContext context) {
    this.plan = plan;
    this.context = context;
    this.connector = new MiloConnector(plan, context.stateDir(), context.clock());
    this.reporter = new NodeReporter(plan.instrument().id(), context.metrics());
    this.backoff = plan.connection().backoff();
  }

  @Override
  public List<Sample> poll() throws Exception {
    if (closed) {
      throw new IllegalStateException("driver closed");
    }
    OpcUaClient c = connected();
    if (sessionChanged.getAndSet(false)) {
      reporter.retryAll();
      resolved = NodeResolver.resolve(c, plan.nodes(), reporter);
      long serverLimit = 0;
      try {
        serverLimit = c.readOperationLimits().maxNodesPerRead().map(u -> u.longValue()).orElse(0L);
      } catch (UaException e) {
        LOG.debug("{}: cannot read OperationLimits ({}); using {} nodes per Read", plan.instrument().id(), MiloConnector.reason(e), DEFAULT_CHUNK);
      }
      chunkSize = Chunks.readSize(plan.connection().maxNodesPerRead(), serverLimit, DEFAULT_CHUNK);
    }
    List<NodePlan> nodes = new ArrayList<>();
    List<ReadValueId> ids = new ArrayList<>();
    for (NodePlan n : plan.nodes()) {
      NodeId id = resolved.get(n);
      if (id != null && !reporter.skipped(n)) {
        nodes.add(n);
        ids.add(new ReadValueId(id, AttributeId.Value.uid(), null, null));
      }
    }
    List<Sample> out = new ArrayList<>(nodes.size());
    int start = 0;
    while (start < ids.size()) {
      int end = Math.min(ids.size(), start + chunkSize);
      List<DataValue> values;
      try {
        values = read(c, ids.subList(start, end));
      } catch (UaException e) {
        if ((e.getStatusCode().getValue() & 0xFFFF0000L) == StatusCodes.Bad_TooManyOperations && chunkSize > 1) {
          // The server's stated limit was wrong (or absent): learn a smaller one and try again.
          chunkSize = Math.max(1, chunkSize / 2);
          LOG.info("{}: server refused {} nodes in one Read; now reading at most {} per request", plan.instrument().id(), end - start, chunkSize);
          continue;
        }
        context.metrics().increment("errors");
        throw new Exception(plan.instrument().id() + ": Read failed: " + MiloConnector.reason(e), e);
      }
      context.metrics().increment("reads");
      long arrival = MicroTime.now(context.clock());
      for (int i = 0; i < values.size() && start + i < end; i++) {
        NodePlan n = nodes.get(start + i);
        Reading r = SampleMapper.map(n.channel(), values.get(i), plan.timestamps(), arrival);
        if (r instanceof Reading.Value v) {
          if (plan.skipUnchanged() && SampleMapper.usesSourceTime(values.get(i), plan.timestamps())) {
            // A static node (a setpoint, a nameplate value) keeps its source time: the same sample again.
            Long previous = lastSourceTime.put(n, v.sample().timeMicros());
            if (previous != null && previous == v.sample().timeMicros()) {
              context.metrics().increment("unchanged");
              continue;
            }
          }
          out.add(v.sample());
        } else if (r instanceof Reading.Unusable u) {
          reporter.unusable(n, u.reason());
        }
      }
      start = end;
    }
    return out;
  }

  private List<DataValue> read(OpcUaClient c, List<ReadValueId> ids) throws UaException, InterruptedException {
    try {
      ReadResponse response = c.readAsync(0.0, TimestampsToReturn.Both, ids)
          .get(plan.connection().requestTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
      DataValue[] results = response.getResults();
      if (results == null || results.length != ids.size()) {
        throw new UaException(StatusCodes.Bad_UnexpectedError, "the server answered " + (results == null ? 0 : results.length) + " results for " + ids.size() + " nodes");
      }
      return List.of(results);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      throw cause instanceof UaException ua ? ua : new UaException(StatusCodes.Bad_UnexpectedError, cause);
    } catch (TimeoutException e) {
      throw new UaException(StatusCodes.Bad_Timeout, "no answer to Read within " + plan.connection().requestTimeout().toMillis() + " ms");
    }
  }

  private OpcUaClient connected() throws OpcUaConnectException {
    OpcUaClient c = client;
    if (c != null) {
      return c;
    }
    Instant now = context.clock().instant();
    if (now.isBefore(nextAttempt)) {
      throw new OpcUaConnectException(plan.instrument().id() + ": not connected; next attempt at " + nextAttempt, false, null);
    }
    state("connecting");
    try {
      c = connector.connect();
    } catch (OpcUaConnectException e) {
      failures++;
      nextAttempt = context.clock().instant().plus(backoff.step(failures));
      state("backoff");
      if (failures == 1 || e.needsOperator()) {
        LOG.warn("{}: {} (retrying with backoff up to {})", plan.instrument().id(), e.getMessage(), plan.connection().backoff().max());
      }
      context.metrics().increment("connectFailures");
      throw e;
    }
    failures = 0;
    c.addSessionActivityListener(new SessionActivityListener() {
      @Override
      public void onSessionActive(UaSession session) {
        sessionChanged.set(true);
        state("connected");
      }

      @Override
      public void onSessionInactive(UaSession session) {
        state("reconnecting");
      }
    });
    sessionChanged.set(true);
    state("connected");
    LOG.info("{}: connected to {} ({})", plan.instrument().id(), plan.connection().endpoint(), plan.connection().security());
    client = c;
    if (closed) {
      close();
    }
    return c;
  }

  private synchronized void state(String s) {
    if (!s.equals(state)) {
      state = s;
      context.metrics().state(s);
    }
  }

  /** Nodes per Read in use (learned from the server's OperationLimits). */
  int chunkSize() {
    return chunkSize;
  }

  /** Channels skipped because their nodes are unusable (for tests and health). */
  java.util.Set<String> skippedChannels() {
    return reporter.skippedChannels();
  }

  @Override
  public void close() {
    closed = true;
    OpcUaClient c = client;
    client = null;
    if (c != null) {
      MiloConnector.close(c);
    }
  }
}
