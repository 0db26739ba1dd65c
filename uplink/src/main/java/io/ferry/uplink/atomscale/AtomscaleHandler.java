package io.ferry.uplink.atomscale;

import io.ferry.buffer.BufferRecord;
import io.ferry.buffer.Lease;
import io.ferry.buffer.SampleRecord;
import io.ferry.uplink.BatchHandler;
import io.ferry.uplink.Delivery;
import io.ferry.uplink.Exchange;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Sends every full chunk a lease holds, instrument by instrument; records that do not fill a chunk
 * yet are released and wait for more data (the buffer keeps them durable meanwhile).
 */
final class AtomscaleHandler implements BatchHandler {
  private final AtomscalePlan plan;
  private final AtomscaleStreams streams;
  /** Per instrument, its channel names: checked for every leased record, so a set, not a list scan. */
  private final Map<String, Set<String>> channelSets;

  AtomscaleHandler(AtomscalePlan plan, AtomscaleStreams streams) {
    this.plan = plan;
    this.streams = streams;
    Map<String, Set<String>> sets = new HashMap<>();
    plan.instruments().forEach((inst, chs) -> sets.put(inst, chs.stream().map(AtomscalePlan.ChannelUnit::channel)
        .collect(Collectors.toUnmodifiableSet())));
    this.channelSets = Map.copyOf(sets);
  }

  @Override
  public Delivery deliver(Lease lease, Exchange exchange) throws InterruptedException {
    List<BufferRecord> refused = new ArrayList<>();
    refused.addAll(lease.rollups());
    refused.addAll(lease.increments());
    if (!refused.isEmpty()) {
      return new Delivery.Rejected(refused, "atomscale takes raw samples only (no rollups or increments)");
    }
    Map<String, List<SampleRecord>> byInstrument = group(lease.samples());
    List<SampleRecord> unplanned = new ArrayList<>();
    byInstrument.forEach((inst, list) -> {
      Set<String> chs = channelSets.getOrDefault(inst, Set.of());
      for (SampleRecord r : list) {
        if (!chs.contains(r.channel().channel())) {
          unplanned.add(r);
        }
      }
    });
    if (!unplanned.isEmpty()) {
      return new Delivery.Rejected(unplanned, "channel is not part of this uplink's Atomscale streams (configuration changed?)");
    }
    List<BufferRecord> delivered = new ArrayList<>();
    int dropped = 0;
    for (Map.Entry<String, List<SampleRecord>> e : byInstrument.entrySet()) {
      List<String> channels = plan.instruments().get(e.getKey()).stream().map(AtomscalePlan.ChannelUnit::channel).toList();
      ChunkCutter cutter = new ChunkCutter(e.getValue(), channels, plan.pointsPerChunk());
      Optional<ChunkCutter.Chunk> chunk;
      while ((chunk = cutter.next(false)).isPresent()) {
        Optional<Delivery> failed = streams.send(e.getKey(), chunk.get(), exchange);
        if (failed.isPresent()) {
          return delivered.isEmpty() ? failed.get() : new Delivery.Partial(delivered, dropped, true);
        }
        delivered.addAll(chunk.get().covered());
        dropped += chunk.get().dropped();
      }
    }
    if (delivered.isEmpty()) {
      return new Delivery.NothingReady();
    }
    if (delivered.size() == lease.samples().size()) {
      // Chunks partition the lease's samples (each record is covered by one chunk at most), so
      // covering as many records as the lease holds means covering all of them: acknowledge the
      // lease whole, which spares the buffer matching a subset of every record id.
      return new Delivery.Acked(dropped);
    }
    return new Delivery.Partial(delivered, dropped, true);
  }

  static Map<String, List<SampleRecord>> group(List<SampleRecord> samples) {
    Map<String, List<SampleRecord>> out = new LinkedHashMap<>();
    for (SampleRecord r : samples) {
      out.computeIfAbsent(r.channel().instrument(), k -> new ArrayList<>()).add(r);
    }
    return out;
  }
}
