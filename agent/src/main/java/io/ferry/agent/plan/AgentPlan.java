package io.ferry.agent.plan;

import io.ferry.buffer.BufferOptions;
import io.ferry.core.ChannelSpec;
import java.nio.file.Path;
import java.util.List;

/**
 * The whole validated configuration, ready to run: nothing in it is parsed again and nothing
 * was opened to make it.
 *
 * @param configDir where it was read from
 * @param gatewayId this gateway's name
 * @param stateDir buffer, certificates and per-instrument state
 * @param buffer how the buffer opens
 * @param instruments enabled instruments in file order
 * @param uplinks uplinks in agent.yaml order
 * @param extras optional services (the subscription mirror, health) in a fixed order
 */
public record AgentPlan(
    Path configDir,
    String gatewayId,
    Path stateDir,
    BufferOptions buffer,
    List<PlannedInstrument> instruments,
    List<PlannedUplink> uplinks,
    List<PlannedExtra> extras) {
  public AgentPlan {
    instruments = List.copyOf(instruments);
    uplinks = List.copyOf(uplinks);
    extras = List.copyOf(extras);
  }

  /** Every channel of every instrument, for the buffer's routing, rollups and counters. */
  public List<ChannelSpec> channels() {
    return instruments.stream().flatMap(i -> i.info().channels().stream()).toList();
  }
}
