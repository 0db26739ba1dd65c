package io.ferry.agent.runtime;

import io.ferry.agent.uplink.UplinkFactory;
import io.ferry.agent.uplink.UplinkPlan;

/** One uplink's validated plan with the factory that opens it. */
public record PlannedUplink(UplinkFactory factory, UplinkPlan plan) {
  public String name() {
    return plan.name();
  }
}
