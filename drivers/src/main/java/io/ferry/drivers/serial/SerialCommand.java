package io.ferry.drivers.serial;

import io.ferry.core.ChannelId;
import java.math.BigDecimal;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How one channel is written to a serial ASCII instrument (its {@code write:} keys
 * {@code command} and {@code reply}): the command template with {@code {value}} in it, and the
 * pattern the whole reply line must match for the write to count as applied. Pure.
 *
 * @param scale the channel's scale and offset: {@code {value}} is the raw value, (value - offset) / scale
 */
record SerialCommand(ChannelId channel, String template, Pattern reply, double scale, double offset) {
  SerialCommand {
    Objects.requireNonNull(channel, "channel");
    Objects.requireNonNull(template, "template");
    Objects.requireNonNull(reply, "reply");
  }

  /** The command for {@code value} (in the channel's unit), without the line ending. */
  String render(double value) {
    double raw = (value - offset) / scale;
    return template.replace("{value}", plain(raw));
  }

  /** True when the instrument's reply line accepts the command. */
  boolean accepts(String line) {
    return reply.matcher(line.trim()).matches();
  }

  /** Plain decimal, no exponent, no trailing zeros: {@code 42.5}, {@code 3}, {@code -0.001}. */
  static String plain(double v) {
    return BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
  }
}
