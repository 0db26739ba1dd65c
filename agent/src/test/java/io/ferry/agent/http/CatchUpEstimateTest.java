package io.ferry.agent.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CatchUpEstimateTest {
  static List<Ring.Point> series(double... values) {
    List<Ring.Point> out = new ArrayList<>();
    for (int i = 0; i < values.length; i++) {
      out.add(new Ring.Point(i * 10_000L, values[i])); // one look every 10 s
    }
    return out;
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of(series(), "not shrinking"),
        Arguments.of(series(500), "not shrinking"),
        Arguments.of(series(500, 0), "caught up"),
        Arguments.of(series(100, 200, 300), "growing"),
        Arguments.of(series(300, 300), "keeping up"),
        Arguments.of(series(20, 35, 10, 25, 20, 20), "keeping up"), // a small standing backlog: first = last
        Arguments.of(series(20, 35, 10, 60, 90, 120), "growing"),
        // 100 records per 10 s, 200 left: 20 s
        Arguments.of(series(500, 400, 300, 200), "about 20s"),
        // only the last 5 minutes count: an old steep fall is ignored (31 looks back is outside)
        Arguments.of(concat(series(100_000), shifted(40, 1000, 990, 980)), "about 16m 20s"));
  }

  @ParameterizedTest
  @MethodSource("cases")
  void estimate(List<Ring.Point> history, String expected) {
    assertThat(CatchUpEstimate.describe(CatchUpEstimate.estimate(history, Duration.ofMinutes(5)))).isEqualTo(expected);
  }

  @Test
  void ringKeepsTheLatestPointsOldestFirst() {
    Ring r = new Ring(3);
    for (int i = 1; i <= 5; i++) {
      r.add(i, i * 10);
    }
    assertThat(r.points()).extracting(Ring.Point::value).containsExactly(30.0, 40.0, 50.0);
    assertThat(r.size()).isEqualTo(3);
  }

  private static List<Ring.Point> shifted(int startIndex, double... values) {
    List<Ring.Point> out = new ArrayList<>();
    for (int i = 0; i < values.length; i++) {
      out.add(new Ring.Point((startIndex + i) * 10_000L, values[i]));
    }
    return out;
  }

  private static List<Ring.Point> concat(List<Ring.Point> a, List<Ring.Point> b) {
    List<Ring.Point> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }
}
