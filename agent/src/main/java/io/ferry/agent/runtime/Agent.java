package io.ferry.agent.runtime;

import io.ferry.agent.plan.AgentPlan;
import io.ferry.agent.plan.ExtraContext;
import io.ferry.agent.plan.PlannedExtra;
import io.ferry.agent.plan.PlannedInstrument;
import io.ferry.agent.plan.PlannedUplink;
import io.ferry.buffer.Buffer;
import io.ferry.buffer.BufferStats;
import io.ferry.buffer.SqliteBuffer;
import io.ferry.core.ChannelId;
import io.ferry.config.InstrumentInfo;
import io.ferry.core.Sleeper;
import io.ferry.drivers.spi.Driver;
import io.ferry.drivers.spi.DriverContext;
import io.ferry.drivers.spi.HeldSourceTimes;
import io.ferry.drivers.spi.SampleSink;
import io.ferry.uplink.ChannelCatalog;
import io.ferry.uplink.UplinkContext;
import io.ferry.uplink.UplinkService;
import io.ferry.uplink.UplinkStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running agent: the buffer, the uplinks reading from it, the scheduler feeding it, and the
 * optional services. Starts in that order (so nothing polled waits for a closed buffer) and stops
 * in reverse: drivers first, then the buffer is flushed, then uplinks and services stop, then the
 * buffer closes. Unacknowledged leases are simply released at the next start.
 */
public final class Agent implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Agent.class);

  private final Buffer buffer;
  private final OkHttpClient http;
  private final InstantSource clock;
  private final UplinkContext uctx;
  /** Which instruments are down, for the uplinks (the same verdict as /health). */
  private final InstrumentUpWatch upWatch;
  /** What uplinks look up about channels and instruments; swapped by reload, so an instrument change restarts no uplink. */
  private final AtomicReference<ChannelCatalog> catalog;
  // Replaced by reload(), which holds the lock; read by status readers.
  private final List<UplinkService> uplinks = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final List<PlannedExtra.RunningExtra> extras = new ArrayList<>();
  private final Map<String, LoggingDriverMetrics> driverMetrics = new java.util.concurrent.ConcurrentHashMap<>();
  /** The running drivers that can write, by instrument id (replaced with their instruments by a reload). */
  private final Map<String, io.ferry.drivers.spi.Writable> writables = new java.util.concurrent.ConcurrentHashMap<>();
  private final io.ferry.buffer.WriteAudit audit;
  private final WriteService writes;
  /** Setpoints following the mirror; null when no channel follows one. */
  private volatile SetpointFollower follower;
  private Scheduler scheduler;
  private volatile AgentPlan plan;
  private final AtomicLong buffered = new AtomicLong();
  /** Records delivered by uplinks a reload stopped: "uploaded" counts since the agent started, not since the last reload. */
  private final AtomicLong uploadedByStopped = new AtomicLong();
  /** Idle uplinks wait for the next append instead of polling the buffer. */
  private final AppendSignal appendSignal = new AppendSignal();
  private final AtomicBoolean closed = new AtomicBoolean();
  /** The buffer's last stats, taken just before it closed, so the final status line is true. */
  private volatile BufferStats finalStats;

  private Agent(AgentPlan plan, InstantSource clock, Sleeper sleeper, PollListener pollListener) {
    this.plan = plan;
    this.clock = clock;
    createDirectories(plan.stateDir());
    buffer = SqliteBuffer.open(plan.buffer(), plan.channels(), clock);
    try {
      audit = io.ferry.buffer.WriteAudit.open(plan.buffer().file());
    } catch (java.sql.SQLException e) {
      buffer.close();
      throw new IllegalStateException("cannot open the write audit in " + plan.buffer().file() + ": " + e.getMessage(), e);
    }
    writes = new WriteService(() -> this.plan, id -> java.util.Optional.ofNullable(writables.get(id)), audit, clock,
        io.ferry.core.Ticker.system(), plan.writeRetention());
    http = new OkHttpClient();
    upWatch = new InstrumentUpWatch(clock,
        plan.http().map(io.ferry.config.HttpSettings::instrumentFailures).orElse(io.ferry.config.HttpSettings.DEFAULT_INSTRUMENT_FAILURES),
        () -> scheduler == null ? List.of() : scheduler.stats(),
        () -> scheduler == null ? java.util.Set.of() : scheduler.streamingInstruments());
    catalog = new AtomicReference<>(ChannelCatalog.of(infos(plan)));
    // A command an uplink receives (a Sparkplug DCMD) is a write like any other: same rules, same audit.
    io.ferry.uplink.InstrumentWrites uplinkWrites = (source, channel, value) -> {
      WriteService.Result r = writes.write(source, channel, value);
      return new io.ferry.uplink.InstrumentWrites.Answer(r.outcome().word(), r.outcome().detail());
    };
    uctx = new UplinkContext(buffer, clock, http, appendSignal, new SplittableRandom(), upWatch, catalog::get, uplinkWrites);
    try {
      for (PlannedUplink pu : plan.uplinks()) {
        startUplink(pu);
      }
      ExtraContext ectx = new ExtraContext(buffer, clock);
      for (PlannedExtra e : plan.extras()) {
        extras.add(e.start(ectx));
      }
      SampleSink sink = samples -> buffer.append(samples).thenRun(() -> {
        buffered.addAndGet(samples.size());
        appendSignal.appended();
      });
      PollListener listeners = (instrument, nanos, outcome) -> {
        upWatch.polled(instrument, nanos, outcome);
        pollListener.polled(instrument, nanos, outcome);
      };
      scheduler = new Scheduler(clock, sleeper, sink, listeners);
      for (PlannedInstrument pi : plan.instruments()) {
        addInstrument(pi);
      }
      scheduler.start();
      upWatch.start();
      if (SetpointFollower.needed(plan)) {
        follower = new SetpointFollower(() -> this.plan, plan.buffer().file(), audit, writes, clock, upWatch);
        follower.start();
      }
    } catch (RuntimeException e) {
      if (scheduler != null) {
        scheduler.close(); // closes the drivers already opened, even though it never started
      }
      upWatch.close();
      closeUplinksAndBuffer();
      throw e;
    }
    LOG.info("ferry started: gateway {}, {} instruments, {} uplinks, buffer {}", plan.gatewayId(),
        plan.instruments().size(), plan.uplinks().size(), plan.buffer().file());
  }

  /** Opens the buffer, starts uplinks, services and instruments. */
  public static Agent start(AgentPlan plan, InstantSource clock) {
    return new Agent(plan, clock, Sleeper.system(), PollListener.NONE);
  }

  /** As {@link #start(AgentPlan, InstantSource)}, with the scheduler waiting through {@code sleeper} (tests). */
  public static Agent start(AgentPlan plan, InstantSource clock, Sleeper sleeper) {
    return new Agent(plan, clock, sleeper, PollListener.NONE);
  }

  private void startUplink(PlannedUplink pu) {
    UplinkService service = pu.factory().open(pu.plan(), uctx);
    uplinks.add(service);
    service.start();
  }

  private void addInstrument(PlannedInstrument pi) {
    Path state = plan.stateDir().resolve("instruments").resolve(pi.info().id());
    createDirectories(state);
    LoggingDriverMetrics metrics = new LoggingDriverMetrics(pi.info().id());
    // A history backfill starts after what the buffer holds of each channel (kept after upload and delete)
    // and resumes after what it stored from history, committed with those samples.
    HeldSourceTimes held = new HeldSourceTimes() {
      @Override
      public Map<ChannelId, Long> newest(String instrument) {
        return buffer.newestSourceTimes(instrument);
      }

      @Override
      public Map<ChannelId, Long> backfilled(String instrument) {
        return buffer.historySourceTimes(instrument);
      }
    };
    SampleSink history = samples -> buffer.appendHistory(samples).thenRun(() -> {
      buffered.addAndGet(samples.size());
      appendSignal.appended();
    });
    Driver driver = pi.factory().open(pi.plan(), new DriverContext(clock, state, metrics).withHistory(held, history));
    driverMetrics.put(pi.info().id(), metrics);
    scheduler.add(pi.info(), driver);
    if (driver instanceof io.ferry.drivers.spi.Writable w) {
      writables.put(pi.info().id(), w);
    }
  }

  /** The configuration running now (the last one a reload applied). */
  public AgentPlan plan() {
    return plan;
  }

  /** Each running instrument's counters (since the agent first started it), in configuration order. */
  public List<PollStats> instrumentStats() {
    return scheduler.stats();
  }

  /**
   * What is more than {@code grace} past its own deadline: polled instruments whose tick thread did
   * not wake when due or whose poll is still in the driver after its timeout, uplink runners whose
   * step did not come back by its deadline (a call's is its start plus the uplink's {@code timeout},
   * however long that is configured). Empty when healthy; an uplink waiting out a backoff or inside
   * a long but timely call is healthy. The systemd watchdog pings only while this is empty.
   */
  public List<String> stalled(Duration grace) {
    java.time.Instant now = clock.instant();
    List<String> out = new ArrayList<>(scheduler.stalled(now, grace));
    for (UplinkService u : uplinks) {
      u.dueBy().filter(due -> due.plus(grace).isBefore(now))
          .ifPresent(due -> out.add("uplink " + u.name() + ": one step was due back at " + due + " and has not returned"));
    }
    return out;
  }

  /**
   * Applies {@code next} without a restart: when {@link ReloadDiff#refusals} is empty, stops
   * removed and changed instruments, gives the buffer the new channels, starts added and changed
   * instruments, and restarts only the uplinks whose plan changed (an uplink plan holds only the
   * uplink's own keys; what it needs to know about channels it reads from the {@link ChannelCatalog}
   * swapped here, so an instrument change restarts no uplink). Unchanged instruments keep
   * running on their tick schedule; the buffer and what it holds are untouched (an uplink
   * restarted mid-batch releases its lease, so the new runner sends that batch again at once:
   * nothing is lost).
   */
  public synchronized ReloadOutcome reload(AgentPlan next) {
    if (closed.get()) {
      return new ReloadOutcome.Refused(List.of("ferry is stopping"));
    }
    ReloadDiff diff = ReloadDiff.between(plan, next);
    if (!diff.refusals().isEmpty()) {
      return new ReloadOutcome.Refused(diff.refusals());
    }
    List<String> failures = new ArrayList<>();
    List<String> stopping = new ArrayList<>(diff.removedInstruments());
    diff.changedInstruments().forEach(pi -> stopping.add(pi.info().id()));
    for (String id : stopping) {
      writables.remove(id);
      scheduler.remove(id, Scheduler.DEFAULT_STOP_GRACE);
      LoggingDriverMetrics m = driverMetrics.remove(id);
      if (m != null) {
        m.logTotals();
      }
    }
    buffer.configure(next.channels());
    catalog.set(catalog.get().then(infos(next))); // before the new instruments poll: their first samples find their metadata
    plan = next;
    if (follower == null && SetpointFollower.needed(next)) {
      follower = new SetpointFollower(() -> this.plan, next.buffer().file(), audit, writes, clock, upWatch);
      follower.start();
    }
    List<PlannedInstrument> starting = new ArrayList<>(diff.changedInstruments());
    starting.addAll(diff.addedInstruments());
    for (PlannedInstrument pi : starting) {
      try {
        addInstrument(pi);
      } catch (RuntimeException e) {
        failures.add("instrument " + pi.info().id() + ": " + e.getMessage());
        LOG.error("reload: instrument {} could not be started: {}", pi.info().id(), io.ferry.config.IoCauses.message(e));
      }
    }
    List<String> stopUplinks = new ArrayList<>(diff.removedUplinks());
    diff.changedUplinks().forEach(pu -> stopUplinks.add(pu.name()));
    for (UplinkService u : List.copyOf(uplinks)) {
      if (stopUplinks.contains(u.name())) {
        closeUplink(u);
        uplinks.remove(u);
        uploadedByStopped.addAndGet(u.status().recordsDelivered());
      }
    }
    List<PlannedUplink> startUplinks = new ArrayList<>(diff.changedUplinks());
    startUplinks.addAll(diff.addedUplinks());
    for (PlannedUplink pu : startUplinks) {
      try {
        startUplink(pu);
      } catch (RuntimeException e) {
        failures.add("uplink " + pu.name() + ": " + e.getMessage());
        LOG.error("reload: uplink {} could not be started: {}", pu.name(), io.ferry.config.IoCauses.message(e));
      }
    }
    ReloadOutcome.Applied applied = new ReloadOutcome.Applied(diff, failures);
    LOG.info("{}", applied.line());
    return applied;
  }

  /** The same, telling {@code pollListener} about every poll (the status server's latency histograms). */
  public static Agent start(AgentPlan plan, InstantSource clock, PollListener pollListener) {
    return new Agent(plan, clock, Sleeper.system(), pollListener);
  }

  /** With both a sleeper and a poll listener (tests of the status server on a manual clock). */
  public static Agent start(AgentPlan plan, InstantSource clock, Sleeper sleeper, PollListener pollListener) {
    return new Agent(plan, clock, sleeper, pollListener);
  }

  /** What every part counts now, for health, metrics and the status page. Cheap enough for each request. */
  public AgentSnapshot snapshot() {
    java.util.Map<String, java.util.Map<String, Long>> drivers = new java.util.LinkedHashMap<>();
    driverMetrics.values().forEach(m -> drivers.put(m.instrument(), m.totals()));
    java.util.Optional<BufferStats> stats;
    try {
      stats = java.util.Optional.ofNullable(closed.get() ? finalStats : buffer.stats());
    } catch (RuntimeException e) {
      stats = java.util.Optional.empty(); // closing or failing: health says so through the uplinks and instruments
    }
    java.util.Optional<io.ferry.mirror.MirrorStatus> mirror = extras.stream()
        .map(PlannedExtra.RunningExtra::mirrorStatus).flatMap(java.util.Optional::stream).findFirst();
    return new AgentSnapshot(scheduler.stats(), scheduler.streamingInstruments(), drivers, uplinks.stream().map(UplinkService::status).toList(), stats, mirror,
        writes.counts());
  }

  public Buffer buffer() {
    return buffer;
  }

  /** One look of the mirrored-setpoint follower now (tests); none when no channel follows a series. */
  List<WriteService.Result> followNow() throws InterruptedException {
    SetpointFollower f = follower;
    return f == null ? List.of() : f.check();
  }

  /** Where every write to an instrument goes through (the local API, mirrored setpoints). */
  /** The instruments the agent judges down now ({@link InstrumentUp}), for tests. */
  java.util.Set<String> instrumentsDown() {
    return upWatch.down();
  }

  public WriteService writes() {
    return writes;
  }

  public AgentStatus status() {
    PollStats polls = scheduler.totals();
    List<UplinkStatus> us = uplinks.stream().map(UplinkService::status).toList();
    long uploaded = uploadedByStopped.get() + us.stream().mapToLong(UplinkStatus::recordsDelivered).sum();
    BufferStats stats = closed.get() ? finalStats : buffer.stats();
    long backlog = stats == null ? 0
        : stats.uplinks().values().stream().mapToLong(b -> b.samples() + b.rollups() + b.increments()).sum();
    long refused = stats == null ? polls.refused() : stats.refused();
    List<String> extraStatus = extras.stream().map(PlannedExtra.RunningExtra::statusFragment).toList();
    return new AgentStatus(polls.samples(), buffered.get(), refused, uploaded, backlog,
        polls.errors() + polls.timeouts() + polls.empty() + polls.skippedBackoff(), us, extraStatus);
  }

  /** Stops drivers, flushes the buffer, stops uplinks and services, closes the buffer. Idempotent. */
  @Override
  public synchronized void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    LOG.info("ferry stopping");
    if (follower != null) {
      follower.close();
    }
    writables.clear();
    // Stopped instruments are not "down": no DDEATH for them, the uplinks end their sessions.
    upWatch.close();
    scheduler.close();
    driverMetrics.values().forEach(LoggingDriverMetrics::logTotals);
    buffer.flush();
    closeUplinksAndBuffer();
    LOG.info("ferry stopped");
  }

  private void closeUplinksAndBuffer() {
    for (PlannedExtra.RunningExtra e : extras) {
      try {
        e.close();
      } catch (RuntimeException ex) {
        LOG.warn("stopping a service failed: {}", io.ferry.config.IoCauses.message(ex));
      }
    }
    uplinks.forEach(Agent::closeUplink);
    try {
      finalStats = buffer.stats();
    } catch (RuntimeException ex) {
      LOG.warn("reading the buffer's final counts failed: {}", io.ferry.config.IoCauses.message(ex));
    }
    audit.close();
    buffer.close();
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
  }

  private static void closeUplink(UplinkService u) {
    try {
      u.close();
    } catch (RuntimeException ex) {
      LOG.warn("stopping uplink {} failed: {}", u.name(), io.ferry.config.IoCauses.message(ex));
    }
  }

  private static List<InstrumentInfo> infos(AgentPlan plan) {
    return plan.instruments().stream().map(PlannedInstrument::info).toList();
  }

  private static void createDirectories(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create state directory " + dir + ": " + e.getMessage(), e);
    }
  }
}
