package io.ferry.agent.runtime;

import io.ferry.uplink.InstrumentVerdicts;
import io.ferry.uplink.InstrumentWatch;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's {@link InstrumentWatch}: which instruments are down by {@link InstrumentUp}, for the
 * uplinks (Sparkplug DDEATH / DBIRTH). One daemon thread judges every instrument and sleeps until
 * a verdict can next change: for an instrument that is up, the moment its last good sample becomes
 * too old (a streaming one without a limit: every second until its first sample, then never); for one
 * that is down, its next poll (a finished poll with a good sample wakes the thread at once, through
 * {@link #polled}), or a second for a streaming one. Listeners are told only when the
 * set changed, on this thread.
 */
final class InstrumentUpWatch implements InstrumentWatch, PollListener, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(InstrumentUpWatch.class);
  /** How often a down streaming instrument is judged again (it has no polls to wake the watch). */
  static final Duration STREAMING_RECHECK = Duration.ofSeconds(1);

  private final InstantSource clock;
  private final int instrumentFailures;
  private final Supplier<List<PollStats>> stats;
  private final Supplier<Set<String>> streaming;
  private final InstrumentVerdicts verdicts = new InstrumentVerdicts();
  private final Object wake = new Object();
  // Guarded by wake.
  private boolean poked;
  private boolean closed;
  private Thread thread;

  InstrumentUpWatch(InstantSource clock, int instrumentFailures, Supplier<List<PollStats>> stats, Supplier<Set<String>> streaming) {
    this.clock = clock;
    this.instrumentFailures = instrumentFailures;
    this.stats = stats;
    this.streaming = streaming;
  }

  @Override
  public Set<String> down() {
    return verdicts.down();
  }

  @Override
  public Subscription onChange(Runnable changed) {
    return verdicts.onChange(changed);
  }

  /** A good poll of an instrument judged down: judge again now rather than at its next due time. */
  @Override
  public void polled(String instrument, long nanos, Outcome outcome) {
    if (outcome == Outcome.OK && verdicts.down().contains(instrument)) {
      synchronized (wake) {
        poked = true;
        wake.notifyAll();
      }
    }
  }

  /**
   * One look: judges every instrument now, keeps the down set (telling the listeners when it
   * changed) and returns when a verdict can next change (empty: none can without a poll).
   */
  Optional<Instant> look() {
    Instant now = clock.instant();
    Set<String> streams = streaming.get();
    Set<String> nowDown = new TreeSet<>();
    Instant next = null;
    for (PollStats p : stats.get()) {
      boolean streamingOne = streams.contains(p.instrument());
      InstrumentUp.Judgement j = InstrumentUp.judge(p, streamingOne, instrumentFailures, now);
      Optional<Instant> due;
      if (j.up()) {
        // Without a limit (streaming, no stale:) an instrument is down only when it could not start:
        // watched until its first sample, after which nothing can make it down.
        due = j.downAt().isPresent() || p.samples() > 0 ? j.downAt() : Optional.of(now.plus(STREAMING_RECHECK));
      } else {
        nowDown.add(p.instrument());
        due = Optional.of(now.plus(streamingOne || p.poll().isZero() ? STREAMING_RECHECK : p.poll()));
      }
      if (due.isPresent() && (next == null || due.get().isBefore(next))) {
        next = due.get();
      }
    }
    if (verdicts.set(nowDown)) {
      LOG.debug("instruments down: {}", nowDown);
    }
    return Optional.ofNullable(next);
  }

  void start() {
    synchronized (wake) {
      thread = new Thread(this::run, "ferry-instrument-up");
      thread.setDaemon(true);
      thread.start();
    }
  }

  private void run() {
    while (true) {
      Optional<Instant> next;
      try {
        next = look();
      } catch (RuntimeException e) {
        // Never let a failed look end the thread: the uplinks would keep a stale verdict.
        LOG.warn("judging the instruments failed: {}", io.ferry.config.IoCauses.message(e));
        next = Optional.of(clock.instant().plus(STREAMING_RECHECK));
      }
      synchronized (wake) {
        try {
          while (!poked && !closed) {
            if (next.isEmpty()) {
              wake.wait();
              continue;
            }
            long millis = Duration.between(clock.instant(), next.get()).toMillis();
            if (millis <= 0) {
              break;
            }
            wake.wait(millis);
            // A manual clock in tests may not have moved: look again either way (the look is cheap).
            break;
          }
        } catch (InterruptedException e) {
          return;
        }
        if (closed) {
          return;
        }
        poked = false;
      }
    }
  }

  @Override
  public void close() {
    synchronized (wake) {
      closed = true;
      wake.notifyAll();
    }
    verdicts.clear();
  }
}
