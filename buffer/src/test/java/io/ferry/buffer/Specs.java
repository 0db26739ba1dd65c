package io.ferry.buffer;

import io.ferry.core.ChannelId;
import io.ferry.core.ChannelSpec;
import io.ferry.core.CounterSpec;
import io.ferry.core.RollupSpec;
import io.ferry.core.Route;
import io.ferry.core.ValueKind;
import java.util.EnumSet;
import java.util.LinkedHashMap;
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

  static ChannelSpec counter(String id, ValueKind kind, CounterSpec counter, String uplink) {
    return new ChannelSpec(
        ChannelId.parse(id), "", "", kind, Optional.empty(), Optional.of(counter),
        Map.of(uplink, EnumSet.of(Route.INCREMENT)));
  }
}
