package io.ferry.drivers.spi;

import io.ferry.core.ChannelId;
import java.util.Map;

/**
 * What Ferry already holds of an instrument: the newest source time (µs) ever stored per channel,
 * also of samples since uploaded and deleted (the agent answers from the buffer). A driver that
 * reads history (OPC UA backfill) starts after it, so nothing stored is read twice.
 */
@FunctionalInterface
public interface HeldSourceTimes {
  /** Nothing held (tests, tools): a backfill reads its whole {@code maxAge}. */
  HeldSourceTimes NONE = instrument -> Map.of();

  /** The newest stored source time of each channel of {@code instrument}; channels never stored are absent. */
  Map<ChannelId, Long> newest(String instrument);

  /**
   * The newest source time stored from history (through {@link DriverContext#history}) of each
   * channel of {@code instrument}, committed with those samples: where a backfill interrupted by a
   * crash resumes. Channels without are absent.
   */
  default Map<ChannelId, Long> backfilled(String instrument) {
    return Map.of();
  }
}
