package io.ferry.config;

import io.ferry.core.ChannelSpec;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The driver-independent, validated part of one instrument: what the scheduler, buffer and
 * uplinks need. Immutable.
 *
 * @param id instrument id (a valid {@link io.ferry.core.ChannelId} instrument name)
 * @param driver the {@code driver:} name
 * @param file the file it came from, relative to the config directory
 * @param poll poll interval (polling drivers); ticks align to multiples of it since the epoch
 * @param pollTimeout a poll running longer is abandoned and counted
 * @param uplinks the uplinks that receive its data by default
 * @param channels one spec per channel, in file order
 * @param stale the {@code stale:} key: how old the last good sample may be before the instrument
 *     is down; empty = the default of {@link #staleLimit}
 */
public record InstrumentInfo(
    String id,
    String driver,
    String file,
    String description,
    Duration poll,
    Duration pollTimeout,
    List<String> uplinks,
    List<ChannelSpec> channels,
    Optional<Duration> stale) {
  /** Polled instruments are down after this many poll intervals (plus the poll timeout) without a good sample. */
  public static final int DEFAULT_STALE_POLLS = 3;

  public InstrumentInfo {
    uplinks = List.copyOf(uplinks);
    channels = List.copyOf(channels);
    java.util.Objects.requireNonNull(stale, "stale");
  }

  /** Without a {@code stale:} key. */
  public InstrumentInfo(String id, String driver, String file, String description, Duration poll, Duration pollTimeout,
      List<String> uplinks, List<ChannelSpec> channels) {
    this(id, driver, file, description, poll, pollTimeout, uplinks, channels, Optional.empty());
  }

  /**
   * The one staleness rule: the instrument is up while its last good sample is at most this old.
   * {@code stale:} when written; otherwise, for a polled instrument, {@code polls} poll intervals
   * plus the poll timeout (agent.yaml {@code http.instrumentFailures}, default
   * {@value #DEFAULT_STALE_POLLS}); a streaming instrument without {@code stale:} has no limit
   * (Ferry cannot know how often a publisher speaks), so it is judged only by whether it started.
   */
  public Optional<Duration> staleLimit(boolean streaming, int polls) {
    return staleLimit(poll, pollTimeout, stale, streaming, polls);
  }

  /** The same rule from its parts (what a running instrument's counters carry). */
  public static Optional<Duration> staleLimit(Duration poll, Duration pollTimeout, Optional<Duration> stale, boolean streaming,
      int polls) {
    if (stale.isPresent() || streaming) {
      return stale;
    }
    return Optional.of(poll.multipliedBy(polls).plus(pollTimeout));
  }
}
