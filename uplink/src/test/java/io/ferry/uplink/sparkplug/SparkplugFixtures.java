package io.ferry.uplink.sparkplug;

import io.ferry.config.InstrumentInfo;
import io.ferry.core.ChannelId;
import io.ferry.core.ChannelSpec;
import io.ferry.core.CounterSpec;
import io.ferry.core.RollupSpec;
import io.ferry.core.Route;
import io.ferry.core.Stat;
import io.ferry.core.ValueKind;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Two instruments: boiler1 (a gauge with rollups, a counter with increments, a state channel) and tank (one gauge). */
final class SparkplugFixtures {
  static final ChannelId TEMP = ChannelId.of("boiler1", "temp");
  static final ChannelId ENERGY = ChannelId.of("boiler1", "energy");
  static final ChannelId STATE = ChannelId.of("boiler1", "state");
  static final ChannelId LEVEL = ChannelId.of("tank", "level");

  private SparkplugFixtures() {}

  static List<ChannelSpec> specs(String uplink) {
    return List.of(
        new ChannelSpec(TEMP, "degC", "supply temperature", ValueKind.GAUGE,
            Optional.of(new RollupSpec(Duration.ofMinutes(1), List.of(Stat.AVG, Stat.COUNT), Duration.ZERO, false)), Optional.empty(),
            Map.of(uplink, EnumSet.of(Route.RAW, Route.ROLLUP))),
        new ChannelSpec(ENERGY, "kWh", "", ValueKind.COUNTER, Optional.empty(),
            Optional.of(new CounterSpec(Duration.ofMinutes(1), 4294967296.0)), Map.of(uplink, EnumSet.of(Route.RAW, Route.INCREMENT))),
        new ChannelSpec(STATE, "", "", ValueKind.GAUGE, Optional.empty(), Optional.empty(), Map.of(uplink, EnumSet.of(Route.RAW))),
        new ChannelSpec(LEVEL, "m", "", ValueKind.GAUGE, Optional.empty(), Optional.empty(), Map.of(uplink, EnumSet.of(Route.RAW))));
  }

  static List<InstrumentInfo> instruments(String uplink) {
    List<ChannelSpec> s = specs(uplink);
    return List.of(
        new InstrumentInfo("boiler1", "simulated", "boiler1.yaml", "", Duration.ofSeconds(1), Duration.ofSeconds(1), List.of(uplink),
            s.subList(0, 3)),
        new InstrumentInfo("tank", "simulated", "tank.yaml", "", Duration.ofSeconds(1), Duration.ofSeconds(1), List.of(uplink),
            s.subList(3, 4)));
  }
}
