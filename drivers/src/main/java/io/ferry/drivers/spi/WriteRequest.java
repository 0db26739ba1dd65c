package io.ferry.drivers.spi;

import io.ferry.core.ChannelId;
import java.util.Objects;

/**
 * One value to write to one channel, already allowed by the channel's {@code write:} rules (range,
 * type, rate): a driver only sends it.
 *
 * @param value in the channel's unit, as its samples are (a driver applies its scale and encoding)
 */
public record WriteRequest(ChannelId channel, double value) {
  public WriteRequest {
    Objects.requireNonNull(channel, "channel");
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException("a written value must be a finite number");
    }
  }
}
