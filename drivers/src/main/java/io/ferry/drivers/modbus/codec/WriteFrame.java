package io.ferry.drivers.modbus.codec;

import java.util.HexFormat;
import java.util.Objects;

/**
 * One planned write request: function code 5 (one coil), 6 (one register), 15 (coils) or 16
 * (registers) at {@code address}, with {@code data} as it goes on the wire: register bytes in the
 * channel's word order (two per register), or for coils the packed bits (function 15) or one
 * byte 0/1 (function 5).
 */
public record WriteFrame(int functionCode, int address, int count, byte[] data) {
  public WriteFrame {
    Objects.requireNonNull(data, "data");
    if (functionCode != 5 && functionCode != 6 && functionCode != 15 && functionCode != 16) {
      throw new IllegalArgumentException("not a write function code: " + functionCode);
    }
    if (address < 0 || count < 1 || address + count > 65536) {
      throw new IllegalArgumentException("write " + address + "+" + count + " out of range");
    }
    data = data.clone();
  }

  @Override
  public byte[] data() {
    return data.clone();
  }

  /** The register value of function 6 (big-endian, as on the wire). */
  public int register() {
    return ((data[0] & 0xFF) << 8) | (data[1] & 0xFF);
  }

  /** {@code fc16 holding:10 2 registers [41 2A 00 00]} */
  public String describe() {
    String table = functionCode == 5 || functionCode == 15 ? "coil" : "holding";
    String unit = functionCode == 5 || functionCode == 15 ? (count == 1 ? "coil" : "coils") : (count == 1 ? "register" : "registers");
    return "fc" + functionCode + " " + table + ":" + address + " " + count + " " + unit + " [" + HexFormat.ofDelimiter(" ").withUpperCase()
        .formatHex(data) + "]";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof WriteFrame w && w.functionCode == functionCode && w.address == address && w.count == count
        && java.util.Arrays.equals(w.data, data);
  }

  @Override
  public int hashCode() {
    return Objects.hash(functionCode, address, count, java.util.Arrays.hashCode(data));
  }

  @Override
  public String toString() {
    return describe();
  }
}
