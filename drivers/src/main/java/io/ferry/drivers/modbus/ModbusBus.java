package io.ferry.drivers.modbus;

import io.ferry.core.Backoff;
import io.ferry.core.Ticker;
import io.ferry.drivers.modbus.codec.ReadRequest;
import io.ferry.drivers.modbus.codec.WriteFrame;
import io.ferry.drivers.modbus.transport.ModbusLink;
import io.ferry.drivers.modbus.transport.ModbusTransport;
import io.ferry.drivers.modbus.transport.ReadResult;
import io.ferry.drivers.modbus.transport.WriteResult;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One physical bus or connection, shared by every instrument on it: one thread, requests
 * strictly one after another (never pipelined: many devices and gateways mishandle that), a
 * pause between requests, and reconnection with exponential capped backoff. A unit that does
 * not answer costs the bus one timeout per backoff period of that unit, decided by its driver.
 */
final class ModbusBus {
  private static final Logger LOG = LoggerFactory.getLogger(ModbusBus.class);

  private final ModbusTransport transport;
  private final Function<Duration, ModbusLink> links;
  private final InstantSource clock;
  private final ExecutorService thread;
  private final AtomicLong requests = new AtomicLong();
  private final StateLog state;
  private Duration timeout = Duration.ZERO;
  private Duration pause = Duration.ZERO;
  private Backoff.State reconnect;
  /** Why the link went down, in words: repeated while the reconnect backoff runs, so the cause stays visible. */
  private String downCause = "";
  private ModbusLink link;
  private final Ticker ticker;
  private long lastRequestEnd;
  private int silentInARow;
  /** After this many timeouts in a row with no answer from any unit, the port or socket is reopened. */
  static final int REOPEN_AFTER_SILENT = 3;
  private int users;

  ModbusBus(ModbusTransport transport, Function<Duration, ModbusLink> links, InstantSource clock, Ticker ticker,
      Backoff backoff) {
    this.transport = transport;
    this.links = links;
    this.clock = clock;
    this.ticker = ticker;
    this.lastRequestEnd = ticker.nanos();
    this.reconnect = backoff.start();
    this.state = new StateLog(LOG, "bus " + transport.busKey(), io.ferry.drivers.spi.DriverMetrics.NOOP);
    this.thread = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "ferry-modbus " + transport.busKey());
      t.setDaemon(true);
      return t;
    });
  }

  /** Adds an instrument: the bus keeps the longest timeout and pause asked for. */
  synchronized void join(ModbusPlan plan) {
    users++;
    if (!plan.transport().equals(transport)) {
      LOG.warn("instrument {} ({}) shares {} but asks for {}; the bus keeps {} (the first instrument's settings)",
          plan.instrument().id(), plan.instrument().file(), transport.busKey(), plan.transport().describe(),
          transport.describe());
    }
    if (plan.timeout().compareTo(timeout) > 0) {
      timeout = plan.timeout();
    }
    if (plan.pause().compareTo(pause) > 0) {
      pause = plan.pause();
    }
  }

  /** Removes an instrument; returns true when it was the last one (the bus is then closed). */
  synchronized boolean leave() {
    users--;
    if (users > 0) {
      return false;
    }
    thread.execute(this::closeLink);
    thread.shutdown();
    return true;
  }

  /** Runs {@code job} on the bus thread, after every job queued before it. */
  <T> CompletableFuture<T> submit(Supplier<T> job) {
    try {
      return CompletableFuture.supplyAsync(job, thread);
    } catch (RejectedExecutionException e) {
      return CompletableFuture.failedFuture(new IllegalStateException("bus " + transport.busKey() + " is closed"));
    }
  }

  /** Reads sent on this bus so far. */
  long requestCount() {
    return requests.get();
  }

  /** One read; call from a job only (the bus thread). */
  ReadResult read(int unit, ReadRequest request) {
    Duration t = timeout();
    Optional<String> down = connectAndPace();
    if (down.isPresent()) {
      return new ReadResult.LinkDown(down.get());
    }
    requests.incrementAndGet();
    ReadResult r = link.read(unit, request, t);
    lastRequestEnd = ticker.nanos();
    if (r instanceof ReadResult.LinkDown d) {
      linkBroke(d.detail());
    } else if (r instanceof ReadResult.Timeout) {
      unanswered();
    } else {
      silentInARow = 0;
    }
    return r;
  }

  /**
   * One write, paced and reconnected like a read; call from a job only (the bus thread), so it
   * never overlaps a read on the same line.
   */
  WriteResult write(int unit, WriteFrame frame) {
    Duration t = timeout();
    Optional<String> down = connectAndPace();
    if (down.isPresent()) {
      return new WriteResult.LinkDown(down.get());
    }
    requests.incrementAndGet();
    WriteResult r = link.write(unit, frame, t);
    lastRequestEnd = ticker.nanos();
    if (r instanceof WriteResult.LinkDown d) {
      linkBroke(d.detail());
    } else if (r instanceof WriteResult.Lost l) {
      linkBroke(l.detail());
    } else if (r instanceof WriteResult.Timeout) {
      unanswered();
    } else {
      silentInARow = 0;
    }
    return r;
  }

  private synchronized Duration timeout() {
    return timeout;
  }

  /** Connects when needed and keeps the pause since the last request; the cause in words when the link is down. */
  private Optional<String> connectAndPace() {
    Duration t;
    Duration p;
    synchronized (this) {
      t = timeout;
      p = pause;
    }
    if (link == null || !link.isConnected()) {
      if (!reconnect.allows(clock.instant())) {
        return Optional.of(transport.describe() + " is down (" + downCause + "); next attempt at " + reconnect.notBefore());
      }
      closeLink();
      ModbusLink l = links.apply(t);
      try {
        l.connect();
        link = l;
        reconnect = reconnect.succeeded();
        state.set("link", "connected", "");
      } catch (Exception e) {
        l.disconnect();
        reconnect = reconnect.failed(clock.instant());
        String msg = io.ferry.config.IoCauses.message(e);
        downCause = msg;
        state.set("link", "down", msg + "; retrying with backoff");
        return Optional.of(msg);
      }
    }
    long wait = lastRequestEnd + p.toNanos() - ticker.nanos();
    if (wait > 0) {
      LockSupport.parkNanos(wait);
    }
    return Optional.empty();
  }

  private void linkBroke(String detail) {
    downCause = detail;
    closeLink();
    reconnect = reconnect.failed(clock.instant());
    state.set("link", "down", detail + "; retrying with backoff");
  }

  private void unanswered() {
    // a USB adapter unplugged and plugged back keeps an open but dead handle: when no unit at
    // all answers, reopen the port (which fails loudly, with backoff, while the device is gone)
    if (++silentInARow >= REOPEN_AFTER_SILENT) {
      silentInARow = 0;
      closeLink();
      state.set("link", "silent", REOPEN_AFTER_SILENT + " requests in a row got no answer from any unit; reopening");
    }
  }

  private void closeLink() {
    if (link != null) {
      link.disconnect();
      link = null;
    }
  }
}
