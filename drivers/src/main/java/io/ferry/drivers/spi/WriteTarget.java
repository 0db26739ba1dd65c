package io.ferry.drivers.spi;

import io.ferry.core.ChannelId;
import java.math.BigDecimal;
import java.util.Objects;
import java.util.Optional;

/**
 * How a driver writes one writable channel, known at plan time: the values its encoding can hold
 * and the request it sends, for {@code ferry plan}.
 *
 * @param request the request in words, for example {@code write holding:10 (16, 2 registers, float32 CDAB)}
 */
public record WriteTarget(ChannelId channel, Domain domain, String request) {
  public WriteTarget {
    Objects.requireNonNull(channel, "channel");
    Objects.requireNonNull(domain, "domain");
    Objects.requireNonNull(request, "request");
  }

  /**
   * The values a channel's encoding can hold, in the channel's unit: from {@code low} to
   * {@code high} and, when {@code step} is positive, only {@code origin + k * step} (a whole
   * register scaled by 0.1 holds tenths).
   *
   * @param type the encoding in words for messages (int16, float32, coil)
   */
  public record Domain(String type, double low, double high, double step, double origin) {
    public Domain {
      Objects.requireNonNull(type, "type");
      if (!(low <= high) || !(step >= 0) || !Double.isFinite(origin)) {
        throw new IllegalArgumentException("bad value domain " + low + ".." + high + " step " + step);
      }
    }

    /** Any finite number (a float64 register, an OPC UA Double, a command template). */
    public static Domain anyNumber(String type) {
      return new Domain(type, -Double.MAX_VALUE, Double.MAX_VALUE, 0, 0);
    }

    /** 0 or 1 (a coil, a Boolean node). */
    public static Domain bool(String type) {
      return new Domain(type, 0, 1, 1, 0);
    }

    /** Why {@code value} cannot be written with this encoding, in words; empty when it can. */
    public Optional<String> refusal(double value) {
      if (!Double.isFinite(value)) {
        return Optional.of(type + " takes a finite number");
      }
      if (value < low || value > high) {
        return Optional.of(step == 1 && low == 0 && high == 1
            ? type + " takes 0 or 1 (false or true), got " + plain(value)
            : type + " holds " + plain(low) + " to " + plain(high) + ", got " + plain(value));
      }
      if (step > 0) {
        double k = (value - origin) / step;
        if (Math.abs(k - Math.rint(k)) > 1e-9 * Math.max(1, Math.abs(k))) {
          return Optional.of(type + " holds steps of " + plain(step) + (origin == 0 ? "" : " from " + plain(origin)) + ", got " + plain(value));
        }
      }
      return Optional.empty();
    }

    private static String plain(double v) {
      if (Math.abs(v) >= 1e15 || (v != 0 && Math.abs(v) < 1e-9)) {
        return Double.toString(v);
      }
      return BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }
  }
}
