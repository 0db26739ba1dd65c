package io.ferry.drivers.spi;

import io.ferry.config.InstrumentInfo;
import java.util.List;

/**
 * A driver's validated, immutable view of one instrument: everything it needs to run, with no
 * parsing left to do at poll time. Made by {@link DriverFactory#plan} without any I/O.
 */
public interface DriverPlan {
  InstrumentInfo instrument();

  /** Lines describing what the driver will do (requests, nodes, topics), for {@code ferry plan}. */
  default List<String> describe() {
    return List.of();
  }

  /**
   * True when {@link DriverFactory#open} gives a {@link StreamingDriver} (known before opening, so
   * {@code ferry plan} can state the instrument's staleness limit).
   */
  default boolean streaming() {
    return false;
  }
}
