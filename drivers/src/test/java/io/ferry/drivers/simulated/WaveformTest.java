package io.ferry.drivers.simulated;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WaveformTest {
  static final long S = 1_000_000L;
  /** 2026-11-21T12:00:00Z: values must stay exact far from the epoch. */
  static final long NOW = 1_795_262_400L * S;

  @Test
  void sineHitsOffsetPeakAndTroughAtQuarterPeriods() {
    Waveform w = new Waveform.Sine(8, Duration.ofMinutes(10), 72, 0);
    assertThat(w.valueAt(NOW)).isCloseTo(72, within(1e-9)); // NOW is a multiple of 10 minutes
    assertThat(w.valueAt(NOW + 150 * S)).isCloseTo(80, within(1e-9));
    assertThat(w.valueAt(NOW + 450 * S)).isCloseTo(64, within(1e-9));
    assertThat(new Waveform.Sine(1, Duration.ofMinutes(1), 0, 90).valueAt(NOW)).isCloseTo(1, within(1e-9));
  }

  @Test
  void rampRisesBySlopeAndWrapsWithinTheRange() {
    Waveform up = new Waveform.Ramp(0.5, 10, 40); // a cycle is 60 s
    assertThat(up.valueAt(NOW)).isCloseTo(10, within(1e-6));
    assertThat(up.valueAt(NOW + 20 * S)).isCloseTo(20, within(1e-6));
    assertThat(up.valueAt(NOW + 59 * S)).isCloseTo(39.5, within(1e-6));
    assertThat(up.valueAt(NOW + 60 * S)).isCloseTo(10, within(1e-6));
    Waveform down = new Waveform.Ramp(-1, 0, 100);
    assertThat(down.valueAt(NOW + S)).isCloseTo(99, within(1e-6));
  }

  @Test
  void stepHoldsEachLevelForItsPeriodInOrderAlsoBeforeTheEpoch() {
    Waveform w = new Waveform.Step(List.of(20.0, 22.5, 25.0), Duration.ofSeconds(30));
    assertThat(w.valueAt(0)).isEqualTo(20);
    assertThat(w.valueAt(29_999_999)).isEqualTo(20);
    assertThat(w.valueAt(30 * S)).isEqualTo(22.5);
    assertThat(w.valueAt(60 * S)).isEqualTo(25);
    assertThat(w.valueAt(90 * S)).isEqualTo(20);
    assertThat(w.valueAt(-1)).isEqualTo(25);
  }

  @Test
  void counterGrowsByRateAsWholeNumbersAndWraps() {
    Waveform w = new Waveform.Counter(50, 0, 10_000);
    double a = w.valueAt(NOW);
    double b = w.valueAt(NOW + S);
    assertThat(a).isEqualTo(Math.rint(a)).isBetween(0.0, 9_999.0);
    assertThat((b - a + 10_000) % 10_000).isEqualTo(50);
    // 1_795_262_400 s * 50 = 89_763_120_000 = 8_976_312 wraps of 10000 exactly
    assertThat(a).isZero();
    assertThat(w.valueAt(NOW + 199 * S)).isEqualTo(9_950);
    assertThat(w.valueAt(NOW + 200 * S)).isZero();
    assertThat(new Waveform.Counter(0.5, 7, 0).valueAt(3 * S)).isEqualTo(8);
  }

  @Test
  void eventsAreConstantOrSeededWithinTheirRange() {
    Duration tick = Duration.ofSeconds(2);
    assertThat(new Waveform.Events(3, 3, 1, tick).valueAt(NOW)).isEqualTo(3);
    Waveform w = new Waveform.Events(2, 6, 7, tick);
    Set<Double> seen = new HashSet<>();
    for (int i = 0; i < 500; i++) {
      double v = w.valueAt(NOW + i * 2 * S);
      assertThat(v).isBetween(2.0, 6.0).isEqualTo(Math.rint(v));
      assertThat(w.valueAt(NOW + i * 2 * S + 1_999_999)).as("same tick, same value").isEqualTo(v);
      seen.add(v);
    }
    assertThat(seen).containsExactlyInAnyOrder(2.0, 3.0, 4.0, 5.0, 6.0);
    assertThat(valuesOf(new Waveform.Events(2, 6, 8, tick), 50)).isNotEqualTo(valuesOf(w, 50));
  }

  @Test
  void randomWalkIsAPureFunctionOfSeedAndTime() {
    Duration tick = Duration.ofSeconds(1);
    Waveform a = new Waveform.RandomWalk(42, 0.5, -1000, 1000, tick);
    Waveform b = new Waveform.RandomWalk(42, 0.5, -1000, 1000, tick);
    List<Double> forward = valuesOf(a, 200);
    List<Double> backward = new ArrayList<>();
    for (int i = 199; i >= 0; i--) {
      backward.add(0, b.valueAt(NOW + i * S));
    }
    assertThat(backward).isEqualTo(forward);
    assertThat(valuesOf(new Waveform.RandomWalk(43, 0.5, -1000, 1000, tick), 200)).isNotEqualTo(forward);
  }

  @Test
  void randomWalkStepsHaveTheConfiguredSizeAndStayWithinBounds() {
    double step = 0.5;
    Waveform wide = new Waveform.RandomWalk(7, step, -1e9, 1e9, Duration.ofSeconds(1));
    int n = 20_000;
    double sumSq = 0;
    double previous = wide.valueAt(NOW);
    for (int i = 1; i < n; i++) {
      double v = wide.valueAt(NOW + i * S);
      sumSq += (v - previous) * (v - previous);
      previous = v;
    }
    double rms = Math.sqrt(sumSq / (n - 1));
    assertThat(rms).isBetween(0.9 * step, 1.1 * step);

    Waveform narrow = new Waveform.RandomWalk(7, 0.2, 1.2, 2.8, Duration.ofMillis(500));
    for (int i = 0; i < 5_000; i++) {
      assertThat(narrow.valueAt(NOW + i * 500_000L)).isBetween(1.2, 2.8);
    }
  }

  private static List<Double> valuesOf(Waveform w, int ticks) {
    List<Double> out = new ArrayList<>();
    for (int i = 0; i < ticks; i++) {
      out.add(w.valueAt(NOW + i * S));
    }
    return out;
  }
}
