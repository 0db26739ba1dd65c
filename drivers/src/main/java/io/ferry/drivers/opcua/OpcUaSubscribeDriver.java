package io.ferry.drivers.opcua;

import io.ferry.core.Backoff;
import io.ferry.core.MicroTime;
import io.ferry.core.Sample;
import io.ferry.drivers.spi.DriverContext;
import io.ferry.drivers.spi.SampleSink;
import io.ferry.drivers.spi.StreamingDriver;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.sdk.client.SessionActivityListener;
import org.eclipse.milo.opcua.sdk.client.UaSession;
import org.eclipse.milo.opcua.sdk.client.subscriptions.MonitoredItemServiceOperationResult;
import org.eclipse.milo.opcua.sdk.client.subscriptions.OpcUaMonitoredItem;
import org.eclipse.milo.opcua.sdk.client.subscriptions.OpcUaSubscription;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.enumerated.DataChangeTrigger;
import org.eclipse.milo.opcua.stack.core.types.enumerated.DeadbandType;
import org.eclipse.milo.opcua.stack.core.types.structured.DataChangeFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.uint;

/**
 * Subscribe mode: one subscription with one monitored item per channel. A single supervisor
 * thread per instrument connects (with backoff), creates the subscription and its items, and
 * watches it. When the session is lost, the client is dropped and the supervisor reconnects with
 * the configured backoff (not Milo's, which reaches 16 s) and subscribes afresh. When Milo reports
 * that the subscription could not be transferred or timed out, or when neither data nor
 * keep-alive arrived within {@code staleIntervals} publishing intervals, the subscription is
 * deleted (best effort) and created again with all its items. Nothing outside the driver restarts.
 *
 * <p>A write runs on the supervisor thread too, on the current session: it never overlaps a
 * connect or a subscription being created, and sees the client the supervisor owns. A write that
 * has not started within the request timeout (the supervisor busy connecting) is withdrawn before
 * anything is sent: {@code failed}.
 *
 * <p>With {@code backfill:}, every new subscription is a new backfill round ({@link FirstValues}):
 * a channel's window ends at the source time of its first notification in that subscription (the
 * server sends each item's current value when it is created), so the live value is never read from
 * history too. A channel without a notification yet has no window: it waits for its first one (a
 * moment chosen by the agent, such as the subscription's creation or a Read, could fall after the
 * source time the first notification then carries, and that value would be stored twice). The
 * window is journalled before the notification's samples go to the sink; the history is read on
 * the backfill's own thread, so the notifications are never held back by it.
 */
final class OpcUaSubscribeDriver implements StreamingDriver, io.ferry.drivers.spi.Writable {
  private static final Logger LOG = LoggerFactory.getLogger(OpcUaSubscribeDriver.class);

  private final OpcUaPlan plan;
  private final DriverContext context;
  private final MiloConnector connector;
  private final NodeReporter reporter;
  private final Backoff backoff;
  private final ScheduledExecutorService supervisor;
  private final AtomicBoolean recreate = new AtomicBoolean();
  private final AtomicBoolean sessionChanged = new AtomicBoolean();
  /** The session of the current client is active; a fresh flag per client, so a dropped client's events cannot touch its successor. */
  private volatile AtomicBoolean sessionActive = new AtomicBoolean();
  private final AtomicBoolean pendingItems = new AtomicBoolean();
  private final AtomicLong lastActivityMillis = new AtomicLong();
  private final AtomicLong recreations = new AtomicLong();

  // touched by the supervisor thread only
  private OpcUaClient client;
  private OpcUaSubscription subscription;
  private int failures;
  private int createFailures;
  private Instant nextAttempt = Instant.MIN;
  private String state = "";

  private volatile SampleSink sink;
  private volatile boolean closed;
  /** Null without {@code backfill:}. */
  private final Backfiller backfiller;
  /** The newest source time Ferry holds per channel: the buffer's at open, then every live sample delivered. */
  private final Map<io.ferry.core.ChannelId, Long> held = new java.util.concurrent.ConcurrentHashMap<>();
  /** The backfill round of the current subscription; null without backfill or before the first subscription. */
  private volatile FirstValues firstValues;

  OpcUaSubscribeDriver(OpcUaPlan plan, DriverContext context) {
    this.plan = plan;
    this.context = context;
    this.connector = new MiloConnector(plan, context.stateDir(), context.clock());
    this.reporter = new NodeReporter(plan.instrument().id(), context.metrics());
    this.backoff = plan.connection().backoff();
    this.backfiller = plan.backfill().enabled() ? Backfiller.open(plan, context, held) : null;
    this.supervisor = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "ferry-opcua-" + plan.instrument().id());
      t.setDaemon(true);
      return t;
    });
  }

  @Override
  public void start(SampleSink sink) {
    if (this.sink != null) {
      throw new IllegalStateException("already started");
    }
    this.sink = sink;
    long period = Math.max(100, Math.min(1000, plan.subscription().publishingInterval().toMillis()));
    supervisor.scheduleWithFixedDelay(this::supervise, 0, period, TimeUnit.MILLISECONDS);
  }

  /** One supervision step; never throws (a throw would cancel the schedule). */
  private void supervise() {
    if (closed) {
      return;
    }
    try {
      if (client == null) {
        connect();
        return;
      }
      if (!sessionActive.get()) {
        dropLostClient();
        connect();
        return;
      }
      if (subscription == null || recreate.getAndSet(false) || sessionChanged.get() && subscription.getSubscriptionId().isEmpty()) {
        createSubscription();
        return;
      }
      if (pendingItems.get()) {
        createItems(subscription);
        return;
      }
      Instant now = context.clock().instant();
      if (StaleCheck.stale(Instant.ofEpochMilli(lastActivityMillis.get()), now, plan.subscription().staleAfter())) {
        LOG.warn("{}: no data and no keep-alive for {} publishing intervals; recreating the subscription",
            plan.instrument().id(), plan.subscription().staleIntervals());
        context.metrics().increment("staleSubscriptions");
        createSubscription();
      }
    } catch (RuntimeException e) {
      LOG.warn("{}: subscription supervision failed: {}", plan.instrument().id(), MiloConnector.reason(e));
      context.metrics().increment("errors");
    }
  }

  /**
   * The session went away. Milo would reconnect by itself, but with its own backoff (up to 16 s,
   * whatever {@code backoffMax} says), so the client is let go and {@link #connect} takes over
   * with the configured backoff, the first attempt right away; the new session gets a new
   * subscription (the server sends each item's current value when it is created).
   */
  private void dropLostClient() {
    OpcUaClient lost = client;
    client = null;
    OpcUaSubscription old = subscription;
    subscription = null;
    if (old != null) {
      old.setSubscriptionListener(null);
      recreations.incrementAndGet();
    }
    pendingItems.set(false);
    recreate.set(false);
    failures = 0;
    nextAttempt = Instant.MIN;
    state("reconnecting");
    LOG.warn("{}: connection to {} lost; reconnecting", plan.instrument().id(), plan.connection().endpoint());
    MiloConnector.abandon(lost);
  }

  private void connect() {
    Instant now = context.clock().instant();
    if (now.isBefore(nextAttempt)) {
      return;
    }
    state("connecting");
    OpcUaClient c;
    try {
      c = connector.connect();
    } catch (OpcUaConnectException e) {
      failures++;
      Duration delay = backoff.step(failures);
      nextAttempt = context.clock().instant().plus(delay);
      state("backoff");
      context.metrics().increment("connectFailures");
      if (failures == 1 || e.needsOperator() && failures % 10 == 1) {
        LOG.warn("{}: {} (retrying with backoff up to {})", plan.instrument().id(), e.getMessage(),
            io.ferry.config.Durations.format(plan.connection().backoff().max()));
      }
      return;
    }
    failures = 0;
    AtomicBoolean active = new AtomicBoolean(true);
    c.addSessionActivityListener(new SessionActivityListener() {
      @Override
      public void onSessionActive(UaSession session) {
        sessionChanged.set(true);
        touch();
      }

      @Override
      public void onSessionInactive(UaSession session) {
        active.set(false); // the supervisor drops this client and reconnects with the configured backoff
      }
    });
    sessionActive = active;
    client = c;
    state("connected");
    LOG.info("{}: connected to {} ({})", plan.instrument().id(), plan.connection().endpoint(), plan.connection().security());
    createSubscription();
  }

  /** Deletes the current subscription (best effort) and creates a new one with every usable item. */
  private void createSubscription() {
    OpcUaClient c = client;
    OpcUaSubscription old = subscription;
    subscription = null;
    if (old != null) {
      old.setSubscriptionListener(null);
      try {
        old.deleteAsync().toCompletableFuture().get(plan.connection().requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        old.reset();
      }
      recreations.incrementAndGet();
    }
    sessionChanged.set(false);
    reporter.retryAll();
    Map<NodePlan, NodeId> resolved = NodeResolver.resolve(c, plan.nodes(), reporter);
    SubscriptionSettings s = plan.subscription();
    OpcUaSubscription sub = new OpcUaSubscription(c, (double) s.publishingInterval().toMillis());
    sub.setLifetimeAndKeepAliveCalculated(false);
    sub.setMaxKeepAliveCount(uint(s.keepAliveCount()));
    sub.setLifetimeCount(uint(Math.max(3L * s.keepAliveCount(), s.staleIntervals() + 1L)));
    sub.setSubscriptionListener(new Listener());
    try {
      sub.create();
    } catch (Exception e) {
      if (createFailures++ == 0) {
        LOG.warn("{}: cannot create the subscription: {}; retrying", plan.instrument().id(), MiloConnector.reason(e));
      }
      context.metrics().increment("errors");
      recreate.set(true);
      subscription = sub;
      return;
    }
    List<OpcUaMonitoredItem> items = new ArrayList<>();
    for (NodePlan n : plan.nodes()) {
      NodeId id = resolved.get(n);
      if (id == null) {
        continue;
      }
      OpcUaMonitoredItem item = OpcUaMonitoredItem.newDataItem(id);
      item.setSamplingInterval((double) n.samplingInterval().toMillis());
      item.setQueueSize(uint(n.queueSize()));
      item.setDiscardOldest(true);
      filter(n.deadband()).ifPresent(item::setFilter);
      item.setUserObject(n);
      items.add(item);
    }
    sub.setMaxMonitoredItemsPerCall(uint(s.monitoredItemsPerCall()));
    sub.addMonitoredItems(items);
    if (backfiller != null) {
      firstValues = new FirstValues(sub, c, resolved, readChunk(c));
    }
    subscription = sub;
    createFailures = 0;
    touch();
    createItems(sub);
  }

  /**
   * Creates the items still waiting on the server. Items the server refuses for good (unknown
   * node, not readable, filter unsupported) are dropped and reported once; items that failed for a
   * passing reason (timeout, server busy) stay pending and are retried on the next supervision.
   */
  private void createItems(OpcUaSubscription sub) {
    int created = 0;
    int pending = 0;
    StatusCode lastTransient = null;
    for (MonitoredItemServiceOperationResult r : sub.createMonitoredItems()) {
      NodePlan n = (NodePlan) r.monitoredItem().getUserObject().orElseThrow();
      StatusCode status = r.serviceResult().isGood() ? r.operationResult().orElse(StatusCode.GOOD) : r.serviceResult();
      if (status.isGood()) {
        created++;
      } else if (r.serviceResult().isGood() && SampleMapper.unusable(status)) {
        sub.removeMonitoredItem(r.monitoredItem());
        reporter.unusable(n, "cannot monitor: " + statusName(status));
      } else {
        pending++;
        lastTransient = status;
      }
    }
    pendingItems.set(pending > 0);
    if (pending > 0) {
      LOG.warn("{}: {} monitored item(s) not created yet ({}); retrying", plan.instrument().id(), pending, statusName(lastTransient));
      context.metrics().increment("errors");
    }
    LOG.info("{}: subscription {} monitoring {} more item(s), {} of {} channel(s) in total", plan.instrument().id(),
        sub.getSubscriptionId().map(Object::toString).orElse("?"), created,
        sub.getMonitoredItems().stream().filter(i -> i.getSyncState() == OpcUaMonitoredItem.SyncState.SYNCHRONIZED).count(), plan.nodes().size());
  }

  private static String statusName(StatusCode status) {
    return StatusCodes.lookup(status.getValue()).map(x -> x[0]).orElse(status.toString());
  }

  static java.util.Optional<DataChangeFilter> filter(Deadband d) {
    if (d instanceof Deadband.Absolute a) {
      return java.util.Optional.of(new DataChangeFilter(DataChangeTrigger.StatusValue, uint(DeadbandType.Absolute.getValue()), a.value()));
    }
    if (d instanceof Deadband.Percent p) {
      return java.util.Optional.of(new DataChangeFilter(DataChangeTrigger.StatusValue, uint(DeadbandType.Percent.getValue()), p.value()));
    }
    return java.util.Optional.empty();
  }

  /** Nodes per Read for the backfill's Historizing/AccessLevel reads: the configured cap within the server's limit. */
  private int readChunk(OpcUaClient c) {
    long serverLimit = 0;
    try {
      serverLimit = c.readOperationLimits().maxNodesPerRead().map(u -> u.longValue()).orElse(0L);
    } catch (org.eclipse.milo.opcua.stack.core.UaException e) {
      LOG.debug("{}: cannot read OperationLimits ({}); using {} nodes per Read", plan.instrument().id(), MiloConnector.reason(e),
          OpcUaPollingDriver.DEFAULT_CHUNK);
    }
    return Chunks.readSize(plan.connection().maxNodesPerRead(), serverLimit, OpcUaPollingDriver.DEFAULT_CHUNK);
  }

  /**
   * One subscription's backfill round: which channels had their first notification. Each first
   * value ends its channel's window, which goes to the backfiller (journalled) before the
   * notification's samples reach the sink; the first call also resumes what earlier runs left.
   */
  private final class FirstValues {
    private final OpcUaSubscription subscription;
    private final OpcUaClient client;
    private final Map<NodePlan, NodeId> resolved;
    private final int readChunk;
    private final java.util.Set<NodePlan> seen = new java.util.HashSet<>();
    private boolean started;

    FirstValues(OpcUaSubscription subscription, OpcUaClient client, Map<NodePlan, NodeId> resolved, int readChunk) {
      this.subscription = subscription;
      this.client = client;
      this.resolved = Map.copyOf(resolved);
      this.readChunk = readChunk;
    }

    /** Called with each notification's values before they go to the sink; then they count as held. */
    synchronized void received(Map<NodePlan, Long> firstTimes, List<Sample> samples) {
      long now = MicroTime.now(context.clock());
      Map<NodePlan, HistoryWindow> fresh = new java.util.HashMap<>();
      firstTimes.forEach((n, t) -> {
        if (seen.add(n)) {
          HistoryWindow.of(held.get(n.channel()), t, now, plan.backfill().maxAge()).ifPresent(w -> fresh.put(n, w));
        }
      });
      if (!started || !fresh.isEmpty()) {
        started = true;
        backfiller.start(client, resolved, fresh, readChunk);
      }
      for (Sample x : samples) {
        held.merge(x.channel(), x.timeMicros(), Math::max);
      }
    }
  }

  private void touch() {
    lastActivityMillis.set(context.clock().millis());
  }

  private final class Listener implements OpcUaSubscription.SubscriptionListener {
    @Override
    public void onDataReceived(OpcUaSubscription s, List<OpcUaMonitoredItem> items, List<DataValue> values) {
      touch();
      long arrival = MicroTime.now(context.clock());
      List<Sample> samples = new ArrayList<>(values.size());
      Map<NodePlan, Long> firstTimes = new java.util.LinkedHashMap<>();
      for (int i = 0; i < items.size() && i < values.size(); i++) {
        Object user = items.get(i).getUserObject().orElse(null);
        if (!(user instanceof NodePlan n)) {
          continue;
        }
        Reading r = SampleMapper.map(n.channel(), values.get(i), plan.timestamps(), arrival);
        if (r instanceof Reading.Value v) {
          samples.add(v.sample());
          firstTimes.putIfAbsent(n, v.sample().timeMicros()); // a queue's values come oldest first
        } else if (r instanceof Reading.Unusable u) {
          reporter.unusable(n, u.reason());
        }
      }
      FirstValues round = firstValues;
      if (round != null && round.subscription == s && !closed) {
        round.received(firstTimes, samples);
      }
      SampleSink target = sink;
      if (!samples.isEmpty() && target != null && !closed) {
        try {
          target.accept(samples).whenComplete((ok, error) -> {
            if (error != null) {
              context.metrics().increment("refused", samples.size());
            }
          });
        } catch (RuntimeException e) {
          context.metrics().increment("refused", samples.size());
        }
      }
    }

    @Override
    public void onKeepAliveReceived(OpcUaSubscription s) {
      touch();
    }

    @Override
    public void onTransferFailed(OpcUaSubscription s, StatusCode status) {
      LOG.info("{}: subscription not transferred to the new session ({}); recreating it", plan.instrument().id(), status);
      recreate.set(true);
    }

    @Override
    public void onStatusChanged(OpcUaSubscription s, StatusCode status) {
      if ((status.getValue() & 0xFFFF0000L) == StatusCodes.Bad_Timeout) {
        LOG.info("{}: the server expired the subscription; recreating it", plan.instrument().id());
        recreate.set(true);
      }
    }

    @Override
    public void onWatchdogTimerElapsed(OpcUaSubscription s) {
      LOG.info("{}: subscription watchdog elapsed; recreating it", plan.instrument().id());
      recreate.set(true);
    }

    @Override
    public void onNotificationDataLost(OpcUaSubscription s) {
      context.metrics().increment("notificationsLost");
    }
  }

  private void state(String s) {
    synchronized (this) {
      if (s.equals(state)) {
        return;
      }
      state = s;
    }
    context.metrics().state(s);
  }

  /** How many times the subscription was deleted and created again (tests, health). */
  long recreations() {
    return recreations.get();
  }

  java.util.Set<String> skippedChannels() {
    return reporter.skippedChannels();
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    supervisor.shutdownNow();
    try {
      supervisor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (backfiller != null) {
      backfiller.close(); // before the client goes: its continuation points are released on this session
    }
    OpcUaClient c = client;
    client = null;
    if (c != null) {
      MiloConnector.close(c);
    }
  }

  @Override
  public io.ferry.drivers.spi.WriteOutcome write(io.ferry.drivers.spi.WriteRequest request) throws InterruptedException {
    NodePlan n = plan.nodes().stream().filter(x -> x.channel().equals(request.channel())).findFirst().orElse(null);
    if (n == null || OpcUaWriter.spec(plan, request.channel()).isEmpty()) {
      return new io.ferry.drivers.spi.WriteOutcome.Rejected(request.channel() + " is not writable");
    }
    java.util.concurrent.Future<io.ferry.drivers.spi.WriteOutcome> f;
    try {
      f = supervisor.submit(() -> writeNow(n, request));
    } catch (java.util.concurrent.RejectedExecutionException stopped) {
      return new io.ferry.drivers.spi.WriteOutcome.Failed("not sent: the instrument is stopping");
    }
    try {
      try {
        return f.get(plan.connection().requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.TimeoutException late) {
        if (f.cancel(false)) {
          return new io.ferry.drivers.spi.WriteOutcome.Failed("not sent: the connection to " + plan.connection().endpoint()
              + " was busy (connecting) for the whole request timeout");
        }
        return f.get(); // started: OpcUaWriter bounds it by the request timeout
      }
    } catch (java.util.concurrent.ExecutionException e) {
      return new io.ferry.drivers.spi.WriteOutcome.Unknown("the write ended without an answer (" + MiloConnector.reason(e.getCause()) + ")");
    } catch (java.util.concurrent.CancellationException e) {
      return new io.ferry.drivers.spi.WriteOutcome.Failed("not sent: the instrument is stopping");
    }
  }

  /** On the supervisor thread: one Write on the current session. */
  private io.ferry.drivers.spi.WriteOutcome writeNow(NodePlan n, io.ferry.drivers.spi.WriteRequest request) throws InterruptedException {
    OpcUaClient c = client;
    if (c == null || closed) {
      return new io.ferry.drivers.spi.WriteOutcome.Failed("not sent: not connected to " + plan.connection().endpoint());
    }
    return OpcUaWriter.write(c, plan, n, java.util.Optional.empty(), request);
  }

  /** Channels whose history is still to read (0 without backfill). */
  int backfillPending() {
    return backfiller == null ? 0 : backfiller.pendingChannels();
  }
}
