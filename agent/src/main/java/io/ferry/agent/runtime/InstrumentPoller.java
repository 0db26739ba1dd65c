package io.ferry.agent.runtime;

import io.ferry.config.Durations;
import io.ferry.config.InstrumentInfo;
import io.ferry.core.MicroTime;
import io.ferry.core.Sample;
import io.ferry.drivers.spi.PollingDriver;
import io.ferry.drivers.spi.SampleSink;
import io.ferry.drivers.spi.StillConnectingException;
import java.time.InstantSource;
import java.util.List;
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
  private static final Logger log = LoggerFactory.getLogger(InstrumentPoller.class);

  private final InstrumentInfo info;
  private final PollingDriver driver;
  private final InstantSource clock;
  private final Sleeper sleeper;
  private final SampleSink sink;
  private final long interval;
  private final long timeout;
  final InstrumentCounters counters;
  private final Thread tickThread;
  private final ExecutorService pollThread;
  private volatile boolean running;
  private volatile PollAttempt current;
  // State changes are logged once, not every tick; a successful poll resets them.
  private volatile boolean failing;
  private volatile boolean timingOut;
  private volatile boolean skipping;
  private volatile boolean connecting;

  InstrumentPoller(InstrumentInfo info, PollingDriver driver, InstantSource clock, Sleeper sleeper, SampleSink sink) {
    this.info = info;
    this.driver = driver;
    this.clock = clock;
    this.sleeper = sleeper;
    this.sink = sink;
    this.interval = Math.max(1, info.poll().toNanos() / 1000);
    this.timeout = Math.min(interval, Math.max(1, info.pollTimeout().toNanos() / 1000));
    this.counters = new InstrumentCounters(info.id());
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
    running = true;
    tickThread.start();
  }

  private long now() {
    return MicroTime.now(clock);
  }

  private void tickLoop() {
    long nextTick = Ticks.ceil(now(), interval);
    log.info("instrument {}: polling every {} (timeout {}), first tick {}", info.id(), Durations.format(info.poll()),
        Durations.format(info.pollTimeout()), MicroTime.instant(nextTick));
    try {
      while (running) {
        long now = now();
        if (nextTick - now > interval) {
          log.warn("instrument {}: the clock went back to {}; ticks realigned", info.id(), MicroTime.instant(now));
          nextTick = Ticks.ceil(now, interval);
        }
        PollAttempt attempt = current;
        boolean watching = attempt != null && !attempt.exited() && !attempt.abandoned();
        long wake = watching ? Math.min(nextTick, attempt.deadlineMicros) : nextTick;
        if (now < wake) {
          sleeper.sleepUntil(MicroTime.instant(wake));
          continue;
        }
        if (watching && now >= attempt.deadlineMicros && attempt.abandon()) {
          onTimeout(attempt);
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
      log.error("instrument {}: tick thread failed; polling stopped", info.id(), e);
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
      List<Sample> samples;
      try {
        samples = driver.poll();
      } catch (StillConnectingException e) {
        if (attempt.complete()) {
          onConnecting(e);
        }
        return;
      } catch (Exception | LinkageError | AssertionError e) {
        if (attempt.complete()) {
          onError(e);
        }
        return;
      }
      if (attempt.complete()) {
        counters.polls.incrementAndGet();
        counters.lastPollMicros = now();
        counters.deliver(sink, samples == null ? List.of() : samples);
        if (failing || timingOut || skipping) {
          failing = false;
          timingOut = false;
          skipping = false;
          connecting = false;
          log.info("instrument {}: polls succeed again ({} errors, {} timeouts, {} missed ticks so far)", info.id(),
              counters.errors.get(), counters.timeouts.get(), counters.missedTicks.get());
        } else if (connecting) {
          connecting = false;
          log.info("instrument {}: connected; polling ({} tick(s) skipped while connecting)", info.id(), counters.skippedConnecting.get());
        }
      }
    } finally {
      attempt.exit();
      counters.pollInFlight = false;
    }
  }

  private void onError(Throwable e) {
    counters.errors.incrementAndGet();
    counters.lastError = InstrumentCounters.describe(e);
    if (!failing) {
      failing = true;
      log.warn("instrument {}: poll failed: {}; polling goes on, further failures are counted", info.id(), counters.lastError);
    }
  }

  /** Connecting is not polling: the tick is skipped, not counted as a failure or a timeout. */
  private void onConnecting(StillConnectingException e) {
    counters.skippedConnecting.incrementAndGet();
    if (!connecting) {
      connecting = true;
      log.info("instrument {}: {}; ticks are skipped until connected", info.id(), e.getMessage());
    }
  }

  private void onTimeout(PollAttempt attempt) {
    counters.timeouts.incrementAndGet();
    counters.lastError = "poll timed out after " + Durations.format(info.pollTimeout());
    if (!timingOut) {
      timingOut = true;
      log.warn("instrument {}: poll of tick {} ran past its timeout of {}; interrupted, further timeouts are counted",
          info.id(), MicroTime.instant(attempt.tickMicros), Durations.format(info.pollTimeout()));
    }
  }

  private void onMissed(String why) {
    if (!skipping) {
      skipping = true;
      log.warn("instrument {}: skipping ticks: {}; further skipped ticks are counted", info.id(), why);
    }
  }

  /** Stops ticking (interrupts the tick thread). */
  void signalStop() {
    running = false;
    tickThread.interrupt();
  }

  boolean joinTicks(long deadlineNanos) throws InterruptedException {
    long ms = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
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

  boolean awaitPoll(long deadlineNanos) throws InterruptedException {
    return pollThread.awaitTermination(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
  }
}
