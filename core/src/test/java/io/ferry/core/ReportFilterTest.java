package io.ferry.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.core.ReportFilter.Decision;
import io.ferry.core.ReportFilter.Reason;
import io.ferry.core.ReportFilter.State;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ReportFilterTest {
  private static final ChannelId CH = ChannelId.parse("tank/level");
  private static final Duration HB = Duration.ofMinutes(5);
  private static final Duration GAP = Duration.ofMillis(1500);
  private static final long S = 1_000_000L;

  private static Sample at(long seconds, double v) {
    return Sample.of(CH, seconds * S, v);
  }

  private static Sample at(long seconds, double v, Quality q) {
    return Sample.of(CH, seconds * S, v, q);
  }

  /** The state after reporting {@code last} at time {@code lastSeconds}, previous poll at {@code polled}. */
  private static State state(Sample last, long polledSeconds) {
    return new State(last, polledSeconds * S, null);
  }

  private static Reason reason(ReportSpec spec, State state, Sample s) {
    Decision d = ReportFilter.decide(spec, state, s);
    return d instanceof Decision.Report r ? r.reason() : null;
  }

  // last reported 10.0 at t=0 (good), previous poll at t=9; the sample at t=10:
  @ParameterizedTest(name = "deadband {0} / {1}% of span {2}: {3} at t={4}s {5} -> {6}")
  @CsvSource(nullValues = "none", value = {
      "0.5, 0, 0,   10.5, 10, GOOD,      none",          // exactly on the band edge: not a change
      "0.5, 0, 0,   10.51, 10, GOOD,     CHANGE",
      "0.5, 0, 0,   9.49, 10, GOOD,      CHANGE",
      "0.5, 0, 0,   10.2, 10, UNCERTAIN, QUALITY",       // quality beats the band
      "0.5, 0, 0,   10.0, 300, GOOD,     GAP",           // previous poll at 9 s: 291 s of nothing
      "0,   0, 0,   10.0, 10, GOOD,      none",          // on change: same value
      "0,   0, 0,   10.000001, 10, GOOD, CHANGE",
      "0,   1, 0,   10.1, 10, GOOD,      none",          // 1 % of the last reported 10.0 = 0.1
      "0,   1, 0,   10.11, 10, GOOD,     CHANGE",
      "0,   1, 250, 12.5, 10, GOOD,      none",          // 1 % of a 250 span = 2.5
      "0,   1, 250, 12.6, 10, GOOD,      CHANGE",
      "0.5, 0, 0,   NaN, 10, GOOD,       CHANGE",
      "0.5, 0, 0,   Infinity, 10, GOOD,  CHANGE",
      "0.5, 0, 0,   10.0, 5, GOOD,       OUT_OF_ORDER",  // not after the previous poll (t=9)
  })
  void table(double deadband, double percent, double span, double value, long t, Quality q, Reason expected) {
    ReportSpec spec = new ReportSpec(deadband, percent, span, HB, Duration.ofSeconds(2), false);
    assertThat(reason(spec, state(at(0, 10.0), 9), at(t, value, q))).isEqualTo(expected);
  }

  @Test
  void firstSampleIsAlwaysReported() {
    ReportSpec spec = ReportSpec.onChange(HB, GAP);
    assertThat(reason(spec, null, at(0, 1))).isEqualTo(Reason.FIRST);
  }

  @Test
  void heartbeatReportsAnUnchangedValueOncePerPeriodCountedFromTheLastReport() {
    ReportSpec spec = ReportSpec.onChange(HB, GAP);
    List<Long> reported = new ArrayList<>();
    State state = null;
    for (long t = 0; t <= 700; t++) {
      Decision d = ReportFilter.decide(spec, state, at(t, 3.0));
      if (d instanceof Decision.Report) {
        reported.add(t);
      }
      state = d.next();
    }
    assertThat(reported).containsExactly(0L, 300L, 600L);
  }

  @Test
  void aSingleMissedPollIsAGap() {
    ReportSpec spec = ReportSpec.onChange(HB, GAP);
    State s = state(at(0, 1), 9);
    assertThat(reason(spec, s, at(10, 1))).isNull();
    assertThat(reason(spec, s, at(11, 1))).isEqualTo(Reason.GAP);
  }

  @Test
  void textChannelsReportOnChange() {
    ReportSpec spec = ReportSpec.onChange(HB, GAP);
    State s = state(Sample.text(CH, 0, "AUTO", Quality.GOOD), 0);
    assertThat(reason(spec, s, Sample.text(CH, S, "AUTO", Quality.GOOD))).isNull();
    assertThat(reason(spec, s, Sample.text(CH, S, "MANUAL", Quality.GOOD))).isEqualTo(Reason.CHANGE);
  }

  @Test
  void keepEdgesReportsTheLastSuppressedSampleBeforeAStepButNotBeforeAHeartbeat() {
    ReportSpec spec = new ReportSpec(0.5, 0, 0, Duration.ofSeconds(4), GAP, true);
    State s = ReportFilter.decide(spec, null, at(0, 10)).next();
    s = ReportFilter.decide(spec, s, at(1, 10.1)).next();
    Decision held = ReportFilter.decide(spec, s, at(2, 10.2));
    assertThat(held).isInstanceOf(Decision.Suppress.class);
    Decision step = ReportFilter.decide(spec, held.next(), at(3, 20));
    assertThat(step).isEqualTo(new Decision.Report(Reason.CHANGE, Optional.of(at(2, 10.2)), new State(at(3, 20), 3 * S, null)));

    s = ReportFilter.decide(spec, step.next(), at(4, 20.1)).next();
    Decision beat = ReportFilter.decide(spec, s, at(7, 20.1));
    assertThat(beat).isInstanceOf(Decision.Report.class);
    assertThat(((Decision.Report) beat).reason()).isEqualTo(Reason.GAP);
    s = ReportFilter.decide(spec, step.next(), at(4, 20.1)).next();
    s = ReportFilter.decide(spec, s, at(5, 20.1)).next();
    s = ReportFilter.decide(spec, s, at(6, 20.1)).next();
    Decision hb = ReportFilter.decide(spec, s, at(7, 20.1));
    assertThat(hb).isEqualTo(new Decision.Report(Reason.HEARTBEAT, Optional.empty(), new State(at(7, 20.1), 7 * S, null)));
  }

  @Test
  void withoutKeepEdgesNothingIsHeld() {
    ReportSpec spec = new ReportSpec(0.5, 0, 0, HB, GAP, false);
    State s = ReportFilter.decide(spec, null, at(0, 10)).next();
    s = ReportFilter.decide(spec, s, at(1, 10.2)).next();
    assertThat(s.held()).isNull();
    assertThat(ReportFilter.decide(spec, s, at(2, 20))).isEqualTo(
        new Decision.Report(Reason.CHANGE, Optional.empty(), new State(at(2, 20), 2 * S, null)));
  }

  @Test
  void specRefusesContradictions() {
    assertThatThrownBy(() -> new ReportSpec(-1, 0, 0, HB, GAP, false)).hasMessageContaining("deadband");
    assertThatThrownBy(() -> new ReportSpec(1, 1, 0, HB, GAP, false)).hasMessageContaining("exclude");
    assertThatThrownBy(() -> new ReportSpec(0, 101, 0, HB, GAP, false)).hasMessageContaining("deadbandPercent");
    assertThatThrownBy(() -> new ReportSpec(0, 0, 0, Duration.ZERO, GAP, false)).hasMessageContaining("heartbeat");
  }
}
