package io.ferry.drivers.opcua;

import java.time.Duration;
import java.util.Objects;

/**
 * {@code backfill:} of an OPC UA instrument: after every (re)connect, read the server's raw history
 * of historizing nodes from the newest source time Ferry holds up to the first live value.
 *
 * @param maxAge how far back a backfill reads at most (also when Ferry holds nothing of a channel)
 * @param valuesPerCall values per node in one HistoryRead answer (the server continues with a
 *     continuation point)
 */
public record BackfillSettings(boolean enabled, Duration maxAge, int valuesPerCall) {
  public static final Duration DEFAULT_MAX_AGE = Duration.ofHours(24);
  public static final int DEFAULT_VALUES_PER_CALL = 1000;
  /** The default: no history reads. */
  public static final BackfillSettings OFF = new BackfillSettings(false, DEFAULT_MAX_AGE, DEFAULT_VALUES_PER_CALL);

  public BackfillSettings {
    Objects.requireNonNull(maxAge, "maxAge");
    if (valuesPerCall <= 0) {
      throw new IllegalArgumentException("valuesPerCall must be positive");
    }
  }
}
