package io.ferry.drivers.simulated;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SimulatedPlannerTest {
  @TempDir Path dir;

  private static String instrument(String channels) {
    return "id: sim\ndriver: simulated\npoll: 2s\nuplinks: [local]\nchannels:\n" + channels;
  }

  @Test
  void everyWaveIsPlannedWithItsKeysAndDefaults() {
    var r = SimulatedConfigs.loadInstrument(dir, instrument("""
          - {name: t, wave: sine, amplitude: 8, period: 10m, offset: 72, phase: 90}
          - {name: r, wave: ramp, slope: -0.5, min: 10, max: 40}
          - {name: w, wave: random-walk, seed: 42, step: 0.02, min: 1.2, max: 2.8}
          - {name: s, wave: step, levels: [1, 2.5], period: 30s}
          - {name: e, kind: counter, wrap: 65536, rate: 3}
          - {name: p, kind: event, perTick: 2, maxPerTick: 4, seed: 9}
          - {name: d, wave: sine}
        """));
    assertThat(r.messages()).isEmpty();
    SimulatedPlan plan = (SimulatedPlan) r.plans().get(0);
    List<Waveform> waves = plan.channels().stream().map(SimulatedPlan.ChannelPlan::waveform).toList();
    assertThat(waves).containsExactly(
        new Waveform.Sine(8, Duration.ofMinutes(10), 72, 90),
        new Waveform.Ramp(-0.5, 10, 40),
        new Waveform.RandomWalk(42, 0.02, 1.2, 2.8, Duration.ofSeconds(2)),
        new Waveform.Step(List.of(1.0, 2.5), Duration.ofSeconds(30)),
        new Waveform.Counter(3, 0, 65536),
        new Waveform.Events(2, 4, 9, Duration.ofSeconds(2)),
        new Waveform.Sine(1, Duration.ofMinutes(1), 0, 0));
    assertThat(plan.failEvery()).isZero();
    assertThat(plan.hang()).isFalse();
    assertThat(plan.describe()).hasSize(8);
    assertThat(plan.describe().get(0)).contains("sim", "2s");
    assertThat(plan.describe().get(5)).isEqualTo("  e: counter 3/s from 0 wrapping at 65536");
  }

  @Test
  void faultKnobsAreReadAndDescribed() {
    var r = SimulatedConfigs.loadInstrument(dir, "failEvery: 3\nhang: true\n" + instrument("  - {name: t, wave: sine}\n"));
    assertThat(r.messages()).isEmpty();
    SimulatedPlan plan = (SimulatedPlan) r.plans().get(0);
    assertThat(plan.failEvery()).isEqualTo(3);
    assertThat(plan.hang()).isTrue();
    assertThat(plan.describe()).anyMatch(l -> l.contains("every 3th poll throws")).anyMatch(l -> l.contains("hangs"));
  }

  @Test
  void theDefaultSeedIsStablePerChannel() {
    var a = SimulatedConfigs.loadInstrument(dir, instrument("  - {name: w, wave: random-walk}\n"));
    var b = SimulatedConfigs.loadInstrument(dir, instrument("  - {name: w, wave: random-walk}\n"));
    Waveform.RandomWalk wa = (Waveform.RandomWalk) ((SimulatedPlan) a.plans().get(0)).channels().get(0).waveform();
    Waveform.RandomWalk wb = (Waveform.RandomWalk) ((SimulatedPlan) b.plans().get(0)).channels().get(0).waveform();
    assertThat(wa.seed()).isEqualTo(wb.seed()).isEqualTo("sim/w".hashCode());
  }

  /** Each row: the channel line, then the one expected problem (file:line:col path: message). */
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      {name: t}                                  | instruments.d/sim.yaml:6:5 channels[0]: missing required key "wave" (sine, ramp, random-walk or step)
      {name: t, wave: sinus}                     | instruments.d/sim.yaml:6:21 channels[0].wave: unknown wave "sinus", did you mean "sine"?
      {name: t, wave: ramp, amplitude: 3}        | instruments.d/sim.yaml:6:27 channels[0].amplitude: unknown key "amplitude"
      {name: t, wave: ramp, min: 5, max: 5}      | instruments.d/sim.yaml:6:40 channels[0].max: max (5.0) must be greater than min (5.0)
      {name: t, wave: ramp, slope: 0}            | instruments.d/sim.yaml:6:34 channels[0].slope: must not be 0 (use wave: step with one level for a constant)
      {name: t, wave: sine, period: 5}           | instruments.d/sim.yaml:6:35 channels[0].period: expected a duration such as 500ms, 5s, 1m or 1h, got the number 5 (add a unit: 5s or 5ms)
      {name: t, wave: step}                      | instruments.d/sim.yaml:6:5 channels[0]: missing required key "levels" (a list of numbers, for example [0, 1])
      {name: t, wave: step, levels: [1, high]}   | instruments.d/sim.yaml:6:35 channels[0].levels: expected a list of numbers, got the text "high" in it
      {name: t, wave: counter}                   | instruments.d/sim.yaml:6:21 channels[0].wave: wave: counter simulates a cumulative device counter: add kind: counter (and wrap) to the channel
      {name: t, kind: counter, wave: sine}       | instruments.d/sim.yaml:6:36 channels[0].wave: a kind: counter channel needs wave: counter (the buffer turns its reads into increments)
      {name: t, kind: event, wave: ramp}         | instruments.d/sim.yaml:6:34 channels[0].wave: a kind: event channel needs wave: events (each value is a number of events)
      {name: t, kind: event, perTick: 4, maxPerTick: 2} | instruments.d/sim.yaml:6:52 channels[0].maxPerTick: must not be less than perTick (4)
      """)
  void mistakesAreReportedWithFileLineAndPath(String channel, String expected) {
    var r = SimulatedConfigs.loadInstrument(dir, instrument("  - " + channel + "\n"));
    assertThat(r.messages()).anyMatch(m -> m.startsWith(expected));
    if (!expected.contains("unknown key")) { // unknown keys are only known after planning, at ConfigContext.finish()
      assertThat(r.plans()).isEmpty();
    }
  }

  @Test
  void aMisspeltWaveDoesNotAlsoReportItsKeysAsUnknown() {
    var r = SimulatedConfigs.loadInstrument(dir, instrument("  - {name: t, wave: sinus, amplitude: 2, period: 1m}\n"));
    assertThat(r.messages()).hasSize(1);
  }

  @Test
  void aConnectionSectionIsAnError() {
    var r = SimulatedConfigs.loadInstrument(dir, "connection: {host: 10.0.0.1}\n" + instrument("  - {name: t, wave: sine}\n"));
    assertThat(r.messages()).containsExactly(
        "instruments.d/sim.yaml:1:13 connection: the simulated driver has no connection; remove this section");
    assertThat(r.plans()).isEmpty();
  }

  @Test
  void badFaultKnobsAreReported() {
    var r = SimulatedConfigs.loadInstrument(dir, "failEvery: -1\nhang: maybe\n" + instrument("  - {name: t, wave: sine}\n"));
    assertThat(r.messages()).containsExactly(
        "instruments.d/sim.yaml:1:12 failEvery: must be between 0 and 1000000000, got -1",
        "instruments.d/sim.yaml:2:7 hang: expected true or false, got the text \"maybe\"");
  }
}
