package io.ferry.drivers.modbus.codec;

import io.ferry.core.ChannelId;
import io.ferry.core.ValueKind;
import java.util.Objects;

/**
 * One validated channel: where it lives and how to decode it.
 *
 * @param bit for a bool read from a register, the bit (0 = least significant); -1 otherwise
 * @param count registers (or bits) the channel occupies
 */
public record ModbusChannel(
    ChannelId id,
    Table table,
    int address,
    DataType type,
    WordOrder order,
    int bit,
    int count,
    double scale,
    double offset,
    ValueKind kind) {

  public ModbusChannel {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(table, "table");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(order, "order");
    Objects.requireNonNull(kind, "kind");
    if (address < 0 || count < 1 || address + count > 65536) {
      throw new IllegalArgumentException(id + ": address " + address + " count " + count + " out of range");
    }
  }

  /** A plain channel (tests, probe): no bit, scale 1, offset 0, gauge. */
  public static ModbusChannel of(String name, Table table, int address, DataType type, WordOrder order, int count) {
    return new ModbusChannel(ChannelId.of("t", name), table, address, type, order, -1, count, 1, 0, ValueKind.GAUGE);
  }

  /** One past the last address used. */
  public int end() {
    return address + count;
  }

  /** {@code holding:10} */
  public String where() {
    return table.yamlName() + ":" + address;
  }
}
