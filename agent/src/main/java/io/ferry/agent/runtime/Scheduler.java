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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs every instrument: polls each polling driver on ticks aligned to its interval (its own
 * threads, see {@link InstrumentPoller}), starts each streaming driver with the sink, and hands
 * all samples to one {@link SampleSink}. Owns the drivers it is given: {@link #stop} closes them.
 *
 * <p>Use: {@link #add} every instrument, {@link #start()} once, read {@link #stats()} at will,
 * {@link #stop(Duration)} (or {@link #close()}) once.
 */
public final class Scheduler implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Scheduler.class);
  public static final Duration DEFAULT_STOP_GRACE = Duration.ofSeconds(5);
  private static final Duration UNWIND = Duration.ofMillis(200);

  private final InstantSource clock;
  private final Sleeper sleeper;
  private final Ticker ticker;
  private final SampleSink sink;
  private final Map<String, InstrumentPoller> pollers = new LinkedHashMap<>();
  private final Map<String, Streaming> streams = new LinkedHashMap<>();
  private final List<String> order = new ArrayList<>();
  private State state = State.NEW;

  private enum State { NEW, RUNNING, STOPPED }

  private record Streaming(StreamingDriver driver, InstrumentCounters counters) {}

  /**
   * @param clock the time ticks align to (the same clock the drivers get)
   * @param sleeper how tick threads wait for that clock
   * @param ticker elapsed time for the stop grace (a clock step must not shorten it)
   * @param sink where every sample goes (the buffer's append)
   */
  public Scheduler(InstantSource clock, Sleeper sleeper, Ticker ticker, SampleSink sink) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    this.ticker = Objects.requireNonNull(ticker, "ticker");
    this.sink = Objects.requireNonNull(sink, "sink");
  }

  /** With the system ticker. */
  public Scheduler(InstantSource clock, Sleeper sleeper, SampleSink sink) {
    this(clock, sleeper, Ticker.system(), sink);
  }

  /** Adds an opened driver for {@code instrument}; before {@link #start()}. The scheduler closes it on stop. */
  public synchronized void add(InstrumentInfo instrument, Driver driver) {
    Objects.requireNonNull(instrument, "instrument");
    Objects.requireNonNull(driver, "driver");
    if (state != State.NEW) {
      throw new IllegalStateException("instruments are added before start()");
    }
    if (order.contains(instrument.id())) {
      throw new IllegalArgumentException("instrument " + instrument.id() + " was already added");
    }
    order.add(instrument.id());
    // Driver is sealed to these two (Java 17 has no pattern switch yet).
    if (driver instanceof PollingDriver p) {
      pollers.put(instrument.id(), new InstrumentPoller(instrument, p, clock, sleeper, sink));
    } else if (driver instanceof StreamingDriver s) {
      streams.put(instrument.id(), new Streaming(s, new InstrumentCounters(instrument.id())));
    }
  }

  /** Starts every tick thread and every streaming driver; returns at once. */
  public synchronized void start() {
    if (state != State.NEW) {
      throw new IllegalStateException("already started");
    }
    state = State.RUNNING;
    pollers.values().forEach(InstrumentPoller::start);
    streams.forEach((id, s) -> {
      try {
        s.driver().start(batch -> s.counters().deliver(sink, batch));
      } catch (RuntimeException e) {
        s.counters().errors.incrementAndGet();
        s.counters().lastError = InstrumentCounters.describe(e);
        LOG.error("instrument {}: streaming driver failed to start: {}", id, s.counters().lastError);
      }
    });
    LOG.info("scheduler started: {} polled and {} streaming instrument(s)", pollers.size(), streams.size());
  }

  /** Counters of every instrument, in the order they were added. */
  public List<PollStats> stats() {
    List<String> ids;
    synchronized (this) {
      ids = List.copyOf(order);
    }
    return ids.stream().map(id -> stats(id).orElseThrow()).toList();
  }

  public Optional<PollStats> stats(String instrument) {
    InstrumentPoller p = pollers.get(instrument);
    if (p != null) {
      return Optional.of(p.counters.snapshot());
    }
    Streaming s = streams.get(instrument);
    return s == null ? Optional.empty() : Optional.of(s.counters().snapshot());
  }

  /** The sum over all instruments (for the status line). */
  public PollStats totals() {
    return PollStats.total(stats());
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
    long deadline = ticker.nanos() + grace.toNanos();
    pollers.values().forEach(InstrumentPoller::signalStop);
    boolean interrupted = false;
    try {
      for (InstrumentPoller p : pollers.values()) {
        p.joinTicks(deadline - ticker.nanos());
      }
      pollers.values().forEach(InstrumentPoller::abandonPoll);
      // Interrupted polls get a moment to unwind before their drivers are closed under them.
      long unwind = Math.min(deadline, ticker.nanos() + UNWIND.toNanos());
      for (InstrumentPoller p : pollers.values()) {
        p.awaitPoll(unwind - ticker.nanos());
      }
    } catch (InterruptedException e) {
      interrupted = true;
    }
    pollers.values().forEach(p -> closeQuietly(p.id(), p.driver()));
    streams.forEach((id, s) -> closeQuietly(id, s.driver()));
    for (InstrumentPoller p : pollers.values()) {
      try {
        if (!p.awaitPoll(Math.max(deadline - ticker.nanos(), UNWIND.toNanos()))) {
          LOG.warn("instrument {}: its poll thread did not stop (a driver ignoring interrupt and close); left behind as a daemon", p.id());
        }
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    LOG.info("scheduler stopped: {}", totals());
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
