package io.ferry.agent.http;

import io.ferry.agent.plan.AgentPlan;
import io.ferry.agent.plan.PlannedInstrument;
import io.ferry.agent.runtime.AgentSnapshot;
import io.ferry.agent.runtime.PollListener;
import io.ferry.agent.runtime.PollStats;
import io.ferry.config.HttpSettings;
import io.ferry.uplink.UplinkStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches a running agent for the status server: reads the agent's own counters
 * ({@link AgentSnapshot}), measures poll latency (the one thing nothing else counts), and keeps
 * one hour of history in small rings for the status page. One daemon thread takes a look every
 * {@code sampleEvery}; requests read a snapshot at most {@link #FRESH} old.
 */
public final class Observatory implements PollListener, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Observatory.class);
  static final Duration FRESH = Duration.ofMillis(250);
  /** How far back the catch-up rate is measured. */
  static final Duration CATCH_UP_WINDOW = Duration.ofMinutes(5);
  static final int RECENT_ERRORS = 20;

  private final AgentPlan plan;
  private final HttpSettings settings;
  private final InstantSource clock;
  private final Duration sampleEvery;
  private final int historyPoints;
  private final Instant started;
  private final Metrics metrics;

  // Latency per instrument since the previous look, for the sparkline (the histogram has it all).
  private final Map<String, AtomicLong> latencySum = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> latencyCount = new ConcurrentHashMap<>();
  private final Map<String, Ring> latency = new ConcurrentHashMap<>();
  private final Map<String, Ring> pollRate = new ConcurrentHashMap<>();
  private final Map<String, Ring> backlog = new ConcurrentHashMap<>();
  private final Ring bufferBytes;
  private final ErrorLog errors = new ErrorLog(RECENT_ERRORS);
  private final Map<String, Long> previousPolls = new HashMap<>();
  private long previousSampleMillis;
  private long previousRefused = -1;
  private volatile Instant lastRefusal;

  private volatile Supplier<AgentSnapshot> source;
  private AgentSnapshot cached;
  private long cachedAtNanos;
  private ScheduledExecutorService sampler;

  public Observatory(AgentPlan plan, HttpSettings settings, InstantSource clock, Duration sampleEvery, int historyPoints) {
    this.plan = Objects.requireNonNull(plan, "plan");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.sampleEvery = sampleEvery;
    this.historyPoints = historyPoints;
    this.started = clock.instant();
    this.bufferBytes = new Ring(historyPoints);
    // Instruments are followed through the snapshots (a reload adds and removes them); these are the first.
    for (PlannedInstrument pi : plan.instruments()) {
      watch(pi.info().id());
    }
    plan.uplinks().forEach(u -> backlog.put(u.plan().name(), new Ring(historyPoints)));
    this.metrics = new Metrics(this::current, this::health, clock);
  }

  /** One hour of history at one look every five seconds. */
  public static Observatory create(AgentPlan plan, HttpSettings settings, InstantSource clock) {
    return new Observatory(plan, settings, clock, Duration.ofSeconds(5), 720);
  }

  public HttpSettings settings() {
    return settings;
  }

  /** The configuration watched: its gateway id and state directory say which agent this is. */
  AgentPlan plan() {
    return plan;
  }

  private volatile io.ferry.agent.runtime.WriteService writes;

  /** Serves writes through {@code POST /api/write} when {@code http.writeApi} allows it. */
  public void attachWrites(io.ferry.agent.runtime.WriteService service) {
    this.writes = service;
  }

  /** The agent's write service once attached. */
  java.util.Optional<io.ferry.agent.runtime.WriteService> writes() {
    return java.util.Optional.ofNullable(writes);
  }

  /** Starts watching: {@code source} is the running agent's {@code snapshot()}. */
  public synchronized void attach(Supplier<AgentSnapshot> source) {
    if (this.source != null) {
      throw new IllegalStateException("already attached");
    }
    this.source = source;
    sampler = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "ferry-http-history");
      t.setDaemon(true);
      return t;
    });
    sampler.scheduleAtFixedRate(this::sampleQuietly, 0, sampleEvery.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void watch(String id) {
    latencySum.computeIfAbsent(id, k -> new AtomicLong());
    latencyCount.computeIfAbsent(id, k -> new AtomicLong());
    latency.computeIfAbsent(id, k -> new Ring(historyPoints));
    pollRate.computeIfAbsent(id, k -> new Ring(historyPoints));
  }

  /** Starts and stops watching instruments as a reload adds and removes them. */
  private void follow(AgentSnapshot s) {
    java.util.Set<String> ids = new java.util.HashSet<>();
    for (PollStats p : s.instruments()) {
      ids.add(p.instrument());
      watch(p.instrument());
    }
    for (Map<String, ?> m : List.<Map<String, ?>>of(latencySum, latencyCount, latency, pollRate)) {
      m.keySet().retainAll(ids);
    }
    previousPolls.keySet().retainAll(ids);
  }

  @Override
  public void polled(String instrument, long nanos, Outcome outcome) {
    metrics.polled(instrument, nanos, outcome);
    AtomicLong sum = latencySum.get(instrument);
    if (sum != null) {
      sum.addAndGet(nanos);
      latencyCount.get(instrument).incrementAndGet();
    }
  }

  /** True once watching a running agent (the server may listen a moment before). */
  public boolean attached() {
    return source != null;
  }

  /** A snapshot at most {@link #FRESH} old. */
  synchronized AgentSnapshot current() {
    Supplier<AgentSnapshot> s = source;
    if (s == null) {
      throw new IllegalStateException("not attached to an agent");
    }
    long now = System.nanoTime();
    if (cached == null || now - cachedAtNanos > FRESH.toNanos()) {
      cached = s.get();
      cachedAtNanos = now;
    }
    return cached;
  }

  /** The health rule applied to the agent now. */
  public Health health() {
    AgentSnapshot s = current();
    Map<String, CatchUpEstimate.Estimate> est = new HashMap<>();
    backlog.forEach((name, ring) -> est.put(name, CatchUpEstimate.estimate(ring.points(), CATCH_UP_WINDOW)));
    Instant now = clock.instant();
    Instant refusal = lastRefusal;
    boolean refusing = refusal != null && Duration.between(refusal, now).compareTo(sampleEvery.multipliedBy(2)) <= 0;
    return HealthRule.judge(s, new HealthRule.Limits(settings.instrumentFailures(), settings.uplinkStall(), settings.uplinkOutcomeUnknown()), started, now,
        new HealthRule.Disk(plan.buffer().maxBytes(), freeBytes(), refusing), est);
  }

  /** The Prometheus text exposition. */
  public String scrape() {
    return metrics.scrape(plan.buffer().maxBytes(), freeBytes());
  }

  /** Histories for the status page. */
  Map<String, List<Ring.Point>> latencyHistory() {
    return copy(latency);
  }

  Map<String, List<Ring.Point>> pollRateHistory() {
    return copy(pollRate);
  }

  Map<String, List<Ring.Point>> backlogHistory() {
    return copy(backlog);
  }

  List<Ring.Point> bufferHistory() {
    return bufferBytes.points();
  }

  List<ErrorLog.Entry> recentErrors() {
    return errors.entries();
  }

  Duration sampleEvery() {
    return sampleEvery;
  }

  private static Map<String, List<Ring.Point>> copy(Map<String, Ring> rings) {
    Map<String, List<Ring.Point>> out = new LinkedHashMap<>();
    rings.forEach((k, v) -> out.put(k, v.points()));
    return out;
  }

  long freeBytes() {
    try {
      Path dir = plan.buffer().file().toAbsolutePath().getParent();
      return Files.getFileStore(dir).getUsableSpace();
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  private void sampleQuietly() {
    try {
      sample();
    } catch (RuntimeException e) {
      // The agent may be stopping; the next look tries again.
      LOG.debug("status history: {}", e.toString());
    }
  }

  /** One look: appends to every ring and notes new errors. Called by the sampler thread. */
  synchronized void sample() {
    AgentSnapshot s = current();
    follow(s);
    long now = clock.millis();
    double seconds = previousSampleMillis == 0 ? 0 : (now - previousSampleMillis) / 1000.0;
    for (PollStats p : s.instruments()) {
      String id = p.instrument();
      AtomicLong sum = latencySum.get(id);
      if (sum != null) {
        long n = latencyCount.get(id).getAndSet(0);
        long total = sum.getAndSet(0);
        if (n > 0) {
          latency.get(id).add(now, total / (double) n / 1_000_000.0);
        }
        long reached = p.polls() + p.empty() + p.errors() + p.timeouts();
        Long before = previousPolls.put(id, reached);
        if (before != null && seconds > 0) {
          pollRate.get(id).add(now, (reached - before) / seconds);
        }
      }
      errors.note("instrument " + id, p.lastError(), now);
    }
    for (UplinkStatus u : s.uplinks()) {
      long depth = s.buffer().map(b -> b.uplinks().get(u.name())).map(b -> b.samples() + b.rollups() + b.increments())
          .orElse(u.backlog());
      Ring r = backlog.get(u.name());
      if (r != null) {
        r.add(now, depth);
      }
      errors.note("uplink " + u.name(), u.lastError().orElse(""), now);
    }
    s.buffer().ifPresent(b -> {
      bufferBytes.add(now, b.bytes());
      if (previousRefused >= 0 && b.refused() > previousRefused) {
        lastRefusal = clock.instant();
        errors.note("buffer", "refused " + (b.refused() - previousRefused) + " samples (disk full or closed)", now);
      }
      previousRefused = b.refused();
    });
    s.mirror().ifPresent(m -> m.partitions().forEach(p ->
        errors.note("mirror partition " + p.index(), p.lastError().orElse(""), now)));
    previousSampleMillis = now;
  }

  @Override
  public synchronized void close() {
    if (sampler != null) {
      sampler.shutdownNow();
    }
  }
}
