package io.ferry.agent.runtime;

import io.ferry.agent.plan.AgentPlan;
import io.ferry.agent.plan.PlannedInstrument;
import io.ferry.buffer.WriteAudit;
import io.ferry.core.ChannelSpec;
import io.ferry.core.WriteSpec;
import io.ferry.mirror.MirrorReader;
import io.ferry.uplink.InstrumentWatch;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Setpoints that follow a series of the Cognite subscription mirror ({@code write: {follow:
 * {externalId, maxAge}}}): once a second it reads the local mirror tables (so it works while the
 * cloud is unreachable) and, per following channel, takes the newest good datapoint when it is
 * newer than the last one taken and at most {@code maxAge} old. The datapoint's time is stored in
 * the audit's {@code write_follow} table before the write is sent, so each datapoint is sent at
 * most once, also across a restart or a kill; only a write that never reached the device
 * ({@code failed}) is forgotten and tried again, after {@link #RETRY_FAILED}. The write itself goes
 * through the {@link WriteService} like any other (source {@code mirror}): rules, audit, metrics.
 *
 * <p>{@code reapply: true}: when the device restarts, the last datapoint taken is sent once more (a
 * device that loses its setpoint on power loss gets it back). "Restarts" is the agent's one verdict
 * ({@link InstrumentUp}, handed over by the {@link InstrumentWatch}): the instrument was down and is
 * up again. Not on Ferry's own start (the device did not restart) and not for a datapoint older than
 * {@code maxAge} by then (the same rule as a first application). The watch's thread only notes the
 * instruments that came back; the follower's thread sends.
 */
final class SetpointFollower implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SetpointFollower.class);
  static final Duration CHECK_EVERY = Duration.ofSeconds(1);
  static final Duration RETRY_FAILED = Duration.ofSeconds(30);

  private final Supplier<AgentPlan> plan;
  private final Path database;
  private final WriteAudit audit;
  private final WriteService writes;
  private final InstantSource clock;
  private final Map<String, Instant> failedAt = new HashMap<>();
  private final InstrumentWatch instruments;
  /** The instruments down at the last change of the watch, to tell which came back. Guarded by itself. */
  private final Set<String> wasDown = new HashSet<>();
  /**
   * Instruments that came back and whose reapply channels are to be sent again. Guarded by itself,
   * not by this: the watch's thread must not wait for a write in progress.
   */
  private final Set<String> cameBack = new LinkedHashSet<>();
  private InstrumentWatch.Subscription watching;
  private ScheduledExecutorService thread;
  private MirrorReader reader;

  SetpointFollower(Supplier<AgentPlan> plan, Path database, WriteAudit audit, WriteService writes, InstantSource clock,
      InstrumentWatch instruments) {
    this.plan = plan;
    this.database = database;
    this.audit = audit;
    this.writes = writes;
    this.clock = clock;
    this.instruments = instruments;
  }

  /** True when some channel of {@code plan} follows a mirrored series. */
  static boolean needed(AgentPlan plan) {
    return plan.channels().stream().anyMatch(c -> c.write().flatMap(WriteSpec::follow).isPresent());
  }

  synchronized void start() {
    thread = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "ferry-setpoint-follow");
      t.setDaemon(true);
      return t;
    });
    thread.scheduleWithFixedDelay(this::checkQuietly, 0, CHECK_EVERY.toMillis(), TimeUnit.MILLISECONDS);
    synchronized (wasDown) {
      wasDown.addAll(instruments.down());
    }
    watching = instruments.onChange(this::instrumentsChanged);
  }

  /** On the watch's thread: notes who came back and hands the sending to the follower's thread. */
  private void instrumentsChanged() {
    Set<String> back;
    synchronized (wasDown) {
      Set<String> down = instruments.down();
      back = cameBack(wasDown, down);
      wasDown.clear();
      wasDown.addAll(down);
    }
    if (back.isEmpty()) {
      return;
    }
    synchronized (cameBack) {
      cameBack.addAll(back);
    }
    try {
      thread.execute(this::reapplyQuietly);
    } catch (java.util.concurrent.RejectedExecutionException stopping) {
      LOG.debug("stopping: setpoints of {} not sent again", back);
    }
  }

  /** The instruments down before and up now (pure). */
  static Set<String> cameBack(Set<String> downBefore, Set<String> downNow) {
    Set<String> back = new java.util.TreeSet<>(downBefore);
    back.removeAll(downNow);
    return back;
  }

  private void reapplyQuietly() {
    try {
      reapply();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      LOG.warn("sending setpoints again failed: {}", io.ferry.config.IoCauses.message(e));
    }
  }

  /**
   * Sends the last datapoint taken once more to every {@code reapply} channel of the instruments
   * that came back; returns the writes sent.
   */
  synchronized List<WriteService.Result> reapply() throws InterruptedException {
    List<WriteService.Result> sent = new ArrayList<>();
    Set<String> back;
    synchronized (cameBack) {
      back = new LinkedHashSet<>(cameBack);
      cameBack.clear();
    }
    if (back.isEmpty() || !openReader()) {
      return sent;
    }
    Instant now = clock.instant();
    for (PlannedInstrument pi : plan.get().instruments()) {
      if (!back.contains(pi.info().id())) {
        continue;
      }
      for (ChannelSpec c : pi.info().channels()) {
        Optional<WriteSpec.Follow> f = c.write().flatMap(WriteSpec::follow).filter(WriteSpec.Follow::reapply);
        if (f.isPresent()) {
          reapply(c, f.get(), now).ifPresent(sent::add);
        }
      }
    }
    return sent;
  }

  private Optional<WriteService.Result> reapply(ChannelSpec c, WriteSpec.Follow f, Instant now) throws InterruptedException {
    String channel = c.id().toString();
    try {
      Optional<Long> taken = audit.followed(channel);
      Optional<MirrorReader.Series> series = reader.series(f.externalId());
      if (taken.isEmpty() || series.isEmpty()) {
        return Optional.empty(); // nothing taken yet: the next look applies the newest datapoint as usual
      }
      List<MirrorReader.Row> rows = new ArrayList<>();
      reader.points(series.get().id(), taken.get(), taken.get() + 1, rows::add);
      Optional<MirrorReader.Row> again = due(rows, Optional.empty(), now, f.maxAge());
      if (again.isEmpty()) {
        LOG.info("{}: instrument {} is up again; its last setpoint (datapoint of {}) is not sent again: older than maxAge {} or gone "
            + "from the mirror", channel, c.id().instrument(), Instant.ofEpochMilli(taken.get()), io.ferry.config.Durations.format(f.maxAge()));
        return Optional.empty();
      }
      String value = BigDecimal.valueOf(again.get().number()).stripTrailingZeros().toPlainString();
      WriteService.Result r = writes.write("mirror", channel, value);
      LOG.info("{}: instrument {} is up again: setpoint {} (datapoint of {}) sent again: {}", channel, c.id().instrument(), value,
          Instant.ofEpochMilli(taken.get()), r.outcome().word());
      return Optional.of(r);
    } catch (InterruptedException e) {
      throw e;
    } catch (Exception e) {
      LOG.warn("{}: cannot read mirrored series {} ({})", channel, f.externalId(), io.ferry.config.IoCauses.message(e));
      return Optional.empty();
    }
  }

  private boolean openReader() {
    if (reader == null) {
      try {
        reader = MirrorReader.open(database);
      } catch (SQLException e) {
        return false; // the mirror has not created its tables yet: nothing to follow
      }
    }
    return true;
  }

  private void checkQuietly() {
    try {
      check();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      LOG.warn("following mirrored setpoints failed: {}", io.ferry.config.IoCauses.message(e));
    }
  }

  /** One look at every following channel; returns the writes it sent. */
  synchronized List<WriteService.Result> check() throws InterruptedException {
    List<WriteService.Result> sent = new ArrayList<>();
    if (!openReader()) {
      return sent;
    }
    Instant now = clock.instant();
    for (PlannedInstrument pi : plan.get().instruments()) {
      for (ChannelSpec c : pi.info().channels()) {
        Optional<WriteSpec.Follow> f = c.write().flatMap(WriteSpec::follow);
        if (f.isPresent()) {
          follow(c, f.get(), now).ifPresent(sent::add);
        }
      }
    }
    return sent;
  }

  private Optional<WriteService.Result> follow(ChannelSpec c, WriteSpec.Follow f, Instant now) throws InterruptedException {
    String channel = c.id().toString();
    Instant failed = failedAt.get(channel);
    if (failed != null && now.isBefore(failed.plus(RETRY_FAILED))) {
      return Optional.empty();
    }
    try {
      Optional<MirrorReader.Series> series = reader.series(f.externalId());
      if (series.isEmpty()) {
        return Optional.empty();
      }
      List<MirrorReader.Row> rows = new ArrayList<>();
      reader.points(series.get().id(), now.minus(f.maxAge()).toEpochMilli(), Long.MAX_VALUE, rows::add);
      Optional<Long> taken = audit.followed(channel);
      Optional<MirrorReader.Row> due = due(rows, taken, now, f.maxAge());
      if (due.isEmpty()) {
        return Optional.empty();
      }
      audit.follow(channel, Optional.of(due.get().timestamp())); // before sending: never twice, even after a kill
      String value = BigDecimal.valueOf(due.get().number()).stripTrailingZeros().toPlainString();
      WriteService.Result r = writes.write("mirror", channel, value);
      if (r.retryable()) {
        audit.follow(channel, taken); // it never reached the device: take it again later
        failedAt.put(channel, now);
      } else {
        failedAt.remove(channel);
      }
      LOG.info("{} follows {}: datapoint of {} = {}: {}", channel, f.externalId(), Instant.ofEpochMilli(due.get().timestamp()), value,
          r.outcome().word());
      return Optional.of(r);
    } catch (SQLException e) {
      LOG.warn("{}: cannot read mirrored series {} ({})", channel, f.externalId(), io.ferry.config.IoCauses.message(e));
      return Optional.empty();
    } catch (InterruptedException e) {
      throw e;
    } catch (Exception e) {
      LOG.warn("{}: cannot read mirrored series {} ({})", channel, f.externalId(), io.ferry.config.IoCauses.message(e));
      return Optional.empty();
    }
  }

  /**
   * The datapoint to apply, if any (pure): the newest point with a good status and a finite
   * number, when it is newer than the one last taken and not older than {@code maxAge}.
   */
  static Optional<MirrorReader.Row> due(List<MirrorReader.Row> rows, Optional<Long> taken, Instant now, Duration maxAge) {
    MirrorReader.Row newest = null;
    for (MirrorReader.Row r : rows) {
      boolean good = (r.status() & 0xC0000000L) == 0 && r.number() != null && Double.isFinite(r.number());
      if (good && (newest == null || r.timestamp() > newest.timestamp())) {
        newest = r;
      }
    }
    if (newest == null || newest.timestamp() < now.minus(maxAge).toEpochMilli()) {
      return Optional.empty();
    }
    if (taken.isPresent() && newest.timestamp() <= taken.get()) {
      return Optional.empty();
    }
    return Optional.of(newest);
  }

  @Override
  public synchronized void close() {
    if (watching != null) {
      watching.close();
    }
    if (thread != null) {
      thread.shutdownNow();
    }
    if (reader != null) {
      try {
        reader.close();
      } catch (SQLException e) {
        // released either way
      }
    }
  }
}
