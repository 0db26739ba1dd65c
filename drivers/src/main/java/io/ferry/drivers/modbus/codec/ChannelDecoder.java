package io.ferry.drivers.modbus.codec;

import io.ferry.core.Quality;
import io.ferry.core.Sample;
import java.util.Optional;

/** Turns the bytes of one answered {@link ReadRequest} into a channel's sample. Pure. */
public final class ChannelDecoder {
  private ChannelDecoder() {}

  /**
   * The channel's sample, or empty when the value is not a finite number (a float register
   * holding NaN or infinity is not a reading).
   *
   * @param data register bytes (two per register) or packed bits, as the response carried them
   */
  public static Optional<Sample> decode(ModbusChannel c, ReadRequest r, byte[] data, long micros) {
    int index = c.address() - r.start();
    if (c.table().isBits()) {
      return Optional.of(Sample.of(c.id(), micros, RegisterDecoder.coil(data, index) ? 1 : 0));
    }
    return switch (c.type()) {
      case BOOL -> Optional.of(Sample.of(c.id(), micros, RegisterDecoder.bit(data, index, c.bit(), c.order()) ? 1 : 0));
      case STRING -> Optional.of(Sample.text(c.id(), micros, RegisterDecoder.string(data, index, c.count(), c.order()), Quality.GOOD));
      case INT16, UINT16, INT32, UINT32, INT64, UINT64, FLOAT32, FLOAT64 -> {
        double raw = RegisterDecoder.number(data, index, c.type(), c.order());
        double v = raw * c.scale() + c.offset();
        yield Double.isFinite(v) ? Optional.of(Sample.of(c.id(), micros, v)) : Optional.empty();
      }
    };
  }
}
