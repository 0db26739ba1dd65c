package io.ferry.drivers.modbus;

import io.ferry.drivers.modbus.codec.ModbusChannel;
import io.ferry.drivers.modbus.codec.RegisterEncoder;
import io.ferry.drivers.spi.WriteTarget;
import java.util.Objects;

/**
 * One writable Modbus channel: the channel (its read codec is its write codec) and whether the
 * device takes only function 16/15 ({@code write: {multiple: true}}) even for one register or coil.
 */
record ModbusWrite(ModbusChannel channel, boolean multiple) {
  ModbusWrite {
    Objects.requireNonNull(channel, "channel");
    if (RegisterEncoder.unwritable(channel).isPresent()) {
      throw new IllegalArgumentException(channel.id() + ": " + RegisterEncoder.unwritable(channel).get());
    }
  }

  WriteTarget target() {
    return new WriteTarget(channel.id(), RegisterEncoder.domain(channel), RegisterEncoder.describe(channel, multiple));
  }
}
