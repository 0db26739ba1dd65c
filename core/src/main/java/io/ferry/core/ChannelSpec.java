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
 *
 * <p>{@code report}, when present, filters the raw samples by exception ({@link ReportFilter});
 * {@code unfiltered} names the uplinks routing raw samples that still receive every polled sample
 * (a local archive). Rollups and increments are always computed from every sample.
 */
public record ChannelSpec(
    ChannelId id,
    String unit,
    String description,
    ValueKind kind,
    Optional<RollupSpec> rollup,
    Optional<CounterSpec> counter,
    Map<String, Set<Route>> routes,
    Optional<ReportSpec> report,
    Set<String> unfiltered,
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
    Objects.requireNonNull(report, "report");
    unfiltered = Set.copyOf(unfiltered);
    for (String uplink : unfiltered) {
      Set<Route> set = routes.get(uplink);
      if (set == null || !set.contains(Route.RAW)) {
        throw new IllegalArgumentException(id + ": uplink " + uplink + " takes unfiltered raw samples but no raw samples");
      }
    }
    for (Set<Route> set : routes.values()) {
      if (set.contains(Route.ROLLUP) && rollup.isEmpty()) {
        throw new IllegalArgumentException(id + ": routes rollups but has no rollup");
      }
      if (set.contains(Route.INCREMENT) && counter.isEmpty()) {
        throw new IllegalArgumentException(id + ": routes increments but is not a counter or event channel");
      }
    }
  }

  /** A read-only channel whose every raw sample is sent (no report filter, no {@code write:} key). */
  public ChannelSpec(
      ChannelId id,
      String unit,
      String description,
      ValueKind kind,
      Optional<RollupSpec> rollup,
      Optional<CounterSpec> counter,
      Map<String, Set<Route>> routes) {
    this(id, unit, description, kind, rollup, counter, routes, Optional.empty(), Set.of(), Optional.empty());
  }

  /** A read-only channel, filtered by exception when {@code report} is present. */
  public ChannelSpec(
      ChannelId id,
      String unit,
      String description,
      ValueKind kind,
      Optional<RollupSpec> rollup,
      Optional<CounterSpec> counter,
      Map<String, Set<Route>> routes,
      Optional<ReportSpec> report,
      Set<String> unfiltered) {
    this(id, unit, description, kind, rollup, counter, routes, report, unfiltered, Optional.empty());
  }

  /** A channel whose every raw sample is sent, writable when {@code write} is present. */
  public ChannelSpec(ChannelId id, String unit, String description, ValueKind kind, Optional<RollupSpec> rollup,
      Optional<CounterSpec> counter, Map<String, Set<Route>> routes, Optional<WriteSpec> write) {
    this(id, unit, description, kind, rollup, counter, routes, Optional.empty(), Set.of(), write);
  }

  /** This channel with another counter section, everything else kept (a driver completing the wrap). */
  public ChannelSpec withCounter(Optional<CounterSpec> counter) {
    return new ChannelSpec(id, unit, description, kind, rollup, counter, routes, report, unfiltered, write);
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
