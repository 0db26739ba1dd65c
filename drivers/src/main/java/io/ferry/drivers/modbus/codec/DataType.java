package io.ferry.drivers.modbus.codec;

/** How a channel's registers are turned into a value. */
public enum DataType {
  BOOL(1, false),
  INT16(1, true),
  UINT16(1, true),
  INT32(2, true),
  UINT32(2, true),
  INT64(4, true),
  UINT64(4, true),
  FLOAT32(2, true),
  FLOAT64(4, true),
  /** ASCII text, two characters per register; its length in registers is configured. */
  STRING(0, false);

  private final int registers;
  private final boolean numeric;

  DataType(int registers, boolean numeric) {
    this.registers = registers;
    this.numeric = numeric;
  }

  /** Registers one value occupies (0 for STRING: configured per channel). */
  public int registers() {
    return registers;
  }

  /** True when scale, offset and counters apply. */
  public boolean isNumeric() {
    return numeric;
  }
}
