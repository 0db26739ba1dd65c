package io.ferry.drivers.modbus.codec;

import java.nio.ByteBuffer;

/** Pure decoding of raw register bytes (as they came off the wire, two bytes per register). */
public final class RegisterDecoder {
  private RegisterDecoder() {}

  /** Puts {@code n} registers starting at register {@code offset} of {@code wire} into big-endian (ABCD) order. */
  public static byte[] canonical(byte[] wire, int offset, int n, WordOrder order) {
    byte[] out = new byte[n * 2];
    for (int i = 0; i < n; i++) {
      int src = order.reverseWords() ? offset + n - 1 - i : offset + i;
      byte hi = wire[src * 2];
      byte lo = wire[src * 2 + 1];
      if (order.swapBytes()) {
        out[i * 2] = lo;
        out[i * 2 + 1] = hi;
      } else {
        out[i * 2] = hi;
        out[i * 2 + 1] = lo;
      }
    }
    return out;
  }

  /**
   * Decodes a numeric type to a double (uint64 above 2^53 loses precision, as any double does).
   * {@code offset} counts registers into {@code wire}.
   */
  public static double number(byte[] wire, int offset, DataType type, WordOrder order) {
    byte[] b = canonical(wire, offset, type.registers(), order);
    ByteBuffer bb = ByteBuffer.wrap(b);
    return switch (type) {
      case INT16 -> bb.getShort();
      case UINT16 -> bb.getShort() & 0xFFFF;
      case INT32 -> bb.getInt();
      case UINT32 -> bb.getInt() & 0xFFFF_FFFFL;
      case INT64 -> (double) bb.getLong();
      case UINT64 -> unsigned64(bb.getLong());
      case FLOAT32 -> bb.getFloat();
      case FLOAT64 -> bb.getDouble();
      case BOOL, STRING -> throw new IllegalArgumentException(type + " is not a number");
    };
  }

  /** Bit {@code bit} (0 = least significant) of the 16-bit register at {@code offset}, read as sent (ABCD). */
  public static boolean bit(byte[] wire, int offset, int bit, WordOrder order) {
    byte[] b = canonical(wire, offset, 1, order);
    int v = ((b[0] & 0xFF) << 8) | (b[1] & 0xFF);
    return (v >> bit & 1) == 1;
  }

  /** ASCII text of {@code n} registers; stops at the first NUL and trims trailing spaces. */
  public static String string(byte[] wire, int offset, int n, WordOrder order) {
    byte[] b = canonical(wire, offset, n, order);
    int len = 0;
    while (len < b.length && b[len] != 0) {
      len++;
    }
    StringBuilder sb = new StringBuilder(len);
    for (int i = 0; i < len; i++) {
      int c = b[i] & 0xFF;
      sb.append(c >= 0x20 && c < 0x7F ? (char) c : '\uFFFD');
    }
    int end = sb.length();
    while (end > 0 && sb.charAt(end - 1) == ' ') {
      end--;
    }
    return sb.substring(0, end);
  }

  /** Bit {@code index} of a coil/discrete response (LSB of the first byte is the first bit). */
  public static boolean coil(byte[] bits, int index) {
    return (bits[index / 8] >> (index % 8) & 1) == 1;
  }

  private static double unsigned64(long v) {
    double d = (double) (v >>> 1) * 2.0;
    return d + (v & 1L);
  }

  /** Encodes big-endian bytes into the wire order (the inverse of {@link #canonical}); tests and the probe use it. */
  public static byte[] toWire(byte[] canonical, WordOrder order) {
    // Reversing the words and swapping the bytes of each are both their own inverse (and commute),
    // so encoding is the same rearrangement as decoding.
    return canonical(canonical, 0, canonical.length / 2, order);
  }
}
