package io.ferry.drivers.opcua;

import io.ferry.core.MicroTime;
import io.ferry.core.Sample;
import io.ferry.drivers.spi.DriverContext;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.types.builtin.ByteString;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned;
import org.eclipse.milo.opcua.stack.core.types.structured.HistoryReadResult;
import org.eclipse.milo.opcua.stack.core.types.structured.HistoryReadValueId;
import org.eclipse.milo.opcua.stack.core.types.structured.ReadRawModifiedDetails;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * History backfill of one OPC UA instrument, on a thread of its own so that it never delays a live
 * poll: per session, the windows the polling driver computed ({@link HistoryWindow}) are read with
 * HistoryRead/ReadRawModifiedDetails, {@code MaxNodesPerHistoryReadData} nodes and
 * {@code valuesPerCall} values per node at a time, following continuation points to the end. Each
 * answer's samples go to the history sink and the next call waits until they are durable, so the
 * buffer's newest source time is never behind what was read. A new session or {@link #close()}
 * stops the run between two calls and releases its continuation points; what was left of each
 * window is read in the next session, and after a restart from the {@link BackfillJournal}. The
 * calls themselves are in {@link HistoryCalls}, what a status means in {@link HistoryAnswer}.
 *
 * <p>Nodes that keep no history (neither {@code Historizing} nor the HistoryRead access bit) and a
 * server answering {@code Bad_HistoryOperationUnsupported} are reported in one line per instrument
 * and session; the live data goes on as before.
 */
final class Backfiller implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Backfiller.class);
  private final OpcUaPlan plan;
  private final DriverContext context;
  private final BackfillJournal journal;
  private final String id;
  private final ExecutorService thread;
  private final AtomicLong generation = new AtomicLong();
  /** Completed when the current run is to stop (a new session, close): wakes it from waiting on the buffer. */
  private volatile CompletableFuture<Void> stopSignal = new CompletableFuture<>();
  /** Per node, what is still to read, oldest first. Backfill thread only. */
  private final Map<NodePlan, Deque<HistoryWindow>> remaining = new LinkedHashMap<>();
  /** Per node of the window being read, the newest source time handed to the buffer. Backfill thread only. */
  private final Map<NodePlan, Long> inProgress = new HashMap<>();
  private volatile boolean closed;
  private volatile int pending;

  /**
   * @param journal where the windows of each session are written before its live values are stored
   * @param left what earlier runs of the process did not read (from the journal), per node oldest first
   */
  Backfiller(OpcUaPlan plan, DriverContext context, BackfillJournal journal, Map<NodePlan, List<HistoryWindow>> left) {
    this.plan = plan;
    this.context = context;
    this.journal = journal;
    left.forEach((n, ws) -> remaining.put(n, new ArrayDeque<>(ws)));
    this.pending = remaining.size();
    this.id = plan.instrument().id();
    this.thread = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "ferry-opcua-backfill-" + id);
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Opens the backfill of an instrument: fills {@code held} with the newest source time the buffer
   * holds per channel (the first session's windows start after it) and resumes what a run before a
   * restart left of its windows (the journal, after what the buffer stored from history).
   */
  static Backfiller open(OpcUaPlan plan, DriverContext context, Map<io.ferry.core.ChannelId, Long> held) {
    String id = plan.instrument().id();
    held.putAll(context.held().newest(id));
    BackfillJournal journal = new BackfillJournal(context.stateDir());
    Map<NodePlan, List<HistoryWindow>> left = new LinkedHashMap<>();
    try {
      long floor = MicroTime.now(context.clock()) - plan.backfill().maxAge().toNanos() / 1000;
      Map<String, List<HistoryWindow>> byChannel = BackfillJournal.left(journal.load(), context.held().backfilled(id), id, floor);
      List<BackfillJournal.Entry> kept = new ArrayList<>();
      for (NodePlan n : plan.nodes()) {
        List<HistoryWindow> ws = byChannel.get(n.channel().channel());
        if (ws != null) {
          left.put(n, ws);
          ws.forEach(w -> kept.add(new BackfillJournal.Entry(n.channel().channel(), w)));
        }
      }
      journal.rewrite(kept);
      if (!left.isEmpty()) {
        LOG.info("{}: resuming the backfill of {} channel(s) interrupted by the last stop", id, left.size());
      }
    } catch (java.io.IOException e) {
      LOG.warn("{}: cannot read {} ({}); a backfill interrupted by the last stop is not resumed", id, BackfillJournal.FILE, e.getMessage());
    }
    return new Backfiller(plan, context, journal, left);
  }

  /**
   * A new session is up and its first live values were read (the first poll; in subscribe mode the
   * first notification of each channel): stops the previous run (between two calls) and reads
   * {@code fresh} plus what earlier runs left, on the backfill thread. Returns once {@code fresh}
   * is in the journal.
   */
  void start(OpcUaClient client, Map<NodePlan, NodeId> resolved, Map<NodePlan, HistoryWindow> fresh, int readChunk) {
    long run;
    CompletableFuture<Void> stop = new CompletableFuture<>();
    synchronized (this) {
      // Durable before the poll's live values go to the buffer: a crash from now on still knows the gap.
      List<BackfillJournal.Entry> entries = new ArrayList<>();
      fresh.forEach((n, w) -> entries.add(new BackfillJournal.Entry(n.channel().channel(), w)));
      try {
        journal.append(entries);
      } catch (java.io.IOException e) {
        LOG.warn("{}: cannot write {} ({}); a restart before this backfill ends will not read the rest of the gap", id,
            BackfillJournal.FILE, e.getMessage());
      }
      run = generation.incrementAndGet();
      stopSignal.complete(null);
      stopSignal = stop;
    }
    Map<NodePlan, HistoryWindow> windows = Map.copyOf(fresh);
    Map<NodePlan, NodeId> ids = Map.copyOf(resolved);
    try {
      thread.execute(() -> run(run, stop, client, ids, windows, readChunk));
    } catch (RejectedExecutionException e) {
      // closed meanwhile
    }
  }

  private boolean stopped(long run) {
    return closed || generation.get() != run || Thread.currentThread().isInterrupted();
  }

  private void run(long run, CompletableFuture<Void> stop, OpcUaClient client, Map<NodePlan, NodeId> ids, Map<NodePlan, HistoryWindow> fresh, int readChunk) {
    fresh.forEach((n, w) -> remaining.computeIfAbsent(n, k -> new ArrayDeque<>()).addLast(w));
    if (stopped(run)) {
      return;
    }
    List<NodePlan> nodes = new ArrayList<>();
    for (NodePlan n : plan.nodes()) {
      if (remaining.containsKey(n) && ids.containsKey(n)) {
        nodes.add(n);
      }
    }
    gauges();
    if (nodes.isEmpty()) {
      return;
    }
    HistoryCalls calls = new HistoryCalls(client, plan.connection().requestTimeout());
    try {
      List<NodePlan> historizing = historizing(calls, ids, nodes, readChunk);
      if (historizing.size() < nodes.size()) {
        List<String> without = nodes.stream().filter(n -> !historizing.contains(n)).map(n -> n.channel().channel()).toList();
        LOG.info("{}: backfill skips {} channel(s) whose nodes keep no history (neither Historizing nor HistoryRead access): {}",
            id, without.size(), String.join(", ", without));
        nodes.stream().filter(n -> !historizing.contains(n)).forEach(remaining::remove);
        gauges();
      }
      int perCall = nodesPerCall(calls);
      // One call has one start and end time: nodes are read together when their windows are equal.
      while (!stopped(run)) {
        Map<HistoryWindow, List<NodePlan>> groups = new LinkedHashMap<>();
        for (NodePlan n : historizing) {
          Deque<HistoryWindow> q = remaining.get(n);
          if (q != null && !q.isEmpty()) {
            groups.computeIfAbsent(q.peekFirst(), k -> new ArrayList<>()).add(n);
          }
        }
        if (groups.isEmpty()) {
          break;
        }
        for (Map.Entry<HistoryWindow, List<NodePlan>> g : groups.entrySet()) {
          for (List<NodePlan> chunk : Chunks.of(g.getValue(), perCall)) {
            if (stopped(run) || !readWindow(run, stop, calls, ids, g.getKey(), chunk)) {
              return;
            }
          }
        }
      }
      if (!stopped(run) && remaining.isEmpty()) {
        LOG.info("{}: backfill complete", id);
        forget(run);
      }
    } catch (Unsupported e) {
      LOG.info("{}: the server does not read history ({}); no backfill, live data goes on", id, e.getMessage());
      remaining.clear();
      gauges();
      forget(run);
    } catch (UaException e) {
      if (!stopped(run)) {
        LOG.warn("{}: backfill paused until the next connection: {}", id, MiloConnector.reason(e));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Nothing is left to read: empties the journal, unless a new session already wrote its windows. */
  private void forget(long run) {
    synchronized (this) {
      if (generation.get() != run) {
        return;
      }
      try {
        journal.rewrite(List.of());
      } catch (java.io.IOException e) {
        LOG.debug("{}: cannot empty {} ({}); a restart reads what it names again, after what is stored", id,
            BackfillJournal.FILE, e.getMessage());
      }
    }
  }

  /** The nodes that keep history (attribute Historizing, or HistoryRead in AccessLevel). */
  private static List<NodePlan> historizing(HistoryCalls calls, Map<NodePlan, NodeId> ids, List<NodePlan> nodes, int readChunk)
      throws UaException, InterruptedException {
    boolean[] keeps = calls.historizing(nodes.stream().map(ids::get).toList(), readChunk);
    List<NodePlan> out = new ArrayList<>();
    for (int i = 0; i < keeps.length; i++) {
      if (keeps[i]) {
        out.add(nodes.get(i));
      }
    }
    return out;
  }

  private int nodesPerCall(HistoryCalls calls) {
    long limit = 0;
    try {
      limit = calls.maxNodesPerCall();
    } catch (UaException e) {
      LOG.debug("{}: cannot read MaxNodesPerHistoryReadData ({}); reading {} nodes per call", id, MiloConnector.reason(e),
          HistoryCalls.DEFAULT_NODES_PER_CALL);
    }
    return Chunks.readSize(0, limit, HistoryCalls.DEFAULT_NODES_PER_CALL);
  }

  /**
   * Reads one window of up to a call's worth of nodes to its end (continuation points followed),
   * storing each answer before asking for the next. False when the run was stopped.
   */
  private boolean readWindow(long run, CompletableFuture<Void> stop, HistoryCalls calls, Map<NodePlan, NodeId> ids, HistoryWindow window,
      List<NodePlan> chunk)
      throws UaException, InterruptedException, Unsupported {
    ReadRawModifiedDetails details = new ReadRawModifiedDetails(false, window.start(), window.end(),
        Unsigned.uint(plan.backfill().valuesPerCall()), false);
    Map<NodePlan, ByteString> points = new LinkedHashMap<>();
    List<NodePlan> active = new ArrayList<>(chunk);
    // While the window is read, each node's queue keeps it whole at its head and the newest time
    // handed to the buffer is in inProgress; whatever ends the read (the end, a stop, a failure),
    // the head is then replaced by what is left of it.
    inProgress.clear();
    try {
      return readWindow(run, stop, calls, ids, window, details, points, active);
    } finally {
      inProgress.forEach((n, t) -> progressed(n, window, t));
      inProgress.clear();
      gauges();
    }
  }

  private boolean readWindow(long run, CompletableFuture<Void> stop, HistoryCalls calls, Map<NodePlan, NodeId> ids, HistoryWindow window,
      ReadRawModifiedDetails details, Map<NodePlan, ByteString> points, List<NodePlan> active)
      throws UaException, InterruptedException, Unsupported {
    while (!active.isEmpty()) {
      if (stopped(run)) {
        release(calls, details, ids, points);
        return false;
      }
      List<HistoryReadValueId> request = new ArrayList<>(active.size());
      for (NodePlan n : active) {
        request.add(new HistoryReadValueId(ids.get(n), null, null, points.getOrDefault(n, ByteString.NULL_VALUE)));
      }
      HistoryReadResult[] results;
      try {
        results = calls.read(details, request);
      } catch (UaException e) {
        if (HistoryAnswer.of(e.getStatusCode()) == HistoryAnswer.UNSUPPORTED) {
          throw new Unsupported(HistoryAnswer.name(e.getStatusCode())); // refused as a service, not per node
        }
        throw e;
      }
      long arrival = MicroTime.now(context.clock());
      List<Sample> batch = new ArrayList<>();
      List<NodePlan> next = new ArrayList<>();
      for (int i = 0; i < results.length; i++) {
        NodePlan n = active.get(i);
        HistoryReadResult r = results[i];
        StatusCode status = r.getStatusCode() == null ? StatusCode.GOOD : r.getStatusCode();
        switch (HistoryAnswer.of(status)) {
          case UNSUPPORTED -> {
            release(calls, details, ids, points);
            throw new Unsupported(HistoryAnswer.name(status));
          }
          case NODE_FAILED -> {
            LOG.warn("{}: backfill of channel {} (node {}) stopped: the server answered {}", id, n.channel().channel(), n.node(),
                HistoryAnswer.name(status));
            points.remove(n);
            remaining.remove(n);
            inProgress.remove(n);
          }
          case DATA -> {
            for (DataValue dv : calls.values(r)) {
              if (SampleMapper.map(n.channel(), dv, TimestampSource.SOURCE, arrival) instanceof Reading.Value v
                  && window.contains(v.sample().timeMicros())) {
                batch.add(v.sample());
                // counts from the hand-over below: the buffer stores the batch (or counts it refused)
                // even if this run stops before it is durable, so it must not be read again
                inProgress.merge(n, v.sample().timeMicros(), Math::max);
              }
            }
            ByteString cp = r.getContinuationPoint();
            if (cp != null && cp.isNotNull() && cp.length() > 0) {
              points.put(n, cp);
              next.add(n);
            } else {
              points.remove(n);
              inProgress.remove(n);
              finished(n);
            }
          }
        }
      }
      active = next;
      if (!deliver(batch, stop)) {
        release(calls, details, ids, points);
        return false;
      }
      // after the batch is durable: no channel counts as done (pending 0) before its last values are stored
      gauges();
    }
    return true;
  }

  /**
   * Hands the samples to the buffer and waits until they are durable (the next call starts after
   * them), or until the run is stopped: false then.
   */
  private boolean deliver(List<Sample> batch, CompletableFuture<Void> stop) throws InterruptedException, UaException {
    if (batch.isEmpty()) {
      return true;
    }
    CompletableFuture<Void> stored = context.history().accept(batch).toCompletableFuture();
    try {
      CompletableFuture.anyOf(stored, stop).get();
      if (!stored.isDone()) {
        return false;
      }
      stored.get();
    } catch (ExecutionException e) {
      throw new UaException(StatusCodes.Bad_UnexpectedError, "the buffer refused " + batch.size() + " backfilled samples: "
          + MiloConnector.reason(e.getCause()));
    }
    context.metrics().increment("backfilled", batch.size());
    return true;
  }

  /** The node's window (the head of its queue, read in part) now starts after {@code reachedMicros}. */
  private void progressed(NodePlan n, HistoryWindow window, long reachedMicros) {
    Deque<HistoryWindow> q = remaining.get(n);
    if (q != null && window.equals(q.peekFirst())) {
      q.pollFirst();
      window.after(reachedMicros).ifPresent(q::addFirst);
      if (q.isEmpty()) {
        remaining.remove(n);
      }
    }
  }

  /** The node's current window was read to its end. */
  private void finished(NodePlan n) {
    Deque<HistoryWindow> q = remaining.get(n);
    if (q != null) {
      q.pollFirst();
      if (q.isEmpty()) {
        remaining.remove(n);
      }
    }
  }

  /** Channels still to read, and the source time up to which every one of them is filled. */
  private void gauges() {
    pending = remaining.size();
    context.metrics().gauge("backfillPending", pending);
    Optional<Long> reached = remaining.entrySet().stream().filter(e -> !e.getValue().isEmpty())
        .map(e -> inProgress.getOrDefault(e.getKey(), e.getValue().peekFirst().fromMicros() - 1)).min(Long::compare);
    reached.ifPresent(t -> context.metrics().gauge("backfillReachedMicros", t));
  }

  /** Tells the server to drop the continuation points it holds for this run (best effort). */
  private void release(HistoryCalls calls, ReadRawModifiedDetails details, Map<NodePlan, NodeId> ids, Map<NodePlan, ByteString> points) {
    if (points.isEmpty()) {
      return;
    }
    List<HistoryReadValueId> request = new ArrayList<>();
    points.forEach((n, cp) -> request.add(new HistoryReadValueId(ids.get(n), null, null, cp)));
    points.clear();
    try {
      calls.release(details, request);
    } catch (UaException e) {
      LOG.debug("{}: releasing continuation points failed ({}); the server drops them with the session", id, MiloConnector.reason(e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The server does not read history: the instrument's backfill stops. */
  private static final class Unsupported extends Exception {
    Unsupported(String reason) {
      super(reason, null, false, false);
    }
  }

  /** Channels with history still to read (tests, status). */
  int pendingChannels() {
    return pending;
  }

  @Override
  public void close() {
    synchronized (this) {
      closed = true;
      generation.incrementAndGet();
      stopSignal.complete(null);
    }
    thread.shutdown(); // the run stops between two calls and releases its continuation points
    try {
      if (!thread.awaitTermination(plan.connection().requestTimeout().toMillis() + 2000, TimeUnit.MILLISECONDS)) {
        thread.shutdownNow();
      }
    } catch (InterruptedException e) {
      thread.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
