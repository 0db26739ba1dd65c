package io.ferry.drivers.modbus.codec;

import java.util.List;

/** One planned read: {@code count} items of {@code table} from {@code start}, serving {@code channels}. */
public record ReadRequest(Table table, int start, int count, List<ModbusChannel> channels) {
  public ReadRequest {
    channels = List.copyOf(channels);
    if (count < 1 || start < 0 || start + count > 65536) {
      throw new IllegalArgumentException("bad request " + table + " " + start + "+" + count);
    }
  }

  public int end() {
    return start + count;
  }

  /** Items read that no channel uses (the price of merging across gaps). */
  public int unused() {
    boolean[] used = new boolean[count];
    for (ModbusChannel c : channels) {
      for (int a = c.address(); a < c.end(); a++) {
        used[a - start] = true;
      }
    }
    int n = 0;
    for (boolean u : used) {
      n += u ? 0 : 1;
    }
    return n;
  }

  /** {@code holding 0..9 (10 registers)}, or {@code holding 0..9 (10 registers, 3 unused)} when it reads across gaps. */
  public String describe() {
    String unit = table.isBits() ? (count == 1 ? "bit" : "bits") : (count == 1 ? "register" : "registers");
    int gap = channels.isEmpty() ? 0 : unused();
    return table.yamlName() + " " + start + ".." + (end() - 1) + " (" + count + " " + unit + (gap > 0 ? ", " + gap + " unused" : "")
        + ")";
  }
}
