package io.ferry.uplink;

import io.ferry.config.Durations;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Decides what the journal says about an uplink's backlog, so that it speaks only while there is
 * something to catch up on. In steady state a record or two is always in flight (appended while
 * the previous batch was sent): that is not a backlog. A backlog is real when it is larger than
 * one batch, or when its oldest record is older than {@code lagLimit} (a few send intervals).
 * While real, progress is logged (at most every {@code progressEvery}, which the caller paces);
 * once it is gone, "caught up" is said once. Pure apart from its one flag; not thread-safe (the
 * uplink thread owns it).
 */
public final class CatchUp {
  private final String name;
  private final int batchRecords;
  private final Duration lagLimit;
  private boolean catchingUp;

  /**
   * @param batchRecords records per batch: more waiting than this is a backlog
   * @param lagLimit an oldest waiting record older than this is a backlog
   */
  public CatchUp(String name, int batchRecords, Duration lagLimit) {
    this.name = name;
    this.batchRecords = batchRecords;
    this.lagLimit = lagLimit;
  }

  /** The lag limit for an uplink: a few progress periods or send intervals, whichever is longer. */
  public static Duration lagLimit(RunnerSettings s) {
    Duration interval = s.minInterval().compareTo(s.progressEvery()) > 0 ? s.minInterval() : s.progressEvery();
    return interval.multipliedBy(3);
  }

  /**
   * The line to log now, if any.
   *
   * @param waiting records waiting for this uplink
   * @param oldest when the oldest waiting record was taken (empty when none or unknown)
   * @param rate records delivered per second since the last call
   */
  public Optional<String> update(long waiting, Optional<Instant> oldest, Instant now, double rate) {
    boolean lagging = oldest.map(o -> Duration.between(o, now).compareTo(lagLimit) > 0).orElse(false);
    boolean real = waiting > batchRecords || (waiting > 0 && lagging);
    if (real) {
      catchingUp = true;
      long etaSeconds = rate > 0 ? (long) Math.ceil(waiting / rate) : -1;
      return Optional.of("uplink " + name + " catching up: backlog " + waiting + " records, " + Math.round(rate)
          + " records/s, about " + (etaSeconds < 0 ? "?" : Durations.human(Duration.ofSeconds(etaSeconds))) + " to go");
    }
    if (catchingUp) {
      catchingUp = false;
      return Optional.of("uplink " + name + " caught up" + (waiting > 0 ? " (" + waiting + " records in flight)" : ""));
    }
    return Optional.empty();
  }
}
