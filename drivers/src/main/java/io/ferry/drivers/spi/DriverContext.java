package io.ferry.drivers.spi;

import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Objects;

/**
 * What the agent gives a driver.
 *
 * @param clock the only time source a driver may use (tests inject a fixed or stepped clock)
 * @param stateDir a directory private to this instrument (certificates, learned device limits)
 * @param metrics counters the agent exposes
 */
public record DriverContext(InstantSource clock, Path stateDir, DriverMetrics metrics) {
  public DriverContext {
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(stateDir, "stateDir");
    Objects.requireNonNull(metrics, "metrics");
  }
}
