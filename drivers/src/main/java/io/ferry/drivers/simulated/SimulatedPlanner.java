package io.ferry.drivers.simulated;

import io.ferry.config.ChannelConfig;
import io.ferry.config.ConfigNode;
import io.ferry.config.Fields;
import io.ferry.config.InstrumentConfig;
import io.ferry.core.ValueKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads a simulated instrument's keys into a {@link SimulatedPlan}. Pure: no I/O, every problem
 * goes to the instrument's config context. Only the keys of the chosen wave are read, so a key
 * that belongs to another wave is reported as unknown (with a did-you-mean).
 */
public final class SimulatedPlanner {
  static final Duration MIN_PERIOD = Duration.ofMillis(1);
  static final Duration MAX_PERIOD = Duration.ofDays(365);
  static final double BIG = 1e15;

  private SimulatedPlanner() {}

  public static Optional<SimulatedPlan> plan(InstrumentConfig instrument) {
    var problems = instrument.fields().context().problems();
    int before = problems.size();
    Fields top = instrument.fields();
    int failEvery = top.integer("failEvery", 0, 0, 1_000_000_000);
    boolean hang = top.bool("hang", false);
    instrument.connection().ifPresent(c -> {
      c.allow(c.keys().toArray(String[]::new));
      c.error("the simulated driver has no connection; remove this section");
    });
    // Only when none is written: a written channel that is invalid was reported where it stands.
    if (instrument.channels().isEmpty() && top.list("channels").isEmpty()) {
      top.error("channels", "a simulated instrument needs at least one channel");
    }
    List<SimulatedPlan.ChannelPlan> channels = new ArrayList<>();
    for (ChannelConfig c : instrument.channels()) {
      waveform(c, instrument.info().poll()).ifPresent(w -> channels.add(new SimulatedPlan.ChannelPlan(c.spec().id(), w)));
    }
    if (problems.size() != before || channels.size() != instrument.channels().size() || channels.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new SimulatedPlan(instrument.info(), channels, failEvery, hang));
  }

  private static Optional<Waveform> waveform(ChannelConfig c, Duration tick) {
    Fields f = c.fields();
    ValueKind kind = c.spec().kind();
    Optional<Wave> wave = f.enumValue("wave", Wave.class);
    if (wave.isEmpty() && !f.has("wave")) {
      switch (kind) {
        case COUNTER -> wave = Optional.of(Wave.COUNTER);
        case EVENT -> wave = Optional.of(Wave.EVENTS);
        case GAUGE -> f.error("missing required key \"wave\" (sine, ramp, random-walk or step)");
      }
    }
    if (wave.isEmpty()) {
      // Spare the operator a list of unknown keys caused only by the missing or misspelt wave.
      f.allow("amplitude", "period", "offset", "phase", "slope", "min", "max", "seed", "step", "levels", "rate",
          "start", "perTick", "maxPerTick");
      return Optional.empty();
    }
    Wave w = wave.get();
    if (kind == ValueKind.COUNTER && w != Wave.COUNTER) {
      f.error("wave", "a kind: counter channel needs wave: counter (the buffer turns its reads into increments)");
    } else if (kind == ValueKind.EVENT && w != Wave.EVENTS) {
      f.error("wave", "a kind: event channel needs wave: events (each value is a number of events)");
    } else if (kind == ValueKind.GAUGE && w == Wave.COUNTER) {
      f.error("wave", "wave: counter simulates a cumulative device counter: add kind: counter (and wrap) to the channel");
    } else if (kind == ValueKind.GAUGE && w == Wave.EVENTS) {
      f.error("wave", "wave: events simulates event counts: add kind: event to the channel");
    }
    long defaultSeed = c.spec().id().toString().hashCode();
    return switch (w) {
      case SINE -> Optional.of(new Waveform.Sine(
          f.number("amplitude", 1, -BIG, BIG),
          f.duration("period", Duration.ofMinutes(1), MIN_PERIOD, MAX_PERIOD),
          f.number("offset", 0, -BIG, BIG),
          f.number("phase", 0, -360, 360)));
      case RAMP -> {
        double slope = f.number("slope", 1, -BIG, BIG);
        if (slope == 0) {
          f.error("slope", "must not be 0 (use wave: step with one level for a constant)");
        }
        double[] range = range(f);
        yield range.length == 0 ? Optional.empty() : Optional.of(new Waveform.Ramp(slope, range[0], range[1]));
      }
      case RANDOM_WALK -> {
        long seed = f.longValue("seed", defaultSeed, Long.MIN_VALUE, Long.MAX_VALUE);
        double step = f.number("step", 1, 0, BIG);
        double[] range = range(f);
        yield range.length == 0 ? Optional.empty() : Optional.of(new Waveform.RandomWalk(seed, step, range[0], range[1], tick));
      }
      case STEP -> {
        List<Double> levels = levels(f);
        Duration period = f.duration("period", Duration.ofMinutes(1), MIN_PERIOD, MAX_PERIOD);
        yield levels.isEmpty() ? Optional.empty() : Optional.of(new Waveform.Step(levels, period));
      }
      case COUNTER -> Optional.of(new Waveform.Counter(
          f.number("rate", 1, 0, BIG),
          f.number("start", 0, 0, BIG),
          c.spec().counter().map(cs -> cs.wrap()).orElse(0.0)));
      case EVENTS -> {
        long perTick = f.longValue("perTick", 1, 0, 1_000_000_000L);
        long max = f.longValue("maxPerTick", perTick, 0, 1_000_000_000L);
        if (max < perTick) {
          f.error("maxPerTick", "must not be less than perTick (" + perTick + ")");
        }
        long seed = f.longValue("seed", defaultSeed, Long.MIN_VALUE, Long.MAX_VALUE);
        yield Optional.of(new Waveform.Events(perTick, max, seed, tick));
      }
    };
  }

  /** {@code min} and {@code max} (defaults 0 and 100), or an empty array after reporting min >= max. */
  private static double[] range(Fields f) {
    double min = f.number("min", 0, -BIG, BIG);
    double max = f.number("max", 100, -BIG, BIG);
    if (min >= max) {
      f.error(f.has("max") ? "max" : "min", "max (" + max + ") must be greater than min (" + min + ")");
      return new double[0];
    }
    return new double[] {min, max};
  }

  private static List<Double> levels(Fields f) {
    if (!f.has("levels")) {
      f.error("missing required key \"levels\" (a list of numbers, for example [0, 1])");
      return List.of();
    }
    List<ConfigNode> items = f.list("levels");
    List<Double> out = new ArrayList<>();
    boolean ok = true;
    for (ConfigNode item : items) {
      if (item instanceof ConfigNode.Scalar s
          && (s.type() == ConfigNode.ScalarType.INTEGER || s.type() == ConfigNode.ScalarType.FLOAT)) {
        try {
          out.add(Double.parseDouble(s.text().replace("_", "")));
          continue;
        } catch (NumberFormatException e) {
          // reported below
        }
      }
      f.error("levels", "expected a list of numbers, got " + item.describe() + " in it");
      ok = false;
    }
    if (ok && out.isEmpty() && f.node("levels").isPresent()) {
      f.error("levels", "needs at least one level");
    }
    return ok ? out : List.of();
  }
}
