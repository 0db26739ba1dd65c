package io.ferry.agent.plan;

import io.ferry.drivers.spi.DriverFactory;
import io.ferry.uplink.UplinkFactory;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The driver and uplink factories this build knows, wired explicitly (no reflection, no service
 * loading), so {@code ferry check} knows every valid {@code driver:} and {@code type:}.
 */
public final class Components {
  private final Map<String, DriverFactory> drivers = new LinkedHashMap<>();
  private final Map<String, UplinkFactory> uplinks = new LinkedHashMap<>();
  private final List<ExtraPlanner> extras;

  public Components(List<DriverFactory> driverFactories, List<UplinkFactory> uplinkFactories, List<ExtraPlanner> extras) {
    for (DriverFactory f : driverFactories) {
      for (String name : f.names()) {
        if (drivers.putIfAbsent(name, f) != null) {
          throw new IllegalArgumentException("two driver factories answer to " + name);
        }
      }
    }
    for (UplinkFactory f : uplinkFactories) {
      if (uplinks.putIfAbsent(f.type(), f) != null) {
        throw new IllegalArgumentException("two uplink factories answer to " + f.type());
      }
    }
    this.extras = List.copyOf(extras);
  }

  public Set<String> driverNames() {
    return new TreeSet<>(drivers.keySet());
  }

  public Set<String> uplinkTypes() {
    return new TreeSet<>(uplinks.keySet());
  }

  /** Every uplink type with the routes it can carry. */
  public Map<String, Set<io.ferry.core.Route>> uplinkRoutes() {
    Map<String, Set<io.ferry.core.Route>> m = new LinkedHashMap<>();
    uplinks.forEach((type, f) -> m.put(type, f.routes()));
    return m;
  }

  public Optional<DriverFactory> driver(String name) {
    return Optional.ofNullable(drivers.get(name));
  }

  public Optional<UplinkFactory> uplink(String type) {
    return Optional.ofNullable(uplinks.get(type));
  }

  public List<ExtraPlanner> extras() {
    return extras;
  }
}
