package io.ferry.agent.plan;

import io.ferry.config.InstrumentInfo;
import io.ferry.drivers.spi.DriverFactory;
import io.ferry.drivers.spi.DriverPlan;

/** One instrument's validated plan with the factory that opens it. */
public record PlannedInstrument(DriverFactory factory, DriverPlan plan) {
  public InstrumentInfo info() {
    return plan.instrument();
  }
}
