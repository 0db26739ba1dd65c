package io.ferry.agent.plan;

import io.ferry.uplink.UplinkFactory;
import io.ferry.uplink.UplinkPlan;

/** One uplink's validated plan with the factory that opens it. */
public record PlannedUplink(UplinkFactory factory, UplinkPlan plan) {
  public String name() {
    return plan.name();
  }
}
