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
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Table tests. A layout is written {@code table:address/count ...}; the expected plan as
 * {@code table:start/count ...} in planning order.
 */
class RequestPlannerTest {
  static List<ModbusChannel> layout(String spec) {
    List<ModbusChannel> out = new ArrayList<>();
    int i = 0;
    for (String item : spec.trim().split("\\s+")) {
      String[] tc = item.split(":");
      String[] ac = tc[1].split("/");
      Table t = Table.parse(tc[0]).orElseThrow();
      int count = Integer.parseInt(ac[1]);
      DataType type = t.isBits() ? DataType.BOOL : count == 1 ? DataType.UINT16 : count == 2 ? DataType.FLOAT32
          : count == 4 ? DataType.FLOAT64 : DataType.STRING;
      out.add(new ModbusChannel(ChannelId.of("t", "c" + i++), t, Integer.parseInt(ac[0]), type, WordOrder.ABCD, -1, count, 1, 0,
          ValueKind.GAUGE));
    }
    return out;
  }

  static String render(List<ReadRequest> plan) {
    return plan.stream().map(r -> r.table().yamlName() + ":" + r.start() + "/" + r.count()).collect(Collectors.joining(" "));
  }

  @ParameterizedTest(name = "{0} | regs {1} bits {2} gap {3} -> {4}")
  @CsvSource(delimiter = '|', value = {
    // contiguous registers merge into one read
    "holding:0/2 holding:2/2 holding:4/1            | 125 | 2000 | 10 | holding:0/5",
    // a gap within maxGap is read across, a wider one is not
    "holding:0/2 holding:12/2                       | 125 | 2000 | 10 | holding:0/14",
    "holding:0/2 holding:13/2                       | 125 | 2000 | 10 | holding:0/2 holding:13/2",
    "holding:0/1 holding:2/1                        | 125 | 2000 | 0  | holding:0/1 holding:2/1",
    // the per-device cap splits a contiguous block
    "holding:0/2 holding:2/2 holding:4/2 holding:6/2 | 4  | 2000 | 10 | holding:0/4 holding:4/4",
    // the protocol maximum: 125 registers
    "holding:0/2 holding:124/2                      | 125 | 2000 | 200 | holding:0/2 holding:124/2",
    "holding:0/2 holding:123/2                      | 125 | 2000 | 200 | holding:0/125",
    // tables never mix; order of the config does not matter
    "input:5/1 holding:5/1 input:0/1                | 125 | 2000 | 10 | input:0/6 holding:5/1",
    // bits: 2000 per read, gaps counted in bits
    "coil:0/1 coil:1999/1                           | 125 | 2000 | 2000 | coil:0/2000",
    "coil:0/1 coil:2000/1                           | 125 | 2000 | 2000 | coil:0/1 coil:2000/1",
    "discrete:0/1 discrete:70/1                     | 125 | 2000 | 10 | discrete:0/1 discrete:70/1",
    // two bits of one register share the read
    "holding:7/1 holding:7/1 holding:8/2            | 125 | 2000 | 0  | holding:7/3",
    // a 4-register value never straddles two reads
    "holding:0/1 holding:1/4                        | 4   | 2000 | 10 | holding:0/1 holding:1/4",
  })
  void plans(String layout, int regs, int bits, int gap, String expected) {
    PlannerLimits limits = new PlannerLimits(regs, bits, gap, gap);
    assertThat(render(RequestPlanner.plan(layout(layout), limits, SplitMemory.NONE))).isEqualTo(expected);
  }

  @Test
  void learnedBoundariesAreNeverCrossed() {
    List<ModbusChannel> cs = layout("holding:0/2 holding:2/2 holding:6/1 holding:10/2");
    SplitMemory m = SplitMemory.NONE.with(Table.HOLDING, 6);
    assertThat(render(RequestPlanner.plan(cs, PlannerLimits.DEFAULT, m))).isEqualTo("holding:0/4 holding:6/6");
    m = m.with(Table.HOLDING, 10);
    assertThat(render(RequestPlanner.plan(cs, PlannerLimits.DEFAULT, m))).isEqualTo("holding:0/4 holding:6/1 holding:10/2");
    // a boundary of another table changes nothing here
    assertThat(render(RequestPlanner.plan(cs, PlannerLimits.DEFAULT, SplitMemory.NONE.with(Table.INPUT, 6))))
        .isEqualTo("holding:0/12");
  }

  @Test
  void splitPointIsAfterTheWidestGapNearestTheMiddleAndNeverInsideAChannel() {
    ReadRequest r = RequestPlanner.plan(layout("holding:0/2 holding:4/2 holding:8/2 holding:12/2"), PlannerLimits.DEFAULT,
        SplitMemory.NONE).get(0);
    assertThat(RequestPlanner.splitPoint(r)).contains(8);
    ReadRequest widest = RequestPlanner.plan(layout("holding:0/1 holding:2/1 holding:9/2 holding:11/1"), PlannerLimits.DEFAULT,
        SplitMemory.NONE).get(0);
    assertThat(RequestPlanner.splitPoint(widest)).contains(9);
    ReadRequest overlapping = RequestPlanner.plan(layout("holding:0/4 holding:1/1 holding:2/1"), PlannerLimits.DEFAULT,
        SplitMemory.NONE).get(0);
    assertThat(RequestPlanner.splitPoint(overlapping)).isEmpty();
    ReadRequest single = RequestPlanner.plan(layout("holding:3/2"), PlannerLimits.DEFAULT, SplitMemory.NONE).get(0);
    assertThat(RequestPlanner.splitPoint(single)).isEmpty();
  }

  @Test
  void oneRequestPerChannelWhenMergingIsOff() {
    List<ModbusChannel> cs = layout("holding:0/2 holding:2/2 holding:4/1 coil:0/1 coil:1/1");
    assertThat(render(RequestPlanner.plan(cs, new PlannerLimits(125, 2000, 10, 10, false), SplitMemory.NONE)))
        .isEqualTo("coil:0/1 coil:1/1 holding:0/2 holding:2/2 holding:4/1");
  }

  @Test
  void aChannelLargerThanTheCapIsRefused() {
    assertThatThrownBy(() -> RequestPlanner.plan(layout("holding:0/4"), new PlannerLimits(2, 2000, 0, 0), SplitMemory.NONE))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cap of 2");
  }

  @Test
  void unusedCountsTheGapsReadAcross() {
    ReadRequest r = RequestPlanner.plan(layout("holding:0/2 holding:5/1"), PlannerLimits.DEFAULT, SplitMemory.NONE).get(0);
    assertThat(r.count()).isEqualTo(6);
    assertThat(r.unused()).isEqualTo(3);
  }
}
