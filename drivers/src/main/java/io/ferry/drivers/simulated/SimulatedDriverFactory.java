package io.ferry.drivers.simulated;

import io.ferry.config.InstrumentConfig;
import io.ferry.drivers.spi.Driver;
import io.ferry.drivers.spi.DriverContext;
import io.ferry.drivers.spi.DriverFactory;
import io.ferry.drivers.spi.DriverPlan;
import java.util.Optional;
import java.util.Set;

/** Answers to {@code driver: simulated}. */
public final class SimulatedDriverFactory implements DriverFactory {
  public static final String NAME = "simulated";

  @Override
  public Set<String> names() {
    return Set.of(NAME);
  }

  @Override
  public Optional<DriverPlan> plan(InstrumentConfig instrument) {
    return SimulatedPlanner.plan(instrument).map(p -> p);
  }

  @Override
  public Driver open(DriverPlan plan, DriverContext context) {
    if (!(plan instanceof SimulatedPlan p)) {
      throw new IllegalArgumentException("not a simulated plan: " + plan.getClass().getName());
    }
    return new SimulatedDriver(p, context.clock());
  }
}
