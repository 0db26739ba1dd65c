package io.ferry.agent.runtime;

import io.ferry.buffer.BufferStats;
import io.ferry.mirror.MirrorStatus;
import io.ferry.uplink.UplinkStatus;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Everything the agent already counts, read at one moment: for health, metrics and the status
 * page, which derive from it and never count on their own (except poll latency, see {@link PollListener}).
 *
 * @param instruments each instrument's counters, in configuration order
 * @param streaming the instruments whose drivers stream (no polls to judge them by)
 * @param drivers per instrument, the counters its driver reported (malformed, reconnects...)
 * @param uplinks each uplink's status
 * @param buffer the buffer's stats; empty when it could not be read
 * @param mirror the subscription mirror's status, when one runs
 * @param writes writes to instruments by outcome (applied, rejected, failed, unknown) since the agent started
 */
public record AgentSnapshot(
    List<PollStats> instruments,
    Set<String> streaming,
    Map<String, Map<String, Long>> drivers,
    List<UplinkStatus> uplinks,
    Optional<BufferStats> buffer,
    Optional<MirrorStatus> mirror,
    Map<String, Long> writes) {
  /** Without writes (views that do not count them). */
  public AgentSnapshot(List<PollStats> instruments, Set<String> streaming, Map<String, Map<String, Long>> drivers,
      List<UplinkStatus> uplinks, Optional<BufferStats> buffer, Optional<MirrorStatus> mirror) {
    this(instruments, streaming, drivers, uplinks, buffer, mirror, Map.of());
  }

  public AgentSnapshot {
    writes = Map.copyOf(writes);
    instruments = List.copyOf(instruments);
    streaming = Set.copyOf(streaming);
    drivers = Map.copyOf(drivers);
    uplinks = List.copyOf(uplinks);
  }
}
