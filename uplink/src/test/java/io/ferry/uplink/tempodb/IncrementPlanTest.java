package io.ferry.uplink.tempodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.ferry.buffer.IncrementRecord;
import io.ferry.core.ChannelId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Fractions carried to the next bucket, never truncated: a table of deltas and what is sent. */
class IncrementPlanTest {
  static final ChannelId A = ChannelId.of("m", "a");
  static final long MIN = 60_000_000L;

  /** deltas per bucket (several per bucket = late records), carry before, whole numbers sent, carry after. */
  static Stream<Arguments> table() {
    return Stream.of(
        Arguments.of(List.of(List.of(3.0)), 0.0, List.of(3L), 0.0),
        Arguments.of(List.of(List.of(0.4)), 0.0, List.of(), 0.4),
        Arguments.of(List.of(List.of(0.4), List.of(0.6)), 0.0, List.of(1L), 0.0),
        Arguments.of(List.of(List.of(2.5), List.of(2.5)), 0.0, List.of(2L, 3L), 0.0),
        Arguments.of(List.of(List.of(0.5)), 0.75, List.of(1L), 0.25),
        Arguments.of(List.of(List.of(1.25, 1.25)), 0.0, List.of(2L), 0.5),
        Arguments.of(List.of(List.of(1.0), List.of(0.0), List.of(4.0)), 0.0, List.of(1L, 4L), 0.0));
  }

  @ParameterizedTest(name = "{0} with carry {1} sends {2}, carries {3}")
  @MethodSource("table")
  void carriesFractions(List<List<Double>> buckets, double before, List<Long> sent, double after) {
    List<IncrementRecord> records = new ArrayList<>();
    long id = 1;
    for (int b = 0; b < buckets.size(); b++) {
      for (double d : buckets.get(b)) {
        records.add(new IncrementRecord(id++, A, b * MIN, MIN, d));
      }
    }
    IncrementPlan p = IncrementPlan.of(records, Map.of("m/a", before));
    assertThat(p.points()).extracting(Point::whole).containsExactlyElementsOf(sent);
    assertThat(p.carryAfter().get("m/a")).isCloseTo(after, within(1e-12));
    // Nothing lost: every delta is either sent as a whole number or in the carry.
    double deltas = records.stream().mapToDouble(IncrementRecord::delta).sum();
    assertThat(sent.stream().mapToLong(Long::longValue).sum() + p.carryAfter().get("m/a")).isCloseTo(before + deltas, within(1e-12));
    // Every record is covered exactly once: in a point or carried.
    long covered = p.points().stream().mapToLong(x -> x.records().size()).sum() + p.carriedOnly().size();
    assertThat(covered).isEqualTo(records.size());
    // Settling everything gives the same carry as the plan.
    assertThat(IncrementPlan.settle(before, p.points(), p.carriedOnly())).isCloseTo(after, within(1e-12));
  }

  @org.junit.jupiter.api.Test
  void settlingOnlyTheStoredPointsKeepsTheAccountExact() {
    // 0.7 then 0.6 with carry 0.5: 1.2 -> 1 (carry .2), 0.8 -> nothing sent (carried).
    List<IncrementRecord> records = List.of(new IncrementRecord(1, A, 0, MIN, 0.7), new IncrementRecord(2, A, MIN, MIN, 0.6));
    IncrementPlan p = IncrementPlan.of(records, Map.of("m/a", 0.5));
    assertThat(p.points()).hasSize(1);
    assertThat(p.carriedOnly()).hasSize(1);
    // The point fails (retried later); only the carried record is settled: 0.5 + 0.6.
    double c = IncrementPlan.settle(0.5, List.of(), p.carriedOnly());
    assertThat(c).isCloseTo(1.1, within(1e-12));
    // Sent again later on its own: 1.1 + 0.7 = 1.8 -> 1, carry 0.8; total 1 + 0.8 = 0.5 + 0.7 + 0.6.
    IncrementPlan again = IncrementPlan.of(List.of(records.get(0)), Map.of("m/a", c));
    assertThat(again.points()).extracting(Point::whole).containsExactly(1L);
    assertThat(again.carryAfter().get("m/a")).isCloseTo(0.8, within(1e-12));
    assertThat(Stream.of(1.0, 0.8).mapToDouble(Double::doubleValue).sum()).isCloseTo(0.5 + 0.7 + 0.6, within(1e-12));
  }
}
