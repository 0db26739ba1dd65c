package io.ferry.uplink;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.config.InstrumentInfo;
import io.ferry.core.ChannelId;
import io.ferry.core.ChannelSpec;
import io.ferry.core.RollupSpec;
import io.ferry.core.Stat;
import io.ferry.core.ValueKind;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The snapshot uplinks read channel metadata from, and how a reload's snapshot follows the previous one. */
class ChannelCatalogTest {
  static ChannelSpec spec(String id, String unit, ValueKind kind, Stat... stats) {
    return new ChannelSpec(ChannelId.parse(id), unit, "", kind,
        stats.length == 0 ? Optional.empty() : Optional.of(new RollupSpec(Duration.ofMinutes(1), List.of(stats), Duration.ZERO, false)),
        Optional.empty(), Map.of());
  }

  static InstrumentInfo instrument(String id, String description, ChannelSpec... channels) {
    return new InstrumentInfo(id, "simulated", id + ".yaml", description, Duration.ofSeconds(1), Duration.ofSeconds(1),
        List.of(), List.of(channels));
  }

  @Test
  void looksUpSpecsNamesAndRollupStatistics() {
    ChannelCatalog c = ChannelCatalog.of(List.of(
        instrument("kiln", "Kiln 2", spec("kiln/temp", "degC", ValueKind.GAUGE, Stat.MIN, Stat.MAX)),
        instrument("press", " ", spec("press/energy", "kWh", ValueKind.COUNTER))));

    assertThat(c.spec(ChannelId.parse("kiln/temp")).orElseThrow().unit()).isEqualTo("degC");
    assertThat(c.spec(ChannelId.parse("kiln/nope"))).isEmpty();
    assertThat(c.instrumentName("kiln")).isEqualTo("Kiln 2");
    assertThat(c.instrumentName("press")).as("a blank description names it by id").isEqualTo("press");
    assertThat(c.instrumentName("gone")).isEqualTo("gone");
    assertThat(c.rollupStats(ChannelId.parse("kiln/temp"))).containsExactly(Stat.MIN, Stat.MAX);
    assertThat(c.rollupStats(ChannelId.parse("press/energy"))).as("no rollup configured").containsExactly(Stat.AVG);
    assertThat(c.rollupStats(ChannelId.parse("x/y"))).as("unknown channel").containsExactly(Stat.AVG);
    assertThat(ChannelCatalog.EMPTY.spec(ChannelId.parse("kiln/temp"))).isEmpty();
  }

  @Test
  void aReloadsSnapshotTakesTheNewSpecsAndKeepsRemovedOnesForWhatIsStillBuffered() {
    ChannelCatalog before = ChannelCatalog.of(List.of(
        instrument("kiln", "Kiln", spec("kiln/temp", "degC", ValueKind.GAUGE)),
        instrument("press", "Press", spec("press/energy", "kWh", ValueKind.COUNTER))));

    ChannelCatalog after = before.then(List.of(
        instrument("kiln", "Kiln 2", spec("kiln/temp", "K", ValueKind.GAUGE, Stat.MAX)),
        instrument("dryer", "Dryer", spec("dryer/level", "kPa", ValueKind.GAUGE))));

    assertThat(after.spec(ChannelId.parse("kiln/temp")).orElseThrow().unit()).as("changed").isEqualTo("K");
    assertThat(after.rollupStats(ChannelId.parse("kiln/temp"))).containsExactly(Stat.MAX);
    assertThat(after.instrumentName("kiln")).isEqualTo("Kiln 2");
    assertThat(after.spec(ChannelId.parse("dryer/level")).orElseThrow().unit()).as("added").isEqualTo("kPa");
    assertThat(after.spec(ChannelId.parse("press/energy")).orElseThrow().kind()).as("removed, still described")
        .isEqualTo(ValueKind.COUNTER);
    assertThat(before.spec(ChannelId.parse("dryer/level"))).as("a snapshot never changes").isEmpty();
  }
}
