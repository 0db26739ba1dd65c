package io.ferry.uplink;

import io.ferry.buffer.Buffer;
import io.ferry.buffer.BufferRecord;
import io.ferry.buffer.BufferStats;
import io.ferry.buffer.Lease;
import io.ferry.buffer.SampleRecord;
import io.ferry.core.LogGate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The upload engine shared by every uplink: one thread that leases a batch, lets the
 * {@link BatchHandler} encode and send it, and completes the lease from the {@link Delivery}. It
 * backs off exponentially with jitter (or as long as Retry-After says), halves the batch after a
 * "too large" answer, pauses on refused credentials and on answers that do not come from the API
 * (wrong url, redirect, proxy page) while the buffer keeps filling, and logs
 * catch-up progress. A failing uplink only ever blocks its own thread.
 */
public final class UplinkRunner implements UplinkService {
  private static final Logger LOG = LoggerFactory.getLogger(UplinkRunner.class);
  /** Successes needed before a halved batch size is doubled again. */
  private static final int GROW_AFTER = 4;
  /** How far a lease may grow beyond batchSize to hold one complete batch (memory bound). */
  private static final int MAX_GROWTH = 16;

  private final String name;
  private final String type;
  private final RunnerSettings settings;
  private final BatchHandler handler;
  private final UplinkContext ctx;
  private final Buffer buffer;
  private final Exchange exchange;
  private final Thread thread;

  private final AtomicLong records = new AtomicLong();
  private final AtomicLong samples = new AtomicLong();
  private final AtomicLong rejected = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  /** Batches by outcome ({@link UplinkStatus#OUTCOMES}), for metrics: one counter per kind of {@link Delivery}. */
  private final java.util.Map<String, AtomicLong> outcomes = new java.util.LinkedHashMap<>();
  private volatile long backlog = -1;
  private volatile UplinkState state = UplinkState.NEW;
  private volatile String lastError;
  /** The reason of the current back-off: logged when it starts or changes, not on every retry. */
  private final LogGate backingOff = LogGate.onChange();
  private volatile Instant lastSuccess;
  private volatile boolean stopping;
  private volatile boolean waiting;
  private volatile Instant busySince;

  private int batch;
  private int successesSinceShrink;
  private int attempt;
  private Instant lastProgress;
  private long recordsAtLastProgress;
  private final CatchUp catchUp;

  public UplinkRunner(String name, String type, RunnerSettings settings, BatchHandler handler, UplinkContext ctx) {
    this(name, type, settings, handler, ctx, new Exchange(ctx.http(), settings, ctx.clock(), ctx.sleeper()));
  }

  public UplinkRunner(String name, String type, RunnerSettings settings, BatchHandler handler, UplinkContext ctx, Exchange exchange) {
    this.name = name;
    this.type = type;
    this.settings = settings;
    this.handler = handler;
    this.ctx = ctx;
    this.buffer = ctx.buffer();
    this.exchange = exchange;
    this.batch = settings.batchRecords();
    this.catchUp = new CatchUp(name, settings.batchRecords(), CatchUp.lagLimit(settings));
    UplinkStatus.OUTCOMES.forEach(o -> outcomes.put(o, new AtomicLong()));
    this.thread = new Thread(this::run, "ferry-uplink-" + name);
    this.thread.setDaemon(true);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public synchronized void start() {
    if (state != UplinkState.NEW) {
      throw new IllegalStateException("uplink " + name + " already started");
    }
    state = UplinkState.RUNNING;
    lastProgress = ctx.clock().instant();
    thread.start();
    LOG.info("uplink {} ({}) started", name, type);
  }

  @Override
  public void close() {
    synchronized (this) {
      if (state == UplinkState.STOPPED) {
        return;
      }
      if (state == UplinkState.NEW) {
        state = UplinkState.STOPPED;
        handler.close();
        return;
      }
    }
    stopping = true;
    exchange.cancel();
    if (waiting) {
      thread.interrupt();
    }
    try {
      thread.join(5_000);
      if (thread.isAlive()) {
        thread.interrupt();
        thread.join(5_000);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    handler.close();
    state = UplinkState.STOPPED;
    LOG.info("uplink {} stopped: {} records delivered since start", name, records.get());
  }

  @Override
  public UplinkStatus status() {
    return new UplinkStatus(name, type, state, records.get(), samples.get(), rejected.get(), dropped.get(),
        Math.max(backlog, 0), exchange.bytesSent(), exchange.calls(), Optional.ofNullable(lastError),
        Optional.ofNullable(lastSuccess), handler.notes(), outcomeCounts(), handler.outcomeUnknown());
  }

  @Override
  public Optional<Instant> busySince() {
    return stopping || state == UplinkState.STOPPED ? Optional.empty() : Optional.ofNullable(busySince);
  }

  @Override
  public Optional<Instant> dueBy() {
    if (stopping || state == UplinkState.STOPPED || waiting || busySince == null) {
      return Optional.empty();
    }
    return exchange.dueBy();
  }

  private java.util.Map<String, Long> outcomeCounts() {
    java.util.Map<String, Long> m = new java.util.LinkedHashMap<>();
    outcomes.forEach((k, v) -> m.put(k, v.get()));
    return m;
  }

  private static String outcomeOf(Delivery d) {
    // Java 17 has no pattern switch: an instanceof chain over the sealed type.
    if (d instanceof Delivery.Acked) {
      return "acked";
    } else if (d instanceof Delivery.Partial) {
      return "partial";
    } else if (d instanceof Delivery.Retry) {
      return "retry";
    } else if (d instanceof Delivery.Rejected) {
      return "rejected";
    } else if (d instanceof Delivery.TooLarge) {
      return "too_large";
    } else if (d instanceof Delivery.Unauthorized) {
      return "unauthorized";
    } else if (d instanceof Delivery.Misconfigured) {
      return "misconfigured";
    } else if (d instanceof Delivery.NothingReady) {
      return "nothing_ready";
    }
    throw new IllegalStateException("unhandled delivery " + d);
  }

  // ------------------------------------------------------------------ the loop

  private void run() {
    try {
      BufferStats.UplinkBacklog b = buffer.stats().uplinks().get(name);
      backlog = b == null ? 0 : b.samples() + b.rollups() + b.increments();
    } catch (RuntimeException e) {
      LOG.warn("uplink {}: cannot read the backlog: {}", name, io.ferry.config.IoCauses.message(e));
    }
    while (!stopping) {
      try {
        busySince = ctx.clock().instant();
        exchange.dueWithin(Duration.ZERO); // the engine's part of a step (lease, ack) has only the margin
        step();
      } catch (InterruptedException e) {
        break;
      } catch (RuntimeException e) {
        // The buffer itself failed (closed, disk error): never kill the thread, back off and retry.
        fail(Optional.empty(), "internal error: " + io.ferry.config.IoCauses.message(e));
        LOG.error("uplink {}: unexpected failure, retrying", name, e);
        try {
          waitFor(settings.backoff().delay(++attempt, ctx.random()), false);
        } catch (InterruptedException ie) {
          break;
        }
      }
    }
  }

  private void step() throws InterruptedException {
    Lease lease = buffer.lease(name, handler.leaseRequest(batch, settings.leaseTtl()));
    if (lease.isEmpty()) {
      backlog = 0;
      catchUp.update(0, Optional.empty(), ctx.clock().instant(), 0).ifPresent(LOG::info);
      waitFor(settings.idlePoll(), true);
      return;
    }
    Delivery d;
    try {
      d = handler.deliver(lease, exchange);
    } catch (RuntimeException e) {
      String reason = "internal error: " + io.ferry.config.IoCauses.message(e);
      if (!backingOff.current("reason").equals(Optional.of(reason))) {
        LOG.error("uplink {}: handler failed on a batch of {} records", name, lease.size(), e);
      }
      d = new Delivery.Retry(Optional.empty(), reason);
    }
    if (stopping && d instanceof Delivery.Retry) {
      // The call was cancelled by close(). Release the records now rather than leaving them to the
      // lease timeout: an uplink restarted by a reload (or a fixed url) sends them at once. It is the
      // same at-least-once resend an expiry would cause, only sooner; log nothing alarming.
      try {
        lease.release();
      } catch (RuntimeException closing) {
        LOG.debug("uplink {}: lease left to expire ({})", name, closing.toString());
      }
      return;
    }
    complete(lease, d);
    progress();
  }

  private void complete(Lease lease, Delivery d) throws InterruptedException {
    outcomes.get(outcomeOf(d)).incrementAndGet();
    // Java 17 has no pattern switch: an instanceof chain over the sealed type, ending in an error.
    if (d instanceof Delivery.Acked a) {
      lease.ack();
      succeeded(lease.size(), lease.samples().size(), a.dropped());
      if (lease.drained()) {
        // The lease held all there was: wait for the next append rather than lease an empty queue
        // (one writer round trip less per delivery on an agent that keeps up).
        waitFor(settings.idlePoll(), true);
      }
    } else if (d instanceof Delivery.Partial p) {
      if (p.delivered().isEmpty()) {
        lease.release();
      } else {
        lease.ack(p.delivered());
      }
      succeeded(p.delivered().size(), (int) p.delivered().stream().filter(r -> r instanceof SampleRecord).count(), p.dropped());
      if (!p.more()) {
        waitFor(settings.idlePoll(), true);
      }
    } else if (d instanceof Delivery.Retry r) {
      lease.release();
      fail(r.after(), r.reason());
      Duration wait = settings.backoff().delay(++attempt, r.after(), ctx.random());
      waitFor(wait, false);
    } else if (d instanceof Delivery.Rejected r) {
      lease.reject(r.records(), r.reason());
      rejected.addAndGet(r.records().size());
      lastError = "rejected " + r.records().size() + " records: " + r.reason();
      LOG.warn("uplink {}: {} records refused for good (dead letters): {}", name, r.records().size(), r.reason());
    } else if (d instanceof Delivery.TooLarge t) {
      if (batch == 1) {
        List<BufferRecord> all = all(lease);
        lease.reject(all, "too large even alone: " + t.reason());
        rejected.addAndGet(all.size());
        LOG.warn("uplink {}: a single record is too large for the API, dead-lettered: {}", name, t.reason());
      } else {
        lease.release();
        batch = Math.max(1, batch / 2);
        successesSinceShrink = 0;
        LOG.info("uplink {}: batch too large ({}), sending {} records per batch", name, t.reason(), batch);
      }
    } else if (d instanceof Delivery.Unauthorized u) {
      lease.release();
      if (state != UplinkState.PAUSED_AUTH) {
        LOG.error("uplink {}: CREDENTIALS REFUSED ({}): uploads paused, samples keep buffering; "
            + "fix the key and restart, or wait: retrying every {}", name, u.reason(), settings.authRetry());
      }
      state = UplinkState.PAUSED_AUTH;
      backingOff.clear();
      lastError = "credentials refused: " + u.reason();
      waitFor(settings.authRetry(), false);
    } else if (d instanceof Delivery.Misconfigured m) {
      // Not the API's word on these records: never dead-letter them (issue 17). Keep them, say what
      // is wrong, and look again later: a fixed proxy or server needs no restart.
      lease.release();
      if (state != UplinkState.PAUSED_CONFIG || !m.reason().equals(lastError)) {
        LOG.error("uplink {}: NOT THE API ({}): uploads paused, samples keep buffering, nothing is dropped; "
            + "check url (and the proxy in front of the API); trying again every {}", name, m.reason(), settings.configRetry());
      }
      state = UplinkState.PAUSED_CONFIG;
      lastError = m.reason();
      waitFor(settings.configRetry(), false);
    } else if (d instanceof Delivery.NothingReady) {
      lease.release();
      if (lease.size() >= batch && batch < settings.batchRecords() * MAX_GROWTH) {
        // A full lease that cannot make a batch (an Atomscale chunk spanning more records than one
        // lease holds, e.g. with instruments polled at different rates): lease more, do not stall.
        batch = Math.min(batch * 2, settings.batchRecords() * MAX_GROWTH);
        LOG.info("uplink {}: a full lease held no complete batch; leasing {} records at a time", name, batch);
      } else {
        waitFor(settings.idlePoll(), true);
      }
    } else {
      throw new IllegalStateException("unhandled delivery " + d);
    }
  }

  private static List<BufferRecord> all(Lease lease) {
    List<BufferRecord> all = new java.util.ArrayList<>(lease.size());
    all.addAll(lease.samples());
    all.addAll(lease.rollups());
    all.addAll(lease.increments());
    return all;
  }

  private void succeeded(int recordCount, int sampleCount, int droppedCount) {
    records.addAndGet(recordCount);
    samples.addAndGet(sampleCount);
    dropped.addAndGet(droppedCount);
    if (state != UplinkState.RUNNING) {
      LOG.info("uplink {}: delivering again (was {})", name, state);
    }
    state = UplinkState.RUNNING;
    backingOff.clear();
    lastError = null;
    lastSuccess = ctx.clock().instant();
    attempt = 0;
    if (batch < settings.batchRecords() && ++successesSinceShrink >= GROW_AFTER) {
      batch = Math.min(settings.batchRecords(), batch * 2);
      successesSinceShrink = 0;
    }
  }

  private void fail(Optional<Duration> after, String reason) {
    state = UplinkState.BACKING_OFF;
    lastError = reason;
    if (backingOff.admit("reason", reason).isPresent()) {
      LOG.warn("uplink {}: {}; retrying{} (data stays buffered)", name, reason,
          after.map(a -> " after " + a.toSeconds() + " s as the server asked").orElse(" with backoff"));
    }
  }

  private void waitFor(Duration d, boolean idle) throws InterruptedException {
    if (stopping) {
      throw new InterruptedException();
    }
    waiting = true;
    busySince = null;
    try {
      if (idle) {
        ctx.sleeper().idle(d);
      } else {
        ctx.sleeper().sleep(d);
      }
    } finally {
      exchange.dueWithin(Duration.ZERO);
      busySince = ctx.clock().instant();
      waiting = false;
    }
    if (stopping) {
      throw new InterruptedException();
    }
  }

  private void progress() {
    Instant now = ctx.clock().instant();
    Duration since = Duration.between(lastProgress, now);
    if (since.compareTo(settings.progressEvery()) < 0) {
      return;
    }
    BufferStats.UplinkBacklog b = buffer.stats().uplinks().get(name);
    long waitingNow = b == null ? 0 : b.samples() + b.rollups() + b.increments();
    backlog = waitingNow;
    long done = records.get() - recordsAtLastProgress;
    double rate = since.toMillis() <= 0 ? 0 : done * 1000.0 / since.toMillis();
    Optional<Instant> oldest = b == null || waitingNow == 0 ? Optional.empty()
        : Optional.of(Instant.EPOCH.plus(b.oldestMicros(), java.time.temporal.ChronoUnit.MICROS));
    if (done > 0 || waitingNow == 0) {
      catchUp.update(waitingNow, oldest, now, rate).ifPresent(LOG::info);
    }
    lastProgress = now;
    recordsAtLastProgress = records.get();
  }
}
