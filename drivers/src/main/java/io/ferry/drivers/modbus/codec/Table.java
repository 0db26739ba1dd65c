package io.ferry.drivers.modbus.codec;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The four Modbus data tables, spelled {@code coil:}, {@code discrete:}, {@code input:}, {@code holding:} in YAML. */
public enum Table {
  COIL("coil", true, 2000),
  DISCRETE("discrete", true, 2000),
  INPUT("input", false, 125),
  HOLDING("holding", false, 125);

  private final String yamlName;
  private final boolean bits;
  private final int protocolMax;

  Table(String yamlName, boolean bits, int protocolMax) {
    this.yamlName = yamlName;
    this.bits = bits;
    this.protocolMax = protocolMax;
  }

  public String yamlName() {
    return yamlName;
  }

  /** True for the one-bit tables (coils, discrete inputs). */
  public boolean isBits() {
    return bits;
  }

  /** The most items one read request may ask for, by the Modbus specification. */
  public int protocolMax() {
    return protocolMax;
  }

  public static List<String> yamlNames() {
    return List.of("coil", "discrete", "input", "holding");
  }

  /** Accepts the YAML names and the usual long spellings (holding-register, discrete-input...). */
  public static Optional<Table> parse(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT).replace('_', '-');
    return switch (t) {
      case "coil", "coils" -> Optional.of(COIL);
      case "discrete", "discrete-input", "discrete-inputs", "di" -> Optional.of(DISCRETE);
      case "input", "input-register", "input-registers", "ir" -> Optional.of(INPUT);
      case "holding", "holding-register", "holding-registers", "hr" -> Optional.of(HOLDING);
      default -> Optional.empty();
    };
  }
}
