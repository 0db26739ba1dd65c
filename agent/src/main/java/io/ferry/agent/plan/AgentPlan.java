package io.ferry.agent.plan;

import io.ferry.buffer.BufferOptions;
import io.ferry.config.HttpSettings;
import io.ferry.core.ChannelSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

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
 * @param extras optional services (the subscription mirror) in a fixed order
 * @param http the local status server ({@code http:}); empty = off
 * @param writeRetention how long the write audit keeps a write (agent.yaml {@code writes: {retention: 90d}})
 */
public record AgentPlan(
    Path configDir,
    String gatewayId,
    Path stateDir,
    BufferOptions buffer,
    List<PlannedInstrument> instruments,
    List<PlannedUplink> uplinks,
    List<PlannedExtra> extras,
    Optional<HttpSettings> http,
    java.time.Duration writeRetention) {
  /** The write audit's retention when agent.yaml does not say. */
  public static final java.time.Duration DEFAULT_WRITE_RETENTION = java.time.Duration.ofDays(90);

  public AgentPlan(Path configDir, String gatewayId, Path stateDir, BufferOptions buffer, List<PlannedInstrument> instruments,
      List<PlannedUplink> uplinks, List<PlannedExtra> extras, Optional<HttpSettings> http) {
    this(configDir, gatewayId, stateDir, buffer, instruments, uplinks, extras, http, DEFAULT_WRITE_RETENTION);
  }

  public AgentPlan {
    instruments = List.copyOf(instruments);
    uplinks = List.copyOf(uplinks);
    extras = List.copyOf(extras);
  }

  /** Without the status server. */
  public AgentPlan(
      Path configDir, String gatewayId, Path stateDir, BufferOptions buffer, List<PlannedInstrument> instruments,
      List<PlannedUplink> uplinks, List<PlannedExtra> extras) {
    this(configDir, gatewayId, stateDir, buffer, instruments, uplinks, extras, Optional.empty());
  }

  /** The same plan with another status server setting ({@code ferry demo} serves one on a free port). */
  public AgentPlan withHttp(Optional<HttpSettings> settings) {
    return new AgentPlan(configDir, gatewayId, stateDir, buffer, instruments, uplinks, extras, settings, writeRetention);
  }

  /** Every channel of every instrument, for the buffer's routing, rollups and counters. */
  public List<ChannelSpec> channels() {
    return instruments.stream().flatMap(i -> i.info().channels().stream()).toList();
  }
}
