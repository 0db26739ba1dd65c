package io.ferry.uplink.sparkplug;

import io.ferry.config.InstrumentInfo;
import io.ferry.core.ChannelId;
import io.ferry.core.ChannelSpec;
import io.ferry.core.Route;
import io.ferry.core.Stat;
import io.ferry.uplink.sparkplug.MetricDef.MetricType;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Instruments as Sparkplug devices. Pure: the same instruments give the same names, aliases and
 * types. Aliases number every metric of the edge node from 1 in configuration order (instrument,
 * channel, then raw, rollup statistics in their configured order, increment), because Sparkplug
 * requires them unique within the edge node, not just the device.
 */
final class Devices {
  private Devices() {}

  static List<DeviceDef> of(List<InstrumentInfo> instruments, String uplink, Set<ChannelId> textChannels) {
    List<DeviceDef> out = new ArrayList<>();
    long alias = 1;
    for (InstrumentInfo inst : instruments) {
      List<MetricDef> metrics = new ArrayList<>();
      for (ChannelSpec spec : inst.channels()) {
        ChannelId ch = spec.id();
        if (spec.routes(uplink, Route.RAW)) {
          MetricType t = textChannels.contains(ch) ? MetricType.STRING : MetricType.DOUBLE;
          metrics.add(new MetricDef(ch.channel(), alias++, ch, Route.RAW, Optional.empty(), t, spec.unit(), spec.description()));
        }
        if (spec.routes(uplink, Route.ROLLUP) && spec.rollup().isPresent()) {
          for (Stat s : spec.rollup().get().stats()) {
            metrics.add(new MetricDef(ch.channel() + "/" + s.name().toLowerCase(Locale.ROOT), alias++, ch, Route.ROLLUP,
                Optional.of(s), s == Stat.COUNT ? MetricType.INT64 : MetricType.DOUBLE, s == Stat.COUNT ? "" : spec.unit(),
                spec.description()));
          }
        }
        if (spec.routes(uplink, Route.INCREMENT)) {
          metrics.add(new MetricDef(ch.channel() + "/increment", alias++, ch, Route.INCREMENT, Optional.empty(), MetricType.DOUBLE,
              spec.unit(), spec.description()));
        }
      }
      if (!metrics.isEmpty()) {
        out.add(new DeviceDef(inst.id(), metrics));
      }
    }
    return out;
  }
}
