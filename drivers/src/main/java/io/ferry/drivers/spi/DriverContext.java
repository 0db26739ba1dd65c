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
 * @param held the newest source time Ferry holds per channel (where a history backfill starts)
 * @param history where samples read from the device's history go (the buffer, like a poll's,
 *     with their source times); the future completes once they are durable
 */
public record DriverContext(InstantSource clock, Path stateDir, DriverMetrics metrics, Ticker ticker, RandomGenerator random,
    HeldSourceTimes held, SampleSink history) {
  /** Refuses history: a context without a buffer behind it. */
  public static final SampleSink NO_HISTORY = samples -> java.util.concurrent.CompletableFuture.failedFuture(
      new IllegalStateException("no buffer takes history samples here"));

  public DriverContext {
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(stateDir, "stateDir");
    Objects.requireNonNull(metrics, "metrics");
    Objects.requireNonNull(ticker, "ticker");
    Objects.requireNonNull(random, "random");
    Objects.requireNonNull(held, "held");
    Objects.requireNonNull(history, "history");
  }

  /** Without history: nothing held, history refused. */
  public DriverContext(InstantSource clock, Path stateDir, DriverMetrics metrics, Ticker ticker, RandomGenerator random) {
    this(clock, stateDir, metrics, ticker, random, HeldSourceTimes.NONE, NO_HISTORY);
  }

  /** This context with what the buffer holds and where history samples go. */
  public DriverContext withHistory(HeldSourceTimes held, SampleSink history) {
    return new DriverContext(clock, stateDir, metrics, ticker, random, held, history);
  }

  /** With the system ticker and fresh randomness. */
  public DriverContext(InstantSource clock, Path stateDir, DriverMetrics metrics) {
    this(clock, stateDir, metrics, Ticker.system(), new SplittableRandom());
  }
}
