package io.ferry.drivers.spi;

import io.ferry.core.Ticker;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * What the agent gives a driver.
 *
 * @param clock the only time source a driver may use (tests inject a fixed or stepped clock)
 * @param stateDir a directory private to this instrument (certificates, learned device limits)
 * @param metrics counters the agent exposes
 * @param ticker elapsed time for timeouts and pauses on a bus (never the wall clock)
 * @param random the randomness of backoff jitter and generated ids (tests seed it)
 */
public record DriverContext(InstantSource clock, Path stateDir, DriverMetrics metrics, Ticker ticker, RandomGenerator random) {
  public DriverContext {
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(stateDir, "stateDir");
    Objects.requireNonNull(metrics, "metrics");
    Objects.requireNonNull(ticker, "ticker");
    Objects.requireNonNull(random, "random");
  }

  /** With the system ticker and fresh randomness. */
  public DriverContext(InstantSource clock, Path stateDir, DriverMetrics metrics) {
    this(clock, stateDir, metrics, Ticker.system(), new SplittableRandom());
  }
}
