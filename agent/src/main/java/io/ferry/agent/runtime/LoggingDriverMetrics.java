package io.ferry.agent.runtime;

import io.ferry.core.LogGate;
import io.ferry.drivers.spi.DriverMetrics;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Keeps a driver's counters and logs its connection state when it changes (not on every poll). */
final class LoggingDriverMetrics implements DriverMetrics {
  private static final Logger LOG = LoggerFactory.getLogger("io.ferry.drivers");
  private final String instrument;
  private final Map<String, AtomicLong> counters = new ConcurrentHashMap<>();
  private final LogGate state = LogGate.onChange();

  LoggingDriverMetrics(String instrument) {
    this.instrument = instrument;
  }

  @Override
  public void increment(String counter, long delta) {
    counters.computeIfAbsent(counter, k -> new AtomicLong()).addAndGet(delta);
  }

  /** Gauges share the counters' map: the status and metrics read both by name. */
  @Override
  public void gauge(String name, long value) {
    counters.computeIfAbsent(name, k -> new AtomicLong()).set(value);
  }

  @Override
  public void state(String newState) {
    if (state.admit("state", newState).isPresent()) {
      LOG.info("instrument {}: {}", instrument, newState);
    }
  }

  /** The counters reported so far, by name. */
  Map<String, Long> totals() {
    Map<String, Long> totals = new java.util.TreeMap<>();
    counters.forEach((k, v) -> totals.put(k, v.get()));
    return totals;
  }

  String instrument() {
    return instrument;
  }

  /** Logs the counters a driver reported (malformed payloads, errors, timeouts...), if any, once at stop. */
  void logTotals() {
    Map<String, Long> totals = totals();
    if (!totals.isEmpty()) {
      LOG.info("instrument {}: driver counts since start {}", instrument, totals);
    }
  }
}
