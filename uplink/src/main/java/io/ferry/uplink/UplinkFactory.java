package io.ferry.uplink;

import io.ferry.config.AgentConfig;
import io.ferry.config.InstrumentInfo;
import io.ferry.config.UplinkSection;
import io.ferry.core.Route;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Plans and opens one type of uplink ({@code type:} in agent.yaml). The agent keeps one factory per
 * type and wires them explicitly (no reflection).
 */
public interface UplinkFactory {
  /** The {@code type:} value this factory answers to, for example {@code grovestreams}. */
  String type();

  /** What this uplink can deliver; records of other routes are rejected as dead letters at run time. */
  default Set<Route> routes() {
    return EnumSet.allOf(Route.class);
  }

  /**
   * Reads the section's keys through its {@link io.ferry.config.Fields} into an immutable plan,
   * reporting every problem there. Pure: no I/O except what {@code Fields.secret} does.
   * Empty when the section is invalid.
   */
  Optional<UplinkPlan> plan(UplinkSection section, AgentConfig agent, List<InstrumentInfo> instruments);

  /** Opens a runner for a plan this factory made. Does not start it and does no network I/O. */
  UplinkService open(UplinkPlan plan, UplinkContext context);
}
