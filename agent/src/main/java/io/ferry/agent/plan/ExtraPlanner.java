package io.ferry.agent.plan;

import io.ferry.config.AgentConfig;
import io.ferry.config.InstrumentInfo;
import java.util.List;
import java.util.Optional;

/**
 * Plans an optional agent service from agent.yaml (the subscription mirror): pure, reporting problems through the section's readers.
 */
public interface ExtraPlanner {
  Optional<PlannedExtra> plan(AgentConfig agent, List<InstrumentInfo> instruments);
}
