package io.ferry.drivers.modbus;

import io.ferry.drivers.spi.DriverMetrics;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;

/**
 * Logs a condition once when it starts and once when it ends, never per poll. Keys name what
 * the condition is about (the unit, one channel); states are short words.
 */
final class StateLog {
  private final Logger log;
  private final String prefix;
  private final DriverMetrics metrics;
  private final Map<String, String> states = new HashMap<>();

  StateLog(Logger log, String prefix, DriverMetrics metrics) {
    this.log = log;
    this.prefix = prefix;
    this.metrics = metrics;
  }

  /** Records {@code state} for {@code key}; logs (warn for a fault, info for "ok") only on change. Returns true on change. */
  synchronized boolean set(String key, String state, String detail) {
    String previous = states.put(key, state);
    if (Objects.equals(previous, state)) {
      return false;
    }
    if (key.equals("unit")) {
      metrics.state(state);
    }
    if (state.equals("ok") || state.equals("connected")) {
      if (previous != null) {
        log.info("{} {}: {} again{}", prefix, key, state, detail.isEmpty() ? "" : " (" + detail + ")");
      }
    } else {
      log.warn("{} {}: {}{}", prefix, key, state, detail.isEmpty() ? "" : ": " + detail);
    }
    return true;
  }

  synchronized String get(String key) {
    return states.get(key);
  }
}
