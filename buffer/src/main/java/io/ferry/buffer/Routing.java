package io.ferry.buffer;

import io.ferry.core.ChannelId;
import io.ferry.core.ChannelSpec;
import io.ferry.core.CounterSpec;
import io.ferry.core.ReportSpec;
import io.ferry.core.RollupSpec;
import io.ferry.core.Route;
import io.ferry.core.ValueKind;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToIntFunction;

/**
 * Immutable routing of every configured channel: which uplinks (as bit masks) receive its raw
 * samples, rollups and increments, plus what to derive. Built once per {@code configure}.
 */
record Routing(Map<ChannelId, ChannelRoute> channels) {

  /**
   * One channel: masks use the uplink's bit; {@code chId} is its integer key in the database.
   * {@code rawMask} holds every uplink routing raw samples, {@code rawAllMask} the subset that
   * receives the samples the report filter ({@code report}) suppressed too.
   */
  record ChannelRoute(
      int ordinal,
      ChannelId id,
      int chId,
      ValueKind kind,
      long rawMask,
      long rollupMask,
      long incrementMask,
      Optional<RollupSpec> rollup,
      Optional<CounterSpec> counter,
      long rawAllMask,
      Optional<ReportSpec> report) {

    boolean hasRollup() {
      return rollup.isPresent();
    }
  }

  static Routing of(List<ChannelSpec> specs, ToIntFunction<ChannelId> chIds, ToIntFunction<String> uplinkBits) {
    Map<ChannelId, ChannelRoute> map = new HashMap<>();
    for (ChannelSpec spec : specs) {
      long raw = 0;
      long rollup = 0;
      long incr = 0;
      long rawAll = 0;
      for (var e : spec.routes().entrySet()) {
        long bit = 1L << uplinkBits.applyAsInt(e.getKey());
        if (e.getValue().contains(Route.RAW)) {
          raw |= bit;
          if (spec.unfiltered().contains(e.getKey())) {
            rawAll |= bit;
          }
        }
        if (e.getValue().contains(Route.ROLLUP)) {
          rollup |= bit;
        }
        if (e.getValue().contains(Route.INCREMENT)) {
          incr |= bit;
        }
      }
      map.put(
          spec.id(),
          new ChannelRoute(
              map.size(),
              spec.id(), chIds.applyAsInt(spec.id()), spec.kind(), raw, rollup, incr, spec.rollup(), spec.counter(),
              rawAll, spec.report()));
    }
    return new Routing(Map.copyOf(map));
  }

  ChannelRoute get(ChannelId id) {
    return channels.get(id);
  }
}
