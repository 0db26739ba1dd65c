package io.ferry.agent.systemd;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps systemd told: {@code READY=1} once started, {@code STATUS=} (one line) every few seconds,
 * {@code WATCHDOG=1} on the same beat but only while nothing is stalled, {@code RELOADING=1} and
 * {@code STOPPING=1}. A stalled poll loop or uplink runner therefore stops the pings, and systemd
 * restarts Ferry after {@code WatchdogSec=}; the stall itself is logged and shown in the status.
 *
 * <p>{@link #beat()} is one round and is what tests call; {@link #start()} runs it on one daemon
 * thread every {@link #period}.
 */
public final class ServiceNotifier implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ServiceNotifier.class);
  /** How often the status line is refreshed when no watchdog asks for more. */
  public static final Duration STATUS_EVERY = Duration.ofSeconds(5);

  private final Notifier out;
  private final Supplier<String> status;
  private final Supplier<List<String>> stalled;
  private final Optional<Duration> watchdog;
  private ScheduledExecutorService timer;
  private volatile List<String> lastStalled = List.of();

  /**
   * @param out where messages go
   * @param status the one-line summary
   * @param stalled what makes no progress now (empty when healthy)
   * @param watchdog systemd's watchdog period ({@code WATCHDOG_USEC}), if any
   */
  public ServiceNotifier(Notifier out, Supplier<String> status, Supplier<List<String>> stalled, Optional<Duration> watchdog) {
    this.out = Objects.requireNonNull(out, "out");
    this.status = Objects.requireNonNull(status, "status");
    this.stalled = Objects.requireNonNull(stalled, "stalled");
    this.watchdog = Objects.requireNonNull(watchdog, "watchdog");
  }

  /** Status every {@link #STATUS_EVERY}, or every half watchdog period when that is shorter (as sd_watchdog_enabled(3) advises). */
  public Duration period() {
    return watchdog.map(w -> w.dividedBy(2)).filter(h -> h.compareTo(STATUS_EVERY) < 0).orElse(STATUS_EVERY);
  }

  public void ready() {
    out.send("READY=1\nSTATUS=" + oneLine(status.get()));
  }

  public void reloading() {
    out.send("RELOADING=1\nSTATUS=reloading the configuration");
  }

  /** After a reload (applied or refused): running again. */
  public void reloaded() {
    ready();
  }

  public void stopping() {
    out.send("STOPPING=1\nSTATUS=stopping: flushing the buffer");
  }

  /** One round: the status line, and a watchdog ping when nothing is stalled. */
  public void beat() {
    List<String> now;
    try {
      now = stalled.get();
    } catch (RuntimeException e) {
      now = List.of("the health check failed: " + e.getMessage());
    }
    String line = oneLine(status.get());
    if (now.isEmpty()) {
      if (!lastStalled.isEmpty()) {
        LOG.info("progress again: watchdog pings resume");
      }
      out.send((watchdog.isPresent() ? "WATCHDOG=1\n" : "") + "STATUS=" + line);
    } else {
      if (!now.equals(lastStalled)) {
        for (String s : now) {
          LOG.error("no progress: {}; watchdog pings stop{}", s, watchdog.isPresent() ? " and systemd will restart ferry" : "");
        }
      }
      out.send("STATUS=" + oneLine("STALLED: " + now.get(0) + (now.size() > 1 ? " (+" + (now.size() - 1) + " more)" : "") + " | " + line));
    }
    lastStalled = now;
  }

  /** Runs {@link #beat()} every {@link #period()} on a daemon thread. */
  public synchronized void start() {
    if (timer != null) {
      return;
    }
    timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "ferry-systemd");
      t.setDaemon(true);
      return t;
    });
    long ms = period().toMillis();
    timer.scheduleWithFixedDelay(() -> {
      try {
        beat();
      } catch (RuntimeException e) {
        LOG.warn("systemd status update failed: {}", io.ferry.config.IoCauses.message(e));
      }
    }, ms, ms, TimeUnit.MILLISECONDS);
  }

  @Override
  public synchronized void close() {
    if (timer != null) {
      timer.shutdownNow();
      timer = null;
    }
  }

  /** STATUS= is one line: newlines would start new (bogus) assignments. */
  static String oneLine(String s) {
    return s.replace('\n', ' ').replace('\r', ' ');
  }
}
