package io.ferry.drivers.opcua;

/** A data-change deadband of a monitored item: none, absolute (engineering units) or percent of the EURange. */
public sealed interface Deadband {
  record None() implements Deadband {}

  record Absolute(double value) implements Deadband {}

  record Percent(double value) implements Deadband {}

  static String describe(Deadband d) {
    if (d instanceof Absolute a) {
      return "deadband " + a.value();
    }
    if (d instanceof Percent p) {
      return "deadband " + p.value() + "%";
    }
    return "no deadband";
  }
}
