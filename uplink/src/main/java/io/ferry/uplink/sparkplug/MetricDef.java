package io.ferry.uplink.sparkplug;

import io.ferry.core.ChannelId;
import io.ferry.core.Route;
import io.ferry.core.Stat;
import java.util.Optional;

/**
 * One Sparkplug metric of a device: a channel's raw samples ({@code temp}), one statistic of its
 * rollups ({@code temp/avg}) or its increments ({@code counter/increment}).
 *
 * @param alias unique within the edge node (every device's metrics share one numbering), as Sparkplug requires
 * @param stat the statistic, for a rollup metric only
 */
public record MetricDef(
    String name, long alias, ChannelId channel, Route route, Optional<Stat> stat, MetricType type, String unit, String description) {

  /** The Sparkplug datatypes Ferry declares. */
  public enum MetricType {
    /** Numbers of gauges, counters and events, rollup statistics other than count, increments. */
    DOUBLE,
    /** A rollup's count. */
    INT64,
    /** Channels listed under {@code textChannels}. */
    STRING
  }
}
