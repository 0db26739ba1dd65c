package io.ferry.drivers.modbus;

import io.ferry.drivers.modbus.codec.DataType;
import io.ferry.drivers.modbus.codec.RegisterDecoder;
import io.ferry.drivers.modbus.codec.Table;
import io.ferry.drivers.modbus.codec.WordOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a technician needs on site: the raw registers and every plausible decoding of them, so
 * the right type and word order can be read off instead of guessed. Pure.
 */
public final class ProbeReport {
  private ProbeReport() {}

  public static List<String> registers(Table table, int start, byte[] wire, int count) {
    List<String> out = new ArrayList<>();
    out.add(String.format(Locale.ROOT, "%-8s %-6s %8s %8s  %s", "address", "hex", "uint16", "int16", "bits 15..0"));
    for (int i = 0; i < count; i++) {
      int v = ((wire[2 * i] & 0xFF) << 8) | (wire[2 * i + 1] & 0xFF);
      String bits = String.format("%16s", Integer.toBinaryString(v)).replace(' ', '0');
      out.add(String.format(Locale.ROOT, "%-8s 0x%04X %8d %8d  %s %s %s %s", table.yamlName() + ":" + (start + i), v, v,
          (short) v, bits.substring(0, 4), bits.substring(4, 8), bits.substring(8, 12), bits.substring(12)));
    }
    if (count >= 2) {
      out.add("");
      out.add("32-bit values (first register, order: int32 / uint32 / float32)");
      for (int i = 0; i + 1 < count; i++) {
        for (WordOrder o : WordOrder.values()) {
          out.add(String.format(Locale.ROOT, "  %-8s %s  %12d  %11d  %s", table.yamlName() + ":" + (start + i), o,
              (long) RegisterDecoder.number(wire, i, DataType.INT32, o), (long) RegisterDecoder.number(wire, i, DataType.UINT32, o),
              num(RegisterDecoder.number(wire, i, DataType.FLOAT32, o))));
        }
      }
    }
    if (count >= 4) {
      out.add("");
      out.add("64-bit values (first register, order: float64 / int64)");
      for (int i = 0; i + 3 < count; i++) {
        for (WordOrder o : WordOrder.values()) {
          out.add(String.format(Locale.ROOT, "  %-8s %s  %s  %d", table.yamlName() + ":" + (start + i), o,
              num(RegisterDecoder.number(wire, i, DataType.FLOAT64, o)), (long) RegisterDecoder.number(wire, i, DataType.INT64, o)));
        }
      }
    }
    out.add("");
    out.add("as text (ABCD): \"" + RegisterDecoder.string(wire, 0, count, WordOrder.ABCD) + "\"   (BADC): \""
        + RegisterDecoder.string(wire, 0, count, WordOrder.BADC) + "\"");
    return out;
  }

  public static List<String> bits(Table table, int start, byte[] packed, int count) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      out.add(String.format(Locale.ROOT, "%-10s %d", table.yamlName() + ":" + (start + i), RegisterDecoder.coil(packed, i) ? 1 : 0));
    }
    return out;
  }

  private static String num(double v) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      return String.format(Locale.ROOT, "%14s", v);
    }
    double a = Math.abs(v);
    return a != 0 && (a < 1e-4 || a >= 1e9) ? String.format(Locale.ROOT, "%14.6e", v) : String.format(Locale.ROOT, "%14.6f", v);
  }
}
