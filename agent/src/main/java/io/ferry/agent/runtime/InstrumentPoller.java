package io.ferry.agent.runtime;

import io.ferry.config.Durations;
import io.ferry.config.InstrumentInfo;
import io.ferry.core.MicroTime;
import io.ferry.core.Sleeper;
import io.ferry.drivers.spi.PollingDriver;
import io.ferry.drivers.spi.SampleSink;
import java.time.InstantSource;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls one instrument with two threads of its own: the tick thread waits for aligned ticks and
 * enforces the poll timeout; the poll thread calls the driver. The tick thread never waits for
 * the driver, so a stuck driver costs only its own ticks (counted as missed).
 */
final class InstrumentPoller {
  private static final Logger LOG = LoggerFactory.getLogger(InstrumentPoller.class);

  private final InstrumentInfo info;
  private final PollingDriver driver;
  private final InstantSource clock;
  private final Sleeper sleeper;
  private final SampleSink sink;
  private final PollListener listener;
  private final long interval;
  private final long timeout;
  final InstrumentCounters counters;
  private final Thread tickThread;
  private final ExecutorService pollThread;
  private volatile boolean running;
  private volatile PollAttempt current;
  // State changes are logged once, not every tick; a poll with good samples resets them.
  private volatile boolean failing;
  private volatile boolean empty;
  private volatile boolean backingOff;
  private volatile boolean timingOut;
  private volatile boolean skipping;
  /** When the tick thread next means to wake (micros); it is blocked when this lies well in the past. */
  private volatile long dueMicros;
  private volatile boolean startAfterNow;
  private volatile boolean connecting;

  /** {@code counters}: this instrument's, kept by the scheduler across restarts by a reload. */
  InstrumentPoller(InstrumentInfo info, PollingDriver driver, InstantSource clock, Sleeper sleeper, SampleSink sink,
      PollListener listener, InstrumentCounters counters) {
    this.info = info;
    this.listener = listener;
    this.driver = driver;
    this.clock = clock;
    this.sleeper = sleeper;
    this.sink = sink;
    this.interval = Math.max(1, info.poll().toNanos() / 1000);
    this.timeout = Math.min(interval, Math.max(1, info.pollTimeout().toNanos() / 1000));
    this.counters = counters;
    this.tickThread = new Thread(this::tickLoop, "ferry-tick-" + info.id());
    this.tickThread.setDaemon(true);
    this.pollThread = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "ferry-poll-" + info.id());
      t.setDaemon(true); // a driver stuck in native I/O must not keep the JVM alive after stop
      return t;
    });
  }

  String id() {
    return info.id();
  }

  PollingDriver driver() {
    return driver;
  }

  void start() {
    start(false);
  }

  /**
   * Starts ticking. {@code afterNow}: the first tick is strictly after now, for an instrument
   * restarted by a reload, whose predecessor may already have polled a tick that falls on now.
   */
  void start(boolean afterNow) {
    this.startAfterNow = afterNow;
    running = true;
    dueMicros = now();
    tickThread.start();
  }

  /**
   * Why this instrument's polling makes no progress at {@code now}, or null when it does: its tick
   * thread died or has not woken for {@code grace} past when it was due, or a poll is still inside
   * the driver {@code grace} after its deadline (a driver ignoring interrupts). A poll that fails or
   * times out is progress: the tick thread keeps ticking.
   */
  String stall(long now, long grace) {
    if (!running) {
      return null;
    }
    if (!tickThread.isAlive()) {
      return "instrument " + info.id() + ": its tick thread has stopped";
    }
    long due = dueMicros;
    if (now - due > grace) {
      return "instrument " + info.id() + ": its tick thread has not woken since " + MicroTime.instant(due);
    }
    PollAttempt attempt = current;
    if (attempt != null && !attempt.exited() && now - attempt.deadlineMicros > grace) {
      return "instrument " + info.id() + ": the poll of " + MicroTime.instant(attempt.tickMicros)
          + " is stuck in the driver past its timeout";
    }
    return null;
  }

  private long now() {
    return MicroTime.now(clock);
  }

  private void tickLoop() {
    long start = now();
    long nextTick;
    if (startAfterNow) {
      nextTick = Ticks.floor(start, interval) + interval;
      LOG.info("instrument {}: polling every {} (timeout {}), first tick {}", info.id(), Durations.format(info.poll()),
          Durations.format(info.pollTimeout()), MicroTime.instant(nextTick));
    } else {
      // A fresh start polls at once (the operator sees the instrument answer, or not, without waiting
      // up to an interval), then on aligned ticks from at least half an interval later; the first
      // poll's timeout ends by then, so it never costs the first aligned tick.
      nextTick = Ticks.ceil(start + interval / 2, interval);
      LOG.info("instrument {}: polling every {} (timeout {}), now and then on ticks from {}", info.id(),
          Durations.format(info.poll()), Durations.format(info.pollTimeout()), MicroTime.instant(nextTick));
      startPoll(new PollAttempt(start, Math.min(start + timeout, nextTick)));
    }
    // How far ahead the next tick may lie before the clock is taken to have gone back: one interval,
    // or up to one and a half before the first aligned tick of a fresh start.
    long firstTick = nextTick;
    long firstAhead = Math.max(interval, firstTick - start);
    try {
      while (running) {
        long now = now();
        if (nextTick - now > (nextTick == firstTick ? firstAhead : interval)) {
          LOG.warn("instrument {}: the clock went back to {}; ticks realigned", info.id(), MicroTime.instant(now));
          nextTick = Ticks.ceil(now, interval);
        }
        PollAttempt attempt = current;
        boolean watching = attempt != null && !attempt.exited() && !attempt.abandoned();
        long wake = watching ? Math.min(nextTick, attempt.deadlineMicros) : nextTick;
        if (now < wake) {
          dueMicros = wake;
          sleeper.sleepUntil(MicroTime.instant(wake), clock);
          continue;
        }
        if (watching && now >= attempt.deadlineMicros && attempt.abandon()) {
          onTimeout(attempt);
          listener.polled(info.id(), timeout * 1000, PollListener.Outcome.TIMEOUT);
        }
        if (now >= nextTick) {
          long tick = Ticks.floor(now, interval);
          long late = (tick - nextTick) / interval;
          nextTick = tick + interval;
          if (late > 0) {
            counters.missedTicks.addAndGet(late);
            onMissed(late + " tick(s) passed while the tick thread was late (suspended machine, long pause)");
          }
          if (attempt != null && !attempt.exited()) {
            counters.missedTicks.incrementAndGet();
            onMissed("the previous poll is still running (a driver ignoring interrupts)");
          } else {
            // The timeout runs from the poll's actual start: a tick thread that woke late must not eat into it.
            startPoll(new PollAttempt(tick, now + timeout));
          }
        }
      }
    } catch (InterruptedException e) {
      // stop() interrupts: leave quietly
    } catch (RuntimeException e) {
      LOG.error("instrument {}: tick thread failed; polling stopped", info.id(), e);
    }
  }

  private void startPoll(PollAttempt attempt) {
    current = attempt;
    counters.pollInFlight = true;
    try {
      pollThread.execute(() -> runPoll(attempt));
    } catch (RejectedExecutionException e) {
      attempt.exit(); // stopping
      counters.pollInFlight = false;
    }
  }

  /** On the poll thread. */
  private void runPoll(PollAttempt attempt) {
    try {
      if (!attempt.begin()) {
        return;
      }
      PollOutcome outcome;
      long started = System.nanoTime();
      try {
        outcome = PollOutcome.returned(driver.read());
      } catch (Exception | LinkageError | AssertionError e) {
        outcome = PollOutcome.threw(e);
      }
      if (attempt.complete()) {
        record(outcome, started);
      }
    } finally {
      attempt.exit();
      counters.pollInFlight = false;
    }
  }

  /** Counts one poll that counts (not abandoned), hands its samples on and logs a change of state once. */
  private void record(PollOutcome outcome, long startedNanos) {
    // Java 17: no pattern switch; PollOutcome is sealed to these four.
    if (outcome instanceof PollOutcome.Data d) {
      tell(startedNanos, PollListener.Outcome.OK);
      long now = now();
      counters.polls.incrementAndGet();
      counters.lastPollMicros = now;
      counters.lastGoodMicros = now;
      counters.deliver(sink, d.samples());
      onGood();
    } else if (outcome instanceof PollOutcome.Empty e) {
      tell(startedNanos, PollListener.Outcome.EMPTY);
      counters.empty.incrementAndGet();
      counters.lastPollMicros = now();
      counters.lastError = e.cause();
      counters.deliver(sink, e.samples()); // bad-quality values still show an outage downstream
      if (!empty) {
        empty = true;
        LOG.warn("instrument {}: {}; counted as failed polls until good values come", info.id(), e.cause());
      }
    } else if (outcome instanceof PollOutcome.Failed f) {
      tell(startedNanos, PollListener.Outcome.ERROR);
      onError(f.cause());
    } else if (outcome instanceof PollOutcome.Skipped k) {
      counters.lastError = k.cause();
      if (k.connecting()) {
        onConnecting(k.cause());
      } else {
        counters.skippedBackoff.incrementAndGet();
        if (!backingOff) {
          backingOff = true;
          LOG.info("instrument {}: {}; ticks are skipped and counted until the driver asks the device again", info.id(), k.cause());
        }
      }
    }
  }

  private void onGood() {
    if (failing || timingOut || skipping || empty || backingOff) {
      failing = false;
      timingOut = false;
      skipping = false;
      connecting = false;
      empty = false;
      backingOff = false;
      LOG.info("instrument {}: polls return good values again ({} errors, {} timeouts, {} empty, {} skipped, {} missed ticks so far)",
          info.id(), counters.errors.get(), counters.timeouts.get(), counters.empty.get(),
          counters.skippedBackoff.get() + counters.skippedConnecting.get(), counters.missedTicks.get());
    } else if (connecting) {
      connecting = false;
      LOG.info("instrument {}: connected; polling ({} tick(s) skipped while connecting)", info.id(), counters.skippedConnecting.get());
    }
  }

  private void tell(long startedNanos, PollListener.Outcome outcome) {
    try {
      listener.polled(info.id(), System.nanoTime() - startedNanos, outcome);
    } catch (RuntimeException e) {
      LOG.debug("instrument {}: poll listener failed: {}", info.id(), e.toString());
    }
  }

  private void onError(String cause) {
    counters.errors.incrementAndGet();
    counters.lastError = cause;
    if (!failing) {
      failing = true;
      LOG.warn("instrument {}: poll failed: {}; polling goes on, further failures are counted", info.id(), cause);
    }
  }

  /** Connecting is not polling: the tick is skipped (not an error, not a timeout, and no success either). */
  private void onConnecting(String cause) {
    counters.skippedConnecting.incrementAndGet();
    if (!connecting) {
      connecting = true;
      LOG.info("instrument {}: {}; ticks are skipped until connected", info.id(), cause);
    }
  }

  private void onTimeout(PollAttempt attempt) {
    counters.timeouts.incrementAndGet();
    counters.lastError = "poll timed out after " + Durations.format(info.pollTimeout());
    if (!timingOut) {
      timingOut = true;
      LOG.warn("instrument {}: poll of tick {} ran past its timeout of {}; interrupted, further timeouts are counted",
          info.id(), MicroTime.instant(attempt.tickMicros), Durations.format(info.pollTimeout()));
    }
  }

  private void onMissed(String why) {
    if (!skipping) {
      skipping = true;
      LOG.warn("instrument {}: skipping ticks: {}; further skipped ticks are counted", info.id(), why);
    }
  }

  /** Stops ticking (interrupts the tick thread). */
  void signalStop() {
    running = false;
    tickThread.interrupt();
  }

  /** Waits up to {@code nanos} for the tick thread to end. */
  boolean joinTicks(long nanos) throws InterruptedException {
    long ms = TimeUnit.NANOSECONDS.toMillis(nanos);
    if (ms > 0) {
      tickThread.join(ms);
    }
    return !tickThread.isAlive();
  }

  /** Interrupts a running poll and refuses new ones. */
  void abandonPoll() {
    PollAttempt attempt = current;
    if (attempt != null) {
      attempt.abandon();
    }
    pollThread.shutdownNow();
  }

  /** Waits up to {@code nanos} for the poll thread to end. */
  boolean awaitPoll(long nanos) throws InterruptedException {
    return pollThread.awaitTermination(Math.max(0, nanos), TimeUnit.NANOSECONDS);
  }
}
