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
   * The channels this driver can write, one target per channel with a {@code write:} key, in file
   * order. A driver that cannot write returns none; the planner then reports every {@code write:}
   * key of its instrument as an error. A driver that lists targets implements {@link Writable}.
   */
  default List<WriteTarget> writeTargets() {
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
