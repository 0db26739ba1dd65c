package io.ferry.drivers.modbus.codec;

/**
 * What the planner may merge.
 *
 * @param maxRegisters registers per request (the protocol allows 125; some devices fewer)
 * @param maxBits coils or discrete inputs per request (the protocol allows 2000)
 * @param maxGap unused registers a merged read may span between two channels
 * @param maxBitGap unused bits a merged read may span
 * @param merge false reads every channel with a request of its own (for devices that cannot take more)
 */
public record PlannerLimits(int maxRegisters, int maxBits, int maxGap, int maxBitGap, boolean merge) {
  public static final PlannerLimits DEFAULT = new PlannerLimits(125, 2000, 10, 64, true);

  public PlannerLimits(int maxRegisters, int maxBits, int maxGap, int maxBitGap) {
    this(maxRegisters, maxBits, maxGap, maxBitGap, true);
  }

  public PlannerLimits {
    if (maxRegisters < 1 || maxRegisters > 125) {
      throw new IllegalArgumentException("maxRegisters must be 1..125");
    }
    if (maxBits < 1 || maxBits > 2000) {
      throw new IllegalArgumentException("maxBits must be 1..2000");
    }
    if (maxGap < 0 || maxBitGap < 0) {
      throw new IllegalArgumentException("gaps must be >= 0");
    }
  }

  int cap(Table t) {
    return t.isBits() ? maxBits : maxRegisters;
  }

  int gap(Table t) {
    return t.isBits() ? maxBitGap : maxGap;
  }
}
