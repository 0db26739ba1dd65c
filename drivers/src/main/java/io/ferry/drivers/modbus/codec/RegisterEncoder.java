package io.ferry.drivers.modbus.codec;

import io.ferry.drivers.spi.WriteTarget;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * Pure encoding of a value into the write request of a channel: the inverse of the read codec
 * ({@link RegisterDecoder}, {@link ChannelDecoder}) with the same type, word order, scale and
 * offset, in one request (function 6 for one register, 16 for more, 5 for a coil; 16 and 15 when
 * the device takes only those). Which channels can be written at all is decided here too.
 */
public final class RegisterEncoder {
  private RegisterEncoder() {}

  /** Why the channel cannot be written, in words; empty when it can. */
  public static Optional<String> unwritable(ModbusChannel c) {
    return switch (c.table()) {
      case INPUT, DISCRETE -> Optional.of(c.table().yamlName() + " registers are read-only in Modbus; only holding registers and coils can be written");
      case COIL -> Optional.empty();
      case HOLDING -> c.type() == DataType.STRING ? Optional.of("a string channel cannot be written")
          : c.bit() >= 0 ? Optional.of("a single bit of a holding register cannot be written without changing the other bits of the register")
          : Optional.empty();
    };
  }

  /**
   * The values the channel's encoding can hold, in the channel's unit: the raw range of the type
   * through scale and offset, in steps of the scale for whole-number types.
   */
  public static WriteTarget.Domain domain(ModbusChannel c) {
    if (c.table() == Table.COIL) {
      return WriteTarget.Domain.bool("coil");
    }
    String type = c.type().name().toLowerCase(java.util.Locale.ROOT)
        + (c.scale() == 1 && c.offset() == 0 ? "" : " (scale " + plain(c.scale()) + (c.offset() == 0 ? "" : ", offset " + plain(c.offset())) + ")");
    double lo;
    double hi;
    boolean whole = true;
    switch (c.type()) {
      case INT16 -> { lo = Short.MIN_VALUE; hi = Short.MAX_VALUE; }
      case UINT16 -> { lo = 0; hi = 65535; }
      case INT32 -> { lo = Integer.MIN_VALUE; hi = Integer.MAX_VALUE; }
      case UINT32 -> { lo = 0; hi = 4294967295.0; }
      case INT64 -> { lo = -0x1p63; hi = 0x1p63 - 1024; } // the largest doubles below 2^63
      case UINT64 -> { lo = 0; hi = 0x1p64 - 2048; }
      case FLOAT32 -> { lo = -Float.MAX_VALUE; hi = Float.MAX_VALUE; whole = false; }
      default -> { lo = -Double.MAX_VALUE; hi = Double.MAX_VALUE; whole = false; }
    }
    double a = lo * c.scale() + c.offset();
    double b = hi * c.scale() + c.offset();
    return new WriteTarget.Domain(type, Math.min(a, b), Math.max(a, b), whole ? Math.abs(c.scale()) : 0, whole ? c.offset() : 0);
  }

  /**
   * The request that writes {@code value} (in the channel's unit) to the channel. The value must
   * lie in {@link #domain}; {@code multiple} forces function 16 (or 15 for a coil).
   */
  public static WriteFrame encode(ModbusChannel c, double value, boolean multiple) {
    if (unwritable(c).isPresent()) {
      throw new IllegalArgumentException(c.id() + ": " + unwritable(c).get());
    }
    if (c.table() == Table.COIL) {
      boolean on = value != 0;
      return multiple ? new WriteFrame(15, c.address(), 1, new byte[] {(byte) (on ? 1 : 0)})
          : new WriteFrame(5, c.address(), 1, new byte[] {(byte) (on ? 1 : 0)});
    }
    double raw = (value - c.offset()) / c.scale();
    ByteBuffer bb = ByteBuffer.allocate(c.type().registers() * 2);
    switch (c.type()) {
      case INT16, UINT16 -> bb.putShort((short) Math.round(raw));
      case INT32, UINT32 -> bb.putInt((int) Math.round(raw));
      case INT64 -> bb.putLong(Math.round(raw));
      case UINT64 -> bb.putLong(new BigDecimal(Math.rint(raw)).toBigInteger().longValue());
      case FLOAT32 -> bb.putFloat((float) raw);
      case FLOAT64 -> bb.putDouble(raw);
      case BOOL, STRING -> throw new IllegalArgumentException(c.type() + " is not written as a number");
    }
    byte[] wire = RegisterDecoder.toWire(bb.array(), c.order());
    int n = c.type().registers();
    return new WriteFrame(n == 1 && !multiple ? 6 : 16, c.address(), n, wire);
  }

  /** The value the device holds after the write, as a read decodes it (float32 keeps only float precision). */
  public static double stored(ModbusChannel c, WriteFrame frame) {
    if (c.table() == Table.COIL) {
      return frame.data()[0] != 0 ? 1 : 0;
    }
    return RegisterDecoder.number(frame.data(), 0, c.type(), c.order()) * c.scale() + c.offset();
  }

  /** The request in words without a value, for {@code ferry plan}. */
  public static String describe(ModbusChannel c, boolean multiple) {
    if (c.table() == Table.COIL) {
      return "write " + c.where() + " with function " + (multiple ? "15 (write multiple coils)" : "5 (write single coil)");
    }
    int n = c.type().registers();
    String fc = n == 1 && !multiple ? "6 (write single register)" : "16 (write multiple registers)";
    return "write " + c.where() + " with function " + fc + ", " + n + " register" + (n == 1 ? "" : "s") + " "
        + c.type().name().toLowerCase(java.util.Locale.ROOT) + (n > 1 || c.order() != WordOrder.ABCD ? " " + c.order() : "")
        + (c.scale() == 1 && c.offset() == 0 ? "" : ", raw = (value - " + plain(c.offset()) + ") / " + plain(c.scale()));
  }

  private static String plain(double v) {
    return BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
  }
}
