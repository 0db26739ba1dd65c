package io.ferry.agent.runtime;

import io.ferry.config.InstrumentInfo;
import io.ferry.core.Sleeper;
import io.ferry.core.Ticker;
import io.ferry.drivers.spi.Driver;
import io.ferry.drivers.spi.PollingDriver;
import io.ferry.drivers.spi.SampleSink;
import io.ferry.drivers.spi.StreamingDriver;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs every instrument: polls each polling driver on ticks aligned to its interval (its own
 * threads, see {@link InstrumentPoller}), starts each streaming driver with the sink, and hands
 * all samples to one {@link SampleSink}. Owns the drivers it is given: {@link #stop} closes them.
 *
 * <p>Use: {@link #add} every instrument, {@link #start()} once, read {@link #stats()} at will,
 * {@link #stop(Duration)} (or {@link #close()}) once. While running, {@link #add} starts an
 * instrument at once and {@link #remove} stops one (a reload); the others are not touched, so
 * they keep their tick schedule.
 *
 * <p>Counters are per instrument id since the scheduler first ran it: an instrument removed and
 * added again (a reload that restarts it) carries on with its counters, and {@link #totals()}
 * still includes instruments a reload removed; {@link #stats()} lists only the running ones.
 */
public final class Scheduler implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Scheduler.class);
  public static final Duration DEFAULT_STOP_GRACE = Duration.ofSeconds(5);
  private static final Duration UNWIND = Duration.ofMillis(200);

  private final InstantSource clock;
  private final Sleeper sleeper;
  private final Ticker ticker;
  private final SampleSink sink;
  private final PollListener listener;
  // Concurrent: a reload adds and removes while status readers iterate.
  private final Map<String, InstrumentPoller> pollers = new ConcurrentHashMap<>();
  private final Map<String, Streaming> streams = new ConcurrentHashMap<>();
  private final List<String> order = new ArrayList<>();
  /** Every instrument's counters since it was first added, also after it was removed (for totals and a re-add). */
  private final Map<String, InstrumentCounters> counters = new ConcurrentHashMap<>();
  private State state = State.NEW;

  private enum State { NEW, RUNNING, STOPPED }

  private record Streaming(StreamingDriver driver, InstrumentCounters counters) {}

  /**
   * @param clock the time ticks align to (the same clock the drivers get)
   * @param sleeper how tick threads wait for that clock
   * @param ticker elapsed time for the stop grace (a clock step must not shorten it)
   * @param sink where every sample goes (the buffer's append)
   * @param listener told about every poll (its latency, for metrics)
   */
  public Scheduler(InstantSource clock, Sleeper sleeper, Ticker ticker, SampleSink sink, PollListener listener) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    this.ticker = Objects.requireNonNull(ticker, "ticker");
    this.sink = Objects.requireNonNull(sink, "sink");
    this.listener = Objects.requireNonNull(listener, "listener");
  }

  /** Without a poll listener. */
  public Scheduler(InstantSource clock, Sleeper sleeper, Ticker ticker, SampleSink sink) {
    this(clock, sleeper, ticker, sink, PollListener.NONE);
  }

  /** With the system ticker and a listener told about every poll (its latency, for metrics). */
  public Scheduler(InstantSource clock, Sleeper sleeper, SampleSink sink, PollListener listener) {
    this(clock, sleeper, Ticker.system(), sink, listener);
  }

  /** With the system ticker, without a poll listener. */
  public Scheduler(InstantSource clock, Sleeper sleeper, SampleSink sink) {
    this(clock, sleeper, Ticker.system(), sink, PollListener.NONE);
  }

  /**
   * Adds an opened driver for {@code instrument}; once running, starts it at once (a reload). The
   * scheduler closes it on stop or {@link #remove}.
   */
  public synchronized void add(InstrumentInfo instrument, Driver driver) {
    Objects.requireNonNull(instrument, "instrument");
    Objects.requireNonNull(driver, "driver");
    if (state == State.STOPPED) {
      throw new IllegalStateException("the scheduler has stopped");
    }
    if (order.contains(instrument.id())) {
      throw new IllegalArgumentException("instrument " + instrument.id() + " was already added");
    }
    order.add(instrument.id());
    InstrumentCounters c = counters.computeIfAbsent(instrument.id(), id -> new InstrumentCounters(instrument, clock));
    c.info = instrument;
    // Driver is sealed to these two (Java 17 has no pattern switch yet).
    if (driver instanceof PollingDriver p) {
      InstrumentPoller poller = new InstrumentPoller(instrument, p, clock, sleeper, sink, listener, c);
      pollers.put(instrument.id(), poller);
      if (state == State.RUNNING) {
        poller.start(true);
      }
    } else if (driver instanceof StreamingDriver s) {
      Streaming streaming = new Streaming(s, c);
      streams.put(instrument.id(), streaming);
      if (state == State.RUNNING) {
        startStreaming(instrument.id(), streaming);
      }
    }
  }

  /**
   * Stops one instrument as {@link #stop} stops them all (ticks, then its poll, then its driver is
   * closed) and forgets it; the others go on untouched. False when there is no such instrument.
   */
  public boolean remove(String instrument, Duration grace) {
    InstrumentPoller poller;
    Streaming streaming;
    synchronized (this) {
      if (!order.remove(instrument)) {
        return false;
      }
      poller = pollers.remove(instrument);
      streaming = streams.remove(instrument);
    }
    if (poller != null) {
      stopPollers(List.of(poller), grace);
      LOG.info("instrument {}: stopped: {}", instrument, poller.counters.snapshot().summary());
    }
    if (streaming != null) {
      closeQuietly(instrument, streaming.driver());
      LOG.info("instrument {}: stopped", instrument);
    }
    return true;
  }

  /** The ids of the instruments being run, in the order they were added. */
  public synchronized List<String> instruments() {
    return List.copyOf(order);
  }

  /**
   * What makes no progress at {@code now} (see {@link InstrumentPoller#stall}), one line each;
   * empty when every polled instrument's tick thread and poll are moving.
   */
  public List<String> stalled(java.time.Instant now, Duration grace) {
    long at = io.ferry.core.MicroTime.micros(now);
    long g = grace.toNanos() / 1000;
    List<String> out = new ArrayList<>();
    for (InstrumentPoller p : pollers.values()) {
      String why = p.stall(at, g);
      if (why != null) {
        out.add(why);
      }
    }
    return out;
  }

  private void startStreaming(String id, Streaming s) {
    try {
      s.driver().start(batch -> s.counters().streamed(sink, batch));
    } catch (RuntimeException e) {
      s.counters().errors.incrementAndGet();
      s.counters().lastError = InstrumentCounters.describe(e);
      LOG.error("instrument {}: streaming driver failed to start: {}", id, s.counters().lastError);
    }
  }

  /** Starts every tick thread and every streaming driver; returns at once. */
  public synchronized void start() {
    if (state != State.NEW) {
      throw new IllegalStateException("already started");
    }
    state = State.RUNNING;
    pollers.values().forEach(InstrumentPoller::start);
    streams.forEach(this::startStreaming);
    LOG.info("scheduler started: {} polled and {} streaming instrument(s)", pollers.size(), streams.size());
  }

  /** Counters of every instrument, in the order they were added. */
  public List<PollStats> stats() {
    List<String> ids;
    synchronized (this) {
      ids = List.copyOf(order);
    }
    return ids.stream().map(this::stats).flatMap(Optional::stream).toList(); // one removed meanwhile is left out
  }

  public Optional<PollStats> stats(String instrument) {
    InstrumentPoller p = pollers.get(instrument);
    if (p != null) {
      return Optional.of(p.counters.snapshot());
    }
    Streaming s = streams.get(instrument);
    return s == null ? Optional.empty() : Optional.of(s.counters().snapshot());
  }

  /** The instruments whose drivers stream rather than being polled. */
  public java.util.Set<String> streamingInstruments() {
    return java.util.Set.copyOf(streams.keySet());
  }

  /** The sum over every instrument run since the start, including ones a reload removed (for the status line). */
  public PollStats totals() {
    return PollStats.total(counters.values().stream().map(InstrumentCounters::snapshot).toList());
  }

  /**
   * Stops ticking, interrupts running polls, closes every driver (which also releases a poll
   * stuck in I/O that ignored its interrupt) and waits up to {@code grace} for the threads.
   * Idempotent. Threads still alive afterwards are daemons and are logged.
   */
  public void stop(Duration grace) {
    synchronized (this) {
      if (state == State.STOPPED) {
        return;
      }
      state = State.STOPPED;
    }
    stopPollers(List.copyOf(pollers.values()), grace);
    streams.forEach((id, s) -> closeQuietly(id, s.driver()));
    LOG.info("scheduler stopped: {}", totals().summary());
  }

  /** Stops ticking, interrupts running polls, closes the drivers and waits up to {@code grace}. */
  private void stopPollers(List<InstrumentPoller> stopping, Duration grace) {
    long deadline = ticker.nanos() + grace.toNanos();
    stopping.forEach(InstrumentPoller::signalStop);
    boolean interrupted = false;
    try {
      for (InstrumentPoller p : stopping) {
        p.joinTicks(deadline - ticker.nanos());
      }
      stopping.forEach(InstrumentPoller::abandonPoll);
      // Interrupted polls get a moment to unwind before their drivers are closed under them.
      long unwind = Math.min(deadline, ticker.nanos() + UNWIND.toNanos());
      for (InstrumentPoller p : stopping) {
        p.awaitPoll(unwind - ticker.nanos());
      }
    } catch (InterruptedException e) {
      interrupted = true;
    }
    stopping.forEach(p -> closeQuietly(p.id(), p.driver()));
    for (InstrumentPoller p : stopping) {
      try {
        if (!p.awaitPoll(Math.max(deadline - ticker.nanos(), UNWIND.toNanos()))) {
          LOG.warn("instrument {}: its poll thread did not stop (a driver ignoring interrupt and close); left behind as a daemon", p.id());
        }
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    stop(DEFAULT_STOP_GRACE);
  }

  private static void closeQuietly(String id, Driver driver) {
    try {
      driver.close();
    } catch (RuntimeException e) {
      LOG.warn("instrument {}: closing the driver failed: {}", id, InstrumentCounters.describe(e));
    }
  }
}
