package io.ferry.config;

import io.ferry.core.ChannelSpec;
import java.time.Duration;
import java.util.List;

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
 */
public record InstrumentInfo(
    String id,
    String driver,
    String file,
    String description,
    Duration poll,
    Duration pollTimeout,
    List<String> uplinks,
    List<ChannelSpec> channels) {
  public InstrumentInfo {
    uplinks = List.copyOf(uplinks);
    channels = List.copyOf(channels);
  }
}
