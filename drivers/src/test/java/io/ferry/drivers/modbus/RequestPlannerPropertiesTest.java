package io.ferry.drivers.modbus;

import io.ferry.core.ChannelId;
import io.ferry.core.ValueKind;
import io.ferry.drivers.modbus.codec.DataType;
import io.ferry.drivers.modbus.codec.ModbusChannel;
import io.ferry.drivers.modbus.codec.PlannerLimits;
import io.ferry.drivers.modbus.codec.ReadRequest;
import io.ferry.drivers.modbus.codec.RequestPlanner;
import io.ferry.drivers.modbus.codec.SplitMemory;
import io.ferry.drivers.modbus.codec.Table;
import io.ferry.drivers.modbus.codec.WordOrder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Properties of the planner over random sparse maps: every channel is covered by exactly one
 * request that contains it whole, no request exceeds the cap, no two requests of a table
 * overlap, no request crosses a learned boundary, and merging never uses more requests than
 * reading each channel alone.
 */
class RequestPlannerPropertiesTest {

  record Layout(List<ModbusChannel> channels, SplitMemory splits) {}

  @Provide
  Arbitrary<Layout> layouts() {
    Arbitrary<int[]> item = Combinators.combine(
            Arbitraries.integers().between(0, 3),      // table
            Arbitraries.integers().between(0, 30),     // gap before
            Arbitraries.of(1, 1, 2, 2, 4, 8),          // size (registers) for register tables
            Arbitraries.integers().between(0, 3))      // how many bit channels share the register
        .as((t, gap, size, sharers) -> new int[] {t, gap, size, sharers});
    return Combinators.combine(item.list().ofMinSize(1).ofMaxSize(60), Arbitraries.integers().between(0, 5),
            Arbitraries.integers().between(0, 1000).list().ofMaxSize(4))
        .as((items, seed, bounds) -> {
          int[] next = new int[4];
          List<ModbusChannel> cs = new ArrayList<>();
          int n = 0;
          for (int[] it : items) {
            Table t = Table.values()[it[0]];
            int addr = next[it[0]] + it[1];
            int size = t.isBits() ? 1 : it[2];
            if (addr + size > 65535) {
              continue;
            }
            DataType type = t.isBits() ? DataType.BOOL : size == 1 ? DataType.UINT16 : size == 2 ? DataType.FLOAT32
                : size == 4 ? DataType.FLOAT64 : DataType.STRING;
            cs.add(new ModbusChannel(ChannelId.of("t", "c" + n++), t, addr, type, WordOrder.ABCD, -1, size, 1, 0, ValueKind.GAUGE));
            if (!t.isBits() && size == 1) {
              for (int s = 0; s < it[3]; s++) {
                cs.add(new ModbusChannel(ChannelId.of("t", "c" + n++), t, addr, DataType.BOOL, WordOrder.ABCD, s, 1, 1, 0,
                    ValueKind.GAUGE));
              }
            }
            next[it[0]] = addr + size;
          }
          // learned boundaries are always channel starts (that is how they are learned)
          SplitMemory m = SplitMemory.NONE;
          for (int b : bounds) {
            ModbusChannel c = cs.get(b % cs.size());
            if (c.address() > 0) {
              m = m.with(c.table(), c.address());
            }
          }
          return new Layout(cs, m);
        });
  }

  @Property(tries = 400)
  void everyChannelCoveredNoneOverCapNoOverlapNoBoundaryCrossed(
      @ForAll("layouts") Layout layout,
      @ForAll @IntRange(min = 8, max = 125) int maxRegisters,
      @ForAll @IntRange(min = 8, max = 2000) int maxBits,
      @ForAll @IntRange(min = 0, max = 40) int maxGap) {
    PlannerLimits limits = new PlannerLimits(maxRegisters, maxBits, maxGap, maxGap);
    List<ReadRequest> plan = RequestPlanner.plan(layout.channels(), limits, layout.splits());

    List<ModbusChannel> covered = new ArrayList<>();
    for (ReadRequest r : plan) {
      assertThat(r.count()).isLessThanOrEqualTo(r.table().isBits() ? maxBits : maxRegisters);
      assertThat(r.count()).isLessThanOrEqualTo(r.table().protocolMax());
      assertThat(layout.splits().crosses(r.table(), r.start(), r.end())).as("crosses a learned boundary: %s", r).isFalse();
      for (ModbusChannel c : r.channels()) {
        assertThat(c.table()).isEqualTo(r.table());
        assertThat(c.address()).isGreaterThanOrEqualTo(r.start());
        assertThat(c.end()).isLessThanOrEqualTo(r.end());
      }
      covered.addAll(r.channels());
    }
    assertThat(covered).containsExactlyInAnyOrderElementsOf(layout.channels());

    for (Table t : Table.values()) {
      List<ReadRequest> ofTable = plan.stream().filter(r -> r.table() == t)
          .sorted(Comparator.comparingInt(ReadRequest::start)).toList();
      for (int i = 1; i < ofTable.size(); i++) {
        assertThat(ofTable.get(i).start()).as("overlapping reads").isGreaterThanOrEqualTo(ofTable.get(i - 1).end());
      }
    }
    Set<String> distinctRegisters = new HashSet<>();
    layout.channels().forEach(c -> distinctRegisters.add(c.table() + ":" + c.address()));
    assertThat(plan.size()).isLessThanOrEqualTo(distinctRegisters.size());
  }
}
