package io.ferry.buffer;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How a buffer is opened.
 *
 * @param file the SQLite database file (created with its directory when missing)
 * @param synchronous the power-cut loss window
 * @param commitInterval the writer commits at least this often while samples wait
 * @param commitMaxSamples the writer commits when this many samples wait
 * @param maxBytes byte budget of the database (0 = unbounded)
 * @param maxAge raw samples older than this are dropped and counted (ZERO = no age limit)
 * @param defaultLeaseTtl a lease not completed within this time expires and its rows are leased again
 */
public record BufferOptions(
    Path file,
    Synchronous synchronous,
    Duration commitInterval,
    int commitMaxSamples,
    long maxBytes,
    Duration maxAge,
    Duration defaultLeaseTtl) {

  public BufferOptions {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(synchronous, "synchronous");
    Objects.requireNonNull(commitInterval, "commitInterval");
    Objects.requireNonNull(maxAge, "maxAge");
    Objects.requireNonNull(defaultLeaseTtl, "defaultLeaseTtl");
    if (commitMaxSamples < 1) {
      throw new IllegalArgumentException("commitMaxSamples must be >= 1");
    }
    if (maxBytes < 0) {
      throw new IllegalArgumentException("maxBytes must be >= 0");
    }
  }

  /** Defaults suitable for tests and the demo: FULL, 100 ms, 10,000 samples, no budget. */
  public static BufferOptions defaults(Path file) {
    return new BufferOptions(
        file, Synchronous.FULL, Duration.ofMillis(100), 10_000, 0, Duration.ZERO, Duration.ofMinutes(1));
  }
}
