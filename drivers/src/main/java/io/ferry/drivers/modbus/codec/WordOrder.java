package io.ferry.drivers.modbus.codec;

/**
 * The order of bytes of a multi-register value as the device sends them, named by where the
 * bytes of the big-endian value {@code A B C D} (A most significant) appear on the wire.
 * For 64-bit values the same pattern extends: ABCD = big-endian, CDAB = registers reversed,
 * BADC = bytes swapped inside each register, DCBA = fully reversed (little-endian).
 * For one-register values only the byte swap matters: BADC and DCBA swap the two bytes.
 */
public enum WordOrder {
  ABCD(false, false),
  CDAB(true, false),
  BADC(false, true),
  DCBA(true, true);

  private final boolean reverseWords;
  private final boolean swapBytes;

  WordOrder(boolean reverseWords, boolean swapBytes) {
    this.reverseWords = reverseWords;
    this.swapBytes = swapBytes;
  }

  public boolean reverseWords() {
    return reverseWords;
  }

  public boolean swapBytes() {
    return swapBytes;
  }
}
