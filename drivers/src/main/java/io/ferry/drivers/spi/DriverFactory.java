package io.ferry.drivers.spi;

import io.ferry.config.InstrumentConfig;
import java.util.Optional;
import java.util.Set;

/**
 * Plans and opens one kind of driver. The agent creates one factory of each kind per run, so a
 * factory may share resources between its instruments (one Modbus RTU bus, one thread).
 */
public interface DriverFactory {
  /** The {@code driver:} names this factory answers to, for example {@code modbus-tcp}. */
  Set<String> names();

  /**
   * Reads the instrument's driver keys (its {@code connection}, top-level driver keys, each
   * channel's driver keys) into an immutable plan, reporting every problem to the readers'
   * context. No I/O. Returns empty when the instrument is invalid.
   */
  Optional<DriverPlan> plan(InstrumentConfig instrument);

  /** Opens a driver for a plan this factory made. Must not block on the device: connect lazily. */
  Driver open(DriverPlan plan, DriverContext context);
}
