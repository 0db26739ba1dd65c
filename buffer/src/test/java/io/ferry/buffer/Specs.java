package io.ferry.buffer;

import io.ferry.core.ChannelId;
import io.ferry.core.ChannelSpec;
import io.ferry.core.CounterSpec;
import io.ferry.core.ReportSpec;
import io.ferry.core.RollupSpec;
import io.ferry.core.Route;
import io.ferry.core.ValueKind;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Small builders for channel specifications in tests. */
final class Specs {
  private Specs() {}

  static ChannelSpec raw(String id, String... uplinks) {
    Map<String, Set<Route>> routes = new LinkedHashMap<>();
    for (String u : uplinks) {
      routes.put(u, EnumSet.of(Route.RAW));
    }
    return new ChannelSpec(ChannelId.parse(id), "", "", ValueKind.GAUGE, Optional.empty(), Optional.empty(), routes);
  }

  static ChannelSpec rollup(String id, RollupSpec rollup, Map<String, Set<Route>> routes) {
    return new ChannelSpec(ChannelId.parse(id), "", "", ValueKind.GAUGE, Optional.of(rollup), Optional.empty(), routes);
  }

  /**
   * A channel filtered by {@code report} for {@code filtered} uplinks, every raw sample for
   * {@code unfiltered} ones, and rollups (when given) for the filtered ones.
   */
  static ChannelSpec reported(
      String id, ReportSpec report, Optional<RollupSpec> rollup, List<String> filtered, List<String> unfiltered) {
    Map<String, Set<Route>> routes = new LinkedHashMap<>();
    for (String u : filtered) {
      routes.put(u, rollup.isPresent() ? EnumSet.of(Route.RAW, Route.ROLLUP) : EnumSet.of(Route.RAW));
    }
    for (String u : unfiltered) {
      routes.put(u, EnumSet.of(Route.RAW));
    }
    return new ChannelSpec(ChannelId.parse(id), "", "", ValueKind.GAUGE, rollup, Optional.empty(), routes,
        Optional.of(report), Set.copyOf(unfiltered));
  }

  static ChannelSpec counter(String id, ValueKind kind, CounterSpec counter, String uplink) {
    return new ChannelSpec(
        ChannelId.parse(id), "", "", kind, Optional.empty(), Optional.of(counter),
        Map.of(uplink, EnumSet.of(Route.INCREMENT)));
  }
}
