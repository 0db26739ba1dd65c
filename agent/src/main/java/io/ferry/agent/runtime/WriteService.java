package io.ferry.agent.runtime;

import io.ferry.agent.plan.AgentPlan;
import io.ferry.agent.plan.PlannedInstrument;
import io.ferry.buffer.WriteAudit;
import io.ferry.core.ChannelId;
import io.ferry.core.ChannelSpec;
import io.ferry.core.Ticker;
import io.ferry.core.WriteSpec;
import io.ferry.drivers.spi.Writable;
import io.ferry.drivers.spi.WriteOutcome;
import io.ferry.drivers.spi.WriteTarget;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way into a device: every write, from every source ({@code ferry write} through the
 * local API, a mirrored setpoint, ...), is looked up in the running configuration, checked by
 * {@link WriteRules} (nothing is sent when it is refused), recorded in the audit as in progress
 * before it is sent, handed to the instrument's driver (which sends it on the instrument's own bus
 * thread between polls), and its outcome stored and counted. It never retries: the answer says
 * whether sending again is safe ({@link Result#retryable}: a setpoint that {@code failed}, i.e.
 * never reached the device; never a command, never after {@code unknown}).
 */
public final class WriteService {
  private static final Logger LOG = LoggerFactory.getLogger(WriteService.class);
  static final List<String> OUTCOMES = List.of("applied", "rejected", "failed", "unknown");
  /** The audit is pruned at most this often (on a write, never by a thread of its own). */
  static final Duration PRUNE_EVERY = Duration.ofHours(1);

  /**
   * What a write came to.
   *
   * @param retryable true when sending the same value again is safe (a setpoint that never reached the device)
   */
  public record Result(ChannelId channel, String value, WriteOutcome outcome, boolean retryable, Duration duration) {}

  private final Supplier<AgentPlan> plan;
  private final Function<String, Optional<Writable>> drivers;
  private final WriteAudit audit;
  private final InstantSource clock;
  private final Ticker ticker;
  private final Duration retention;
  private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();
  /** Times of writes sent per channel, for maxRate (guarded by itself). */
  private final Map<ChannelId, Deque<Instant>> sends = new HashMap<>();
  private Instant lastPrune = Instant.MIN;

  /**
   * @param plan the configuration running now (a reload changes it)
   * @param drivers the running driver of an instrument id, when it can write
   * @param retention how long the audit keeps a write
   */
  public WriteService(Supplier<AgentPlan> plan, Function<String, Optional<Writable>> drivers, WriteAudit audit, InstantSource clock,
      Ticker ticker, Duration retention) {
    this.plan = plan;
    this.drivers = drivers;
    this.audit = audit;
    this.clock = clock;
    this.ticker = ticker;
    this.retention = retention;
    OUTCOMES.forEach(o -> counts.put(o, new AtomicLong()));
  }

  /** Writes {@code value} (a number, or true/false) to {@code channel} ({@code instrument/channel}); blocks until the outcome. */
  public Result write(String source, String channel, String value) throws InterruptedException {
    Instant asked = clock.instant();
    long start = ticker.nanos();
    Optional<ChannelId> id = parse(channel);
    Optional<ChannelSpec> spec = Optional.empty();
    Optional<WriteTarget> target = Optional.empty();
    if (id.isPresent()) {
      for (PlannedInstrument pi : plan.get().instruments()) {
        if (pi.info().id().equals(id.get().instrument())) {
          spec = pi.info().channels().stream().filter(c -> c.id().equals(id.get())).findFirst();
          target = pi.plan().writeTargets().stream().filter(t -> t.channel().equals(id.get())).findFirst();
        }
      }
    }
    ChannelId cid = id.orElse(null);
    WriteRules.Decision decision;
    synchronized (sends) {
      decision = cid == null
          ? new WriteRules.Decision.Refused(WriteRules.Refusal.UNKNOWN_CHANNEL, "\"" + channel + "\" is not a channel: write it as instrument/channel")
          : WriteRules.decide(cid, value, spec, target, List.copyOf(sends.getOrDefault(cid, new ArrayDeque<>())), asked);
      if (decision instanceof WriteRules.Decision.Send) {
        Deque<Instant> times = sends.computeIfAbsent(cid, k -> new ArrayDeque<>());
        times.addLast(asked);
        while (times.size() > 1000) {
          times.removeFirst(); // no maxRate counts more than this many
        }
      }
    }
    if (decision instanceof WriteRules.Decision.Refused r) {
      Result result = new Result(cid, value, new WriteOutcome.Rejected(r.reason()), false, elapsed(start));
      LOG.warn("write {} = {} from {} refused: {}", channel, value, source, r.reason());
      store(source, channel, asked, result, OptionalLong.empty());
      return result;
    }
    WriteRules.Decision.Send send = (WriteRules.Decision.Send) decision;
    WriteSpec rules = spec.orElseThrow().write().orElseThrow();
    long auditId;
    try {
      auditId = audit.begin(new WriteAudit.Entry(asked, source, cid.toString(), value.trim(), "unknown",
          "in progress (Ferry stopped before the outcome was known)", Duration.ZERO));
    } catch (SQLException e) {
      // a write that cannot be recorded is not sent: every write to a device must be in the audit
      Result result = new Result(cid, value, new WriteOutcome.Failed("not sent: the write cannot be recorded in the audit ("
          + io.ferry.config.IoCauses.message(e) + ")"), rules.kind() == WriteSpec.Kind.SETPOINT, elapsed(start));
      count(result);
      return result;
    }
    Optional<Writable> driver = drivers.apply(cid.instrument());
    WriteOutcome outcome = driver.isEmpty()
        ? new WriteOutcome.Failed("not sent: instrument " + cid.instrument() + " is not running")
        : driver.get().write(send.request());
    boolean retryable = outcome instanceof WriteOutcome.Failed && rules.kind() == WriteSpec.Kind.SETPOINT;
    Result result = new Result(cid, value, outcome, retryable, elapsed(start));
    LOG.info("write {} = {} from {}: {}{}", cid, value.trim(), source, outcome.word(), outcome.detail().isEmpty() ? "" : " (" + outcome.detail() + ")");
    store(source, channel, asked, result, OptionalLong.of(auditId));
    return result;
  }

  private void store(String source, String channel, Instant asked, Result result, OptionalLong auditId) {
    count(result);
    try {
      if (auditId.isPresent()) {
        audit.finish(auditId.getAsLong(), result.outcome().word(), result.outcome().detail(), result.duration());
      } else {
        audit.record(new WriteAudit.Entry(asked, source, result.channel() == null ? channel : result.channel().toString(),
            result.value().trim(), result.outcome().word(), result.outcome().detail(), result.duration()));
      }
      pruneWhenDue(asked);
    } catch (SQLException e) {
      LOG.error("the outcome of write {} ({}) could not be stored in the audit: {}", channel, result.outcome().word(),
          io.ferry.config.IoCauses.message(e));
    }
  }

  private void pruneWhenDue(Instant now) throws SQLException {
    synchronized (this) {
      if (lastPrune.plus(PRUNE_EVERY).isAfter(now)) {
        return;
      }
      lastPrune = now;
    }
    int n = audit.prune(now.minus(retention));
    if (n > 0) {
      LOG.info("write audit: {} writes older than {} removed", n, io.ferry.config.Durations.format(retention));
    }
  }

  private void count(Result result) {
    counts.get(result.outcome().word()).incrementAndGet();
  }

  private Duration elapsed(long start) {
    return Duration.ofNanos(ticker.nanos() - start);
  }

  /** Writes by outcome since the agent started (applied, rejected, failed, unknown). */
  public Map<String, Long> counts() {
    Map<String, Long> m = new java.util.LinkedHashMap<>();
    OUTCOMES.forEach(o -> m.put(o, counts.get(o).get()));
    return m;
  }

  /** The newest writes of the audit, oldest first. */
  public List<WriteAudit.Entry> recent(int limit) {
    try {
      return audit.recent(limit);
    } catch (SQLException e) {
      LOG.warn("reading the write audit failed: {}", io.ferry.config.IoCauses.message(e));
      return List.of();
    }
  }

  private static Optional<ChannelId> parse(String text) {
    if (text == null) {
      return Optional.empty();
    }
    int slash = text.trim().indexOf('/');
    if (slash <= 0) {
      return Optional.empty();
    }
    String inst = text.trim().substring(0, slash);
    String ch = text.trim().substring(slash + 1);
    return ChannelId.isValidName(inst) && ChannelId.isValidName(ch) ? Optional.of(ChannelId.of(inst, ch)) : Optional.empty();
  }
}
