package io.ferry.drivers.modbus;

import io.ferry.core.LogGate;
import io.ferry.drivers.spi.DriverMetrics;
import java.util.Optional;
import org.slf4j.Logger;

/**
 * Logs a condition once when it starts and once when it ends, never per poll (through
 * {@link LogGate#onChange()}). Keys name what the condition is about (the unit, one channel);
 * states are short words.
 */
final class StateLog {
  private final Logger log;
  private final String prefix;
  private final DriverMetrics metrics;
  private final LogGate states = LogGate.onChange();

  StateLog(Logger log, String prefix, DriverMetrics metrics) {
    this.log = log;
    this.prefix = prefix;
    this.metrics = metrics;
  }

  /** Records {@code state} for {@code key}; logs (warn for a fault, info for "ok") only on change. Returns true on change. */
  boolean set(String key, String state, String detail) {
    Optional<LogGate.Pass> pass = states.admit(key, state);
    if (pass.isEmpty()) {
      return false;
    }
    boolean wasKnown = pass.get().previous().isPresent();
    if (key.equals("unit")) {
      metrics.state(state);
    }
    if (state.equals("ok") || state.equals("connected")) {
      if (wasKnown) {
        log.info("{} {}: {} again{}", prefix, key, state, detail.isEmpty() ? "" : " (" + detail + ")");
      }
    } else {
      log.warn("{} {}: {}{}", prefix, key, state, detail.isEmpty() ? "" : ": " + detail);
    }
    return true;
  }

  String get(String key) {
    return states.current(key).orElse(null);
  }
}
