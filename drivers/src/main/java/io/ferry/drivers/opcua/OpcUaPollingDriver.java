package io.ferry.drivers.opcua;

import io.ferry.core.Backoff;
import io.ferry.core.MicroTime;
import io.ferry.core.Sample;
import io.ferry.drivers.spi.DriverContext;
import io.ferry.drivers.spi.PollResult;
import io.ferry.drivers.spi.PollingDriver;
import io.ferry.drivers.spi.StillConnectingException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
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
 * MaxNodesPerRead (or the configured cap). Polls run on the scheduler's thread; connecting runs on
 * a connect thread of the driver's own, started when the driver opens and again after a lost
 * session, so a slow (secure) handshake is never cut by the poll timeout. Polls during an attempt
 * are skipped as "connecting"; after a failed attempt the connect thread schedules the next one
 * after an exponential backoff ({@code backoffInitial} to {@code backoffMax}) and polls in between
 * fail fast with the connect error. The nodes are resolved again for every new session.
 */
final class OpcUaPollingDriver implements PollingDriver, io.ferry.drivers.spi.Writable {
  private static final Logger LOG = LoggerFactory.getLogger(OpcUaPollingDriver.class);
  /** Nodes per Read when the server states no limit (keeps each message well under the usual size limits). */
  static final int DEFAULT_CHUNK = 1000;

  private final OpcUaPlan plan;
  private final DriverContext context;
  private final MiloConnector connector;
  private final NodeReporter reporter;
  private final Backoff backoff;
  private final AtomicBoolean sessionChanged = new AtomicBoolean(true);

  /** The connect thread: connecting (a secure handshake can take seconds) never runs inside a poll and its timeout. */
  private final ScheduledExecutorService connectThread;
  private volatile OpcUaClient client;
  /** The last attempt's failure while the next one waits out the backoff; null while connecting or connected. */
  private volatile OpcUaConnectException waiting;
  private volatile Instant nextAttempt = Instant.MIN;
  private int failures; // connect thread only
  private Map<NodePlan, NodeId> resolved = Map.of();
  /** The source time last delivered per node: a poll returning it again is not a new sample. */
  private final Map<NodePlan, Long> lastSourceTime = new java.util.HashMap<>();
  private int chunkSize;
  /** Null without {@code backfill:}. */
  private final Backfiller backfiller;
  /** The newest source time Ferry holds per channel: the buffer's at open, then every live sample delivered. */
  private final Map<io.ferry.core.ChannelId, Long> held = new java.util.concurrent.ConcurrentHashMap<>();
  /** A session began whose first complete poll has not yet started its backfill (poll thread only). */
  private boolean backfillDue;
  private String state = "";
  private volatile boolean closed;

  OpcUaPollingDriver(OpcUaPlan plan, DriverContext context) {
    this.plan = plan;
    this.context = context;
    this.connector = new MiloConnector(plan, context.stateDir(), context.clock());
    this.reporter = new NodeReporter(plan.instrument().id(), context.metrics());
    this.backoff = plan.connection().backoff();
    this.backfiller = plan.backfill().enabled() ? openBackfill(plan, context) : null;
    this.connectThread = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "ferry-opcua-connect-" + plan.instrument().id());
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * The backfill, after what the buffer holds (see {@link Backfiller#open}); with
   * {@code skipUnchanged} a value stored before a restart and polled again with the same source
   * time is not a new sample.
   */
  private Backfiller openBackfill(OpcUaPlan plan, DriverContext context) {
    Backfiller b = Backfiller.open(plan, context, held);
    if (plan.skipUnchanged()) {
      for (NodePlan n : plan.nodes()) {
        Long t = held.get(n.channel());
        if (t != null) {
          lastSourceTime.put(n, t);
        }
      }
    }
    return b;
  }

  @Override
  public List<Sample> poll() throws Exception {
    return read().samples();
  }

  /** The poll, with the good values left out as unchanged counted: a static node answering is still an answer. */
  @Override
  public PollResult read() throws Exception {
    pollLock.lockInterruptibly();
    try {
      return readLocked();
    } finally {
      pollLock.unlock();
    }
  }

  private PollResult readLocked() throws Exception {
    // throws StillConnectingException while the connect thread is at work, the connect error during a backoff
    if (closed) {
      throw new IllegalStateException("driver closed");
    }
    OpcUaClient c = connected();
    if (sessionChanged.getAndSet(false)) {
      backfillDue = backfiller != null;
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
    // A new session's first values end its backfill windows (the live value is not read from history too).
    Map<NodePlan, Long> firstLive = backfillDue ? new java.util.HashMap<>() : null;
    int unchangedGood = 0;
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
          if (firstLive != null) {
            firstLive.put(n, v.sample().timeMicros());
          }
          if (plan.skipUnchanged() && SampleMapper.usesSourceTime(values.get(i), plan.timestamps())) {
            // A static node (a setpoint, a nameplate value) keeps its source time: the same sample again.
            Long previous = lastSourceTime.put(n, v.sample().timeMicros());
            if (previous != null && previous == v.sample().timeMicros()) {
              context.metrics().increment("unchanged");
              if (v.sample().quality() == io.ferry.core.Quality.GOOD) {
                unchangedGood++;
              }
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
    if (firstLive != null) {
      backfillDue = false;
      startBackfill(c, nodes, firstLive);
    }
    if (backfiller != null) {
      for (Sample s : out) {
        held.merge(s.channel(), s.timeMicros(), Math::max);
      }
    }
    return new PollResult(out, unchangedGood);
  }

  /** Hands the session's windows (held, first live value] to the backfill thread; returns at once. */
  private void startBackfill(OpcUaClient c, List<NodePlan> nodes, Map<NodePlan, Long> firstLive) {
    long now = MicroTime.now(context.clock());
    Map<NodePlan, HistoryWindow> windows = new java.util.HashMap<>();
    for (NodePlan n : nodes) {
      HistoryWindow.of(held.get(n.channel()), firstLive.get(n), now, plan.backfill().maxAge()).ifPresent(w -> windows.put(n, w));
    }
    backfiller.start(c, resolved, windows, chunkSize);
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

  /** Starts connecting on the connect thread: when the driver opens, and after a lost session. */
  synchronized void startConnecting() {
    if (closed || client != null) {
      return;
    }
    waiting = null;
    connectThread.execute(this::connectOnce);
  }

  /**
   * On the connect thread: one attempt. On failure the connect thread itself schedules the next
   * one after the backoff (so a long poll interval does not stretch it); polls in between fail
   * fast with this failure.
   */
  private void connectOnce() {
    if (closed) {
      return;
    }
    waiting = null;
    state("connecting");
    OpcUaClient c;
    try {
      c = connector.connect();
    } catch (OpcUaConnectException e) {
      if (closed) {
        return; // close() interrupted the attempt: not a failure to report
      }
      failures++;
      Duration delay = backoff.step(failures);
      nextAttempt = context.clock().instant().plus(delay);
      waiting = e;
      state("backoff");
      if (failures == 1 || e.needsOperator() && failures % 10 == 1) {
        LOG.warn("{}: {} (retrying with backoff up to {})", plan.instrument().id(), e.getMessage(),
            io.ferry.config.Durations.format(plan.connection().backoff().max()));
      }
      context.metrics().increment("connectFailures");
      try {
        connectThread.schedule(this::connectOnce, delay.toMillis(), TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException closing) {
        // close() shut the thread down
      }
      return;
    }
    failures = 0;
    c.addSessionActivityListener(new SessionActivityListener() {
      @Override
      public void onSessionActive(UaSession session) {
        sessionChanged.set(true);
      }

      @Override
      public void onSessionInactive(UaSession session) {
        lost(c);
      }
    });
    synchronized (this) {
      if (closed) {
        MiloConnector.close(c);
        return;
      }
      sessionChanged.set(true);
      client = c;
      state("connected");
    }
    LOG.info("{}: connected to {} ({})", plan.instrument().id(), plan.connection().endpoint(), plan.connection().security());
  }

  /**
   * The session of {@code c} went away. Milo would reconnect by itself, but with its own backoff
   * (up to 16 s, whatever {@code backoffMax} says): the client is dropped and the driver
   * reconnects on the connect thread with the configured backoff, the first attempt right away.
   */
  private void lost(OpcUaClient c) {
    synchronized (this) {
      if (client != c) {
        return;
      }
      client = null;
      state("reconnecting");
    }
    LOG.warn("{}: connection to {} lost; reconnecting", plan.instrument().id(), plan.connection().endpoint());
    MiloConnector.abandon(c);
    startConnecting();
  }

  private OpcUaClient connected() throws OpcUaConnectException, StillConnectingException {
    OpcUaClient c = client;
    if (c != null) {
      return c;
    }
    OpcUaConnectException failed = waiting;
    if (failed != null) {
      throw new OpcUaConnectException(plan.instrument().id() + ": not connected: " + failed.getMessage() + " (next attempt at "
          + nextAttempt + ")", failed.needsOperator(), null);
    }
    throw new StillConnectingException("connecting to " + plan.connection().endpoint());
  }

  /**
   * One Write on the instrument's session; it waits for a poll in progress (the same lock), so the
   * device never sees a write in the middle of a poll's Read.
   */
  @Override
  public io.ferry.drivers.spi.WriteOutcome write(io.ferry.drivers.spi.WriteRequest request) throws InterruptedException {
    NodePlan n = plan.nodes().stream().filter(x -> x.channel().equals(request.channel())).findFirst().orElse(null);
    if (n == null || OpcUaWriter.spec(plan, request.channel()).isEmpty()) {
      return new io.ferry.drivers.spi.WriteOutcome.Rejected(request.channel() + " is not writable");
    }
    OpcUaClient c = client;
    if (c == null || closed) {
      return new io.ferry.drivers.spi.WriteOutcome.Failed("not sent: not connected to " + plan.connection().endpoint());
    }
    pollLock.lockInterruptibly();
    try {
      // resolved by the polls, under the same lock
      return OpcUaWriter.write(c, plan, n, java.util.Optional.ofNullable(resolved.get(n)), request);
    } finally {
      pollLock.unlock();
    }
  }

  /** Held by a poll and by a write: they never overlap on the session. */
  private final java.util.concurrent.locks.ReentrantLock pollLock = new java.util.concurrent.locks.ReentrantLock();

  /** True once a session is up (tests await it before their first poll; health). */
  boolean isConnected() {
    return client != null;
  }

  private synchronized void state(String s) {
    if (!s.equals(state)) {
      state = s;
      context.metrics().state(s);
    }
  }

  /** Channels whose history is still to read (0 without backfill). */
  int backfillPending() {
    return backfiller == null ? 0 : backfiller.pendingChannels();
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
    OpcUaClient c;
    synchronized (this) {
      closed = true;
      c = client;
      client = null;
    }
    connectThread.shutdownNow(); // interrupts a running attempt, which then closes its half-made client
    if (backfiller != null) {
      backfiller.close(); // before the client goes: its continuation points are released on this session
    }
    if (c != null) {
      MiloConnector.close(c);
    }
  }
}
