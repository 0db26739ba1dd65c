package io.ferry.core;

import java.util.Objects;

/**
 * One reading of one channel. {@code timeMicros} is microseconds since the epoch: the source
 * timestamp when the instrument gives one, otherwise the moment the read completed; it is never
 * rewritten afterwards. A numeric sample has {@code text == null}; a text sample (a Modbus string,
 * an OPC UA String node) carries its text and {@code value} is NaN.
 */
public record Sample(ChannelId channel, long timeMicros, double value, String text, Quality quality) {

  public Sample {
    Objects.requireNonNull(channel, "channel");
    Objects.requireNonNull(quality, "quality");
  }

  public static Sample of(ChannelId channel, long timeMicros, double value) {
    return new Sample(channel, timeMicros, value, null, Quality.GOOD);
  }

  public static Sample of(ChannelId channel, long timeMicros, double value, Quality quality) {
    return new Sample(channel, timeMicros, value, null, quality);
  }

  public static Sample text(ChannelId channel, long timeMicros, String text, Quality quality) {
    return new Sample(channel, timeMicros, Double.NaN, Objects.requireNonNull(text, "text"), quality);
  }

  public boolean isText() {
    return text != null;
  }
}
