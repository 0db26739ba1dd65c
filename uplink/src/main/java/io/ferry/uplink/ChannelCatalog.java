package io.ferry.uplink;

import io.ferry.config.InstrumentInfo;
import io.ferry.core.ChannelId;
import io.ferry.core.ChannelSpec;
import io.ferry.core.Stat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What uplinks may look up about the channels they deliver (unit, description, kind, rollup
 * statistics) and the instruments they come from (a display name): an immutable snapshot of the
 * configured instruments. The agent hands a live reference to it to every uplink
 * ({@link UplinkContext#catalog}) and swaps in a new snapshot on reload, so adding, changing or
 * removing an instrument never changes an uplink's plan and never restarts it: an uplink plan holds
 * only its own keys. A handler reads the reference once per lease, so one lease is encoded
 * against one snapshot.
 *
 * @param channels every channel's spec by id
 * @param instrumentNames each instrument's description, or its id when it has none
 */
public record ChannelCatalog(Map<ChannelId, ChannelSpec> channels, Map<String, String> instrumentNames) {
  /** No channels: lookups answer the defaults (uplinks that need no metadata, some tests). */
  public static final ChannelCatalog EMPTY = new ChannelCatalog(Map.of(), Map.of());

  public ChannelCatalog {
    channels = Map.copyOf(channels);
    instrumentNames = Map.copyOf(instrumentNames);
  }

  /** The snapshot of these instruments. */
  public static ChannelCatalog of(List<InstrumentInfo> instruments) {
    return EMPTY.then(instruments);
  }

  /**
   * The snapshot after a reload to {@code instruments}: their channels and names, and those of
   * channels no longer configured, kept because their samples may still wait in the buffer and
   * must be sent as they were described (a removed counter's readings stay in its {@code raw} series).
   */
  public ChannelCatalog then(List<InstrumentInfo> instruments) {
    Map<ChannelId, ChannelSpec> specs = new LinkedHashMap<>(channels);
    Map<String, String> names = new LinkedHashMap<>(instrumentNames);
    for (InstrumentInfo inst : instruments) {
      names.put(inst.id(), inst.description().isBlank() ? inst.id() : inst.description());
      inst.channels().forEach(spec -> specs.put(spec.id(), spec));
    }
    return new ChannelCatalog(specs, names);
  }

  public Optional<ChannelSpec> spec(ChannelId channel) {
    return Optional.ofNullable(channels.get(channel));
  }

  /** The instrument's description, or its id when it has none or is unknown. */
  public String instrumentName(String instrument) {
    return instrumentNames.getOrDefault(instrument, instrument);
  }

  /** The statistics a channel's rollups are sent as: the configured ones, else {@code avg}. */
  public List<Stat> rollupStats(ChannelId channel) {
    ChannelSpec spec = channels.get(channel);
    return spec != null && spec.rollup().isPresent() ? spec.rollup().get().stats() : List.of(Stat.AVG);
  }
}
