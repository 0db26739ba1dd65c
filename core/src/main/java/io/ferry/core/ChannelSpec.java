package io.ferry.core;

import java.util.EnumSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Everything the buffer and the uplinks need to know about one channel, independent of the
 * driver that reads it: metadata for cloud stream definitions, what to derive, and which uplink
 * gets what ({@code routes}: uplink name to the set of {@link Route}s it receives), and whether
 * and within which limits it may be written ({@code write}, empty = read-only).
 */
public record ChannelSpec(
    ChannelId id,
    String unit,
    String description,
    ValueKind kind,
    Optional<RollupSpec> rollup,
    Optional<CounterSpec> counter,
    Map<String, Set<Route>> routes,
    Optional<WriteSpec> write) {

  public ChannelSpec {
    Objects.requireNonNull(id, "id");
    unit = unit == null ? "" : unit;
    description = description == null ? "" : description;
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(rollup, "rollup");
    Objects.requireNonNull(counter, "counter");
    Objects.requireNonNull(write, "write");
    TreeMap<String, Set<Route>> copy = new TreeMap<>();
    routes.forEach((uplink, set) -> copy.put(uplink, Set.copyOf(set.isEmpty() ? EnumSet.noneOf(Route.class) : EnumSet.copyOf(set))));
    routes = java.util.Collections.unmodifiableMap(copy);
    for (Set<Route> set : routes.values()) {
      if (set.contains(Route.ROLLUP) && rollup.isEmpty()) {
        throw new IllegalArgumentException(id + ": routes rollups but has no rollup");
      }
      if (set.contains(Route.INCREMENT) && counter.isEmpty()) {
        throw new IllegalArgumentException(id + ": routes increments but is not a counter or event channel");
      }
    }
  }

  /** A read-only channel (no {@code write:} key). */
  public ChannelSpec(ChannelId id, String unit, String description, ValueKind kind, Optional<RollupSpec> rollup,
      Optional<CounterSpec> counter, Map<String, Set<Route>> routes) {
    this(id, unit, description, kind, rollup, counter, routes, Optional.empty());
  }

  /** True when the instrument file lets this channel be written. */
  public boolean writable() {
    return write.isPresent();
  }

  /** True when {@code uplink} receives {@code route} of this channel. */
  public boolean routes(String uplink, Route route) {
    Set<Route> set = routes.get(uplink);
    return set != null && set.contains(route);
  }
}
