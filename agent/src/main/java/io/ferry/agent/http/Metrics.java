package io.ferry.agent.http;

import io.ferry.agent.runtime.AgentSnapshot;
import io.ferry.agent.runtime.PollListener;
import io.ferry.agent.runtime.PollStats;
import io.ferry.buffer.BufferStats;
import io.ferry.uplink.UplinkStatus;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * The Prometheus view. Every counter but poll latency reads what the agent already counts (one
 * {@link AgentSnapshot} per scrape); labels are instruments, uplinks and small fixed sets
 * (outcome, kind, reason), never channels, so the series count stays bounded by the configuration.
 */
final class Metrics {
  /** Poll latency buckets: Modbus RTU polls take tens of ms, a slow OPC UA read seconds. */
  private static final Duration[] BUCKETS = {
      Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
      Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
      Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10)};

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Supplier<AgentSnapshot> snapshot;
  private final Supplier<Health> health;
  private final Map<String, Timer> latency = new java.util.concurrent.ConcurrentHashMap<>();
  /** Each running instrument's meters, registered when it first appears in a snapshot and removed when a reload removes it. */
  private final Map<String, List<Meter>> instruments = new HashMap<>();
  private final Set<String> registered = new HashSet<>();
  private volatile long maxBytes;
  private volatile long freeBytes;

  private final java.time.InstantSource clock;

  Metrics(Supplier<AgentSnapshot> snapshot, Supplier<Health> health, java.time.InstantSource clock) {
    this.clock = clock;
    this.snapshot = snapshot;
    this.health = health;
    counter("ferry.samples.buffered", "Samples the buffer accepted", Tags.empty(),
        s -> s.buffer().map(b -> (double) b.appended()).orElse(0.0));
    gauge("ferry.buffer.size", "bytes", "Size of the buffer database (main file and WAL)", Tags.empty(),
        s -> s.buffer().map(b -> (double) b.bytes()).orElse(Double.NaN));
    for (String outcome : java.util.List.of("applied", "rejected", "failed", "unknown")) {
      counter("ferry.writes", "Writes to instruments by outcome: applied, rejected (refused before sending or by the device), "
          + "failed (not sent), unknown (no answer after sending)", Tags.of("outcome", outcome),
          s -> s.writes().getOrDefault(outcome, 0L).doubleValue());
    }
    Gauge.builder("ferry.buffer.max.size", this, m -> m.maxBytes).baseUnit("bytes")
        .description("buffer.maxSize (0 = unbounded)").register(registry);
    Gauge.builder("ferry.disk.free", this, m -> m.freeBytes).baseUnit("bytes")
        .description("Usable space on the buffer's file system").register(registry);
    Gauge.builder("ferry.healthy", health, h -> h.get().healthy() ? 1 : 0)
        .description("1 when /health answers 200").register(registry);
  }

  /** The poll outcomes of {@code ferry_polls_total}: only {@code data} is a success. */
  static final List<String> POLL_OUTCOMES = List.of("data", "empty", "error", "timeout", "skipped");

  static long polls(PollStats p, String outcome) {
    return switch (outcome) {
      case "data" -> p.polls();
      case "empty" -> p.empty();
      case "error" -> p.errors();
      case "timeout" -> p.timeouts();
      case "skipped" -> p.skippedConnecting() + p.skippedBackoff();
      default -> throw new IllegalArgumentException(outcome);
    };
  }

  private Timer timer(String id) {
    return latency.computeIfAbsent(id, k -> Timer.builder("ferry.poll.duration")
        .description("How long a poll that reached the driver took (timeouts count their full timeout)")
        .tag("instrument", id)
        .serviceLevelObjectives(BUCKETS)
        .register(registry));
  }

  /** Registers one instrument's series; they read the snapshot, so counts since its first start carry on. */
  private List<Meter> registerInstrument(String id) {
    List<Meter> m = new ArrayList<>();
    m.add(timer(id));
    for (String kind : List.of("error", "timeout", "missed_tick")) {
      m.add(counter("ferry.poll.errors", "Polls that failed, by kind: error (the driver threw), timeout, missed_tick (skipped)",
          Tags.of("instrument", id, "kind", kind), s -> poll(s, id).map(p -> (double) switch (kind) {
            case "error" -> p.errors();
            case "timeout" -> p.timeouts();
            default -> p.missedTicks();
          }).orElse(0.0)));
    }
    for (String outcome : POLL_OUTCOMES) {
      m.add(counter("ferry.polls", "Polls by outcome: data (at least one good sample: the only success), empty (no good "
              + "sample), error, timeout, skipped (the driver was connecting or backing off)",
          Tags.of("instrument", id, "outcome", outcome), s -> poll(s, id).map(p -> (double) polls(p, outcome)).orElse(0.0)));
    }
    m.add(counter("ferry.samples.polled", "Samples read from the instrument (polled or streamed)", Tags.of("instrument", id),
        s -> poll(s, id).map(p -> (double) p.samples()).orElse(0.0)));
    m.add(gauge("ferry.instrument.last.success.timestamp", "seconds", "When the last good sample was read (0 = never)",
        Tags.of("instrument", id), s -> poll(s, id).map(p -> p.lastGoodMicros() / 1e6).orElse(0.0)));
    m.add(Gauge.builder("ferry.instrument.up", health, h -> h.get().instruments().stream()
            .filter(i -> i.id().equals(id)).anyMatch(Health.InstrumentHealth::healthy) ? 1 : 0)
        .description("1 while the instrument is up by the health rule (a good sample within its stale limit)")
        .tags("instrument", id).register(registry));
    m.add(counter("ferry.samples.dropped",
        "Samples lost or not kept, by reason: refused (buffer full/closed), budget, age, late, unrouted, rejected",
        Tags.of("instrument", id, "reason", "refused"), x -> dropped(x, id, "refused")));
    registered.add("dropped " + id + " refused");
    return m;
  }

  /** Registers the series of instruments a reload added and removes those of instruments it removed. */
  private void followInstruments(AgentSnapshot s) {
    Set<String> running = new HashSet<>();
    for (PollStats p : s.instruments()) {
      running.add(p.instrument());
      instruments.computeIfAbsent(p.instrument(), this::registerInstrument);
    }
    for (String id : List.copyOf(instruments.keySet())) {
      if (!running.contains(id)) {
        instruments.remove(id).forEach(registry::remove);
        latency.remove(id);
        registered.removeIf(k -> k.startsWith("dropped " + id + " ") || k.equals("report " + id) || k.equals("backfill " + id));
        registry.getMeters().stream().filter(m -> id.equals(m.getId().getTag("instrument"))).toList().forEach(registry::remove);
      }
    }
  }

  /** An OPC UA history backfill's progress: channels pending, samples stored, the source time every pending channel reached. */
  private void registerBackfill(String id) {
    Tags tags = Tags.of("instrument", id);
    gauge("ferry.backfill.pending", null, "Channels whose history is still to read (OPC UA backfill)", tags,
        x -> driverValue(x, id, "backfillPending").orElse(0L));
    counter("ferry.backfill.samples", "Samples read from the device's history and stored", tags,
        x -> driverValue(x, id, "backfilled").orElse(0L));
    gauge("ferry.backfill.reached", "seconds", "Source time (Unix seconds) up to which every pending channel is filled; NaN when none is pending",
        tags, x -> driverValue(x, id, "backfillPending").orElse(0L) == 0 ? Double.NaN
            : driverValue(x, id, "backfillReachedMicros").map(m -> m / 1e6).orElse(Double.NaN));
  }

  private static Optional<Long> driverValue(AgentSnapshot s, String id, String name) {
    return Optional.ofNullable(s.drivers().get(id)).map(d -> d.get(name));
  }

  private static Optional<PollStats> poll(AgentSnapshot s, String id) {
    return s.instruments().stream().filter(p -> p.instrument().equals(id)).findFirst();
  }

  private static Optional<UplinkStatus> uplink(AgentSnapshot s, String name) {
    return s.uplinks().stream().filter(u -> u.name().equals(name)).findFirst();
  }

  private static Optional<BufferStats.UplinkBacklog> backlog(AgentSnapshot s, String name) {
    return s.buffer().map(b -> b.uplinks().get(name));
  }

  private Meter counter(String name, String help, Tags tags, ToDoubleFunction<AgentSnapshot> f) {
    return FunctionCounter.builder(name, snapshot, sup -> f.applyAsDouble(sup.get())).description(help).tags(tags).register(registry);
  }

  private void counter(String name, String unit, String help, Tags tags, ToDoubleFunction<AgentSnapshot> f) {
    FunctionCounter.builder(name, snapshot, sup -> f.applyAsDouble(sup.get())).baseUnit(unit).description(help).tags(tags)
        .register(registry);
  }

  private Meter gauge(String name, String unit, String help, Tags tags, ToDoubleFunction<AgentSnapshot> f) {
    return Gauge.builder(name, snapshot, sup -> f.applyAsDouble(sup.get())).baseUnit(unit).description(help).tags(tags)
        .register(registry);
  }

  void polled(String instrument, long nanos, PollListener.Outcome outcome) {
    timer(instrument).record(nanos, TimeUnit.NANOSECONDS);
  }

  /** Registers the meters whose labels are known only from the running agent, then renders the text format. */
  synchronized String scrape(long maxBytes, long freeBytes) {
    this.maxBytes = maxBytes;
    this.freeBytes = freeBytes;
    AgentSnapshot s = snapshot.get();
    followInstruments(s);
    s.drivers().forEach((id, counters) -> {
      if (counters.containsKey("backfillPending") && instruments.containsKey(id) && registered.add("backfill " + id)) {
        registerBackfill(id);
      }
    });
    for (UplinkStatus u : s.uplinks()) {
      registerUplink(u.name());
    }
    // Dropped samples: per instrument and reason (the buffer keys them by channel; summed here).
    Set<String> keys = new HashSet<>();
    s.buffer().ifPresent(b -> b.dropped().keySet().forEach(k -> keys.add(instrumentAndReason(k))));
    for (String key : keys) {
      String of = key.substring(0, key.lastIndexOf(' '));
      if (!of.equals("unknown") && !instruments.containsKey(of)) {
        continue; // the buffer still counts drops of an instrument a reload removed: its series are gone with it
      }
      if (registered.add("dropped " + key)) {
        int sp = key.lastIndexOf(' ');
        String instrument = key.substring(0, sp);
        String reason = key.substring(sp + 1);
        counter("ferry.samples.dropped",
            "Samples lost or not kept, by reason: refused (buffer full/closed), budget, age, late, unrouted, rejected",
            Tags.of("instrument", instrument, "reason", reason), x -> dropped(x, instrument, reason));
      }
    }
    // Report by exception: per instrument (channels are not labels here), once it has a filtered channel.
    s.buffer().ifPresent(b -> b.reported().keySet().forEach(k -> {
      String instrument = k.substring(0, k.indexOf('/'));
      if (instruments.containsKey(instrument) && registered.add("report " + instrument)) {
        Tags tags = Tags.of("instrument", instrument);
        List<Meter> meters = instruments.get(instrument);
        meters.add(counter("ferry.report.polled", "Samples of channels with report: that the filter judged", tags,
            x -> reported(x, instrument, false)));
        meters.add(counter("ferry.report.suppressed",
            "Samples report: held back from filtered raw routes (rollups, increments and raw-all routes still got them)", tags,
            x -> reported(x, instrument, true)));
      }
    }));
    if (s.mirror().isPresent() && registered.add("mirror")) {
      gauge("ferry.mirror.lag", "seconds", "Time since every mirror partition was last caught up (NaN until then)",
          Tags.empty(), x -> x.mirror().flatMap(m -> m.lag()).map(d -> d.toMillis() / 1000.0).orElse(Double.NaN));
      counter("ferry.mirror.points", "Datapoints mirrored (stored)", Tags.empty(),
          x -> x.mirror().map(m -> (double) m.points()).orElse(0.0));
    }
    return registry.scrape();
  }

  private static String instrumentAndReason(String key) {
    // "instrument/channel reason"
    int slash = key.indexOf('/');
    int sp = key.lastIndexOf(' ');
    String instrument = slash > 0 && slash < sp ? key.substring(0, slash) : "unknown";
    return instrument + " " + key.substring(sp + 1);
  }

  private static double dropped(AgentSnapshot s, String instrument, String reason) {
    if (reason.equals("refused")) {
      return poll(s, instrument).map(p -> (double) p.refused()).orElse(0.0);
    }
    return s.buffer().map(b -> b.dropped().entrySet().stream()
        .filter(e -> instrumentAndReason(e.getKey()).equals(instrument + " " + reason))
        .mapToDouble(Map.Entry::getValue).sum()).orElse(0.0);
  }

  private static double reported(AgentSnapshot s, String instrument, boolean suppressed) {
    return s.buffer().map(b -> b.reported().entrySet().stream()
        .filter(e -> e.getKey().startsWith(instrument + "/"))
        .mapToDouble(e -> suppressed ? e.getValue().suppressed() : e.getValue().polled()).sum()).orElse(0.0);
  }

  private void registerUplink(String name) {
    if (!registered.add("uplink " + name)) {
      return;
    }
    Tags tags = Tags.of("uplink", name);
    gauge("ferry.uplink.backlog", "records", "Records waiting in the buffer for this uplink", tags,
        s -> backlog(s, name).map(b -> (double) (b.samples() + b.rollups() + b.increments())).orElse(0.0));
    gauge("ferry.uplink.backlog.age", "seconds", "Age of the oldest unsent raw sample (0 when none waits)", tags,
        s -> backlog(s, name).filter(b -> b.oldestMicros() > 0 && b.samples() > 0)
            .map(b -> Math.max(0, clock.millis() / 1000.0 - b.oldestMicros() / 1e6)).orElse(0.0));
    counter("ferry.uplink.samples.uploaded", "Raw samples the API acknowledged", tags,
        s -> uplink(s, name).map(u -> (double) u.samplesDelivered()).orElse(0.0));
    counter("ferry.uplink.records.uploaded", "Records (samples, rollups, increments) the API acknowledged", tags,
        s -> uplink(s, name).map(u -> (double) u.recordsDelivered()).orElse(0.0));
    counter("ferry.uplink.records.rejected", "Records the API refused for good (dead letters)", tags,
        s -> uplink(s, name).map(u -> (double) u.rejected()).orElse(0.0));
    counter("ferry.uplink.values.dropped", "Values the API cannot carry (non-finite numbers), counted and skipped", tags,
        s -> uplink(s, name).map(u -> (double) u.dropped()).orElse(0.0));
    counter("ferry.uplink.calls", "HTTP calls (or file writes) made", tags,
        s -> uplink(s, name).map(u -> (double) u.calls()).orElse(0.0));
    counter("ferry.uplink.sent", "bytes", "Request bytes written to the wire (after compression)", tags,
        s -> uplink(s, name).map(u -> (double) u.bytesSent()).orElse(0.0));
    for (String outcome : UplinkStatus.OUTCOMES) {
      counter("ferry.uplink.batches", "Batches by outcome: acked, partial, retry (will be sent again), rejected, "
              + "too_large, unauthorized, nothing_ready", tags.and("outcome", outcome),
          s -> uplink(s, name).map(u -> (double) u.outcome(outcome)).orElse(0.0));
    }
    counter("ferry.uplink.outcome.unknown", "Records sent once and not again whose outcome is unknown (TempoDB increments "
            + "after an ambiguous failure); kept in the buffer's uplink state, so it survives restarts", tags,
        s -> uplink(s, name).map(u -> (double) u.outcomeUnknown().total()).orElse(0.0));
    gauge("ferry.uplink.last.success.timestamp", "seconds", "When the API last acknowledged a batch (0 = never)", tags,
        s -> uplink(s, name).flatMap(UplinkStatus::lastSuccess).map(t -> t.toEpochMilli() / 1000.0).orElse(0.0));
    Gauge.builder("ferry.uplink.up", health, h -> h.get().uplinks().stream()
            .filter(u -> u.name().equals(name)).anyMatch(Health.UplinkHealth::healthy) ? 1 : 0)
        .description("1 when the uplink is healthy by the health rule").tags(tags).register(registry);
  }

}
