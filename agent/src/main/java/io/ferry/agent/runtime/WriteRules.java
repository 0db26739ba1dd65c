package io.ferry.agent.runtime;

import io.ferry.config.Durations;
import io.ferry.core.ChannelId;
import io.ferry.core.ChannelSpec;
import io.ferry.core.WriteSpec;
import io.ferry.drivers.spi.WriteRequest;
import io.ferry.drivers.spi.WriteTarget;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Decides, before anything is sent, whether a write may go to the device: the channel exists, its
 * instrument file makes it writable, the value is a number (or true/false) its encoding can hold,
 * inside the channel's {@code min}/{@code max}, and the channel's {@code maxRate} leaves room.
 * Pure: the caller passes what it knows and the time.
 */
final class WriteRules {
  private WriteRules() {}

  /** Why a write was refused before sending; each is the outcome {@code rejected}. */
  enum Refusal {
    UNKNOWN_CHANNEL, NOT_WRITABLE, WRONG_TYPE, OUT_OF_RANGE, RATE_EXCEEDED
  }

  sealed interface Decision {
    /** Allowed: send this request. */
    record Send(WriteRequest request) implements Decision {}

    /** Refused, nothing sent; {@code reason} in the operator's words. */
    record Refused(Refusal refusal, String reason) implements Decision {}
  }

  /**
   * @param spec the channel's spec, empty when no instrument has this channel
   * @param target how its driver writes it, empty when the driver cannot
   * @param recentSends times of writes already sent to this channel (any order), for {@code maxRate}
   */
  static Decision decide(ChannelId channel, String text, Optional<ChannelSpec> spec, Optional<WriteTarget> target,
      List<Instant> recentSends, Instant now) {
    if (spec.isEmpty()) {
      return new Decision.Refused(Refusal.UNKNOWN_CHANNEL, "no channel " + channel + " in the configuration");
    }
    if (spec.get().write().isEmpty() || target.isEmpty()) {
      return new Decision.Refused(Refusal.NOT_WRITABLE, "channel " + channel
          + " is not writable (its instrument file has no write: key for it)");
    }
    WriteSpec rules = spec.get().write().get();
    OptionalDouble parsed = parse(text);
    if (parsed.isEmpty()) {
      return new Decision.Refused(Refusal.WRONG_TYPE, "\"" + text + "\" is not a number (nor true or false); "
          + channel + " is " + target.get().domain().type());
    }
    double value = parsed.getAsDouble();
    if (!rules.inRange(value)) {
      return new Decision.Refused(Refusal.OUT_OF_RANGE, plain(value) + " is outside the range allowed for " + channel + " ("
          + range(rules) + ")");
    }
    Optional<String> encoding = target.get().domain().refusal(value);
    if (encoding.isPresent()) {
      return new Decision.Refused(Refusal.WRONG_TYPE, channel + ": " + encoding.get());
    }
    if (rules.maxRate().isPresent()) {
      WriteSpec.Rate rate = rules.maxRate().get();
      Instant windowStart = now.minus(rate.per());
      List<Instant> inWindow = recentSends.stream().filter(t -> t.isAfter(windowStart) && !t.isAfter(now)).sorted().toList();
      if (inWindow.size() >= rate.count()) {
        Instant next = inWindow.get(inWindow.size() - rate.count()).plus(rate.per());
        return new Decision.Refused(Refusal.RATE_EXCEEDED, channel + " takes at most " + rate.count() + " write"
            + (rate.count() == 1 ? "" : "s") + " per " + Durations.format(rate.per()) + "; the next is allowed at " + next);
      }
    }
    return new Decision.Send(new WriteRequest(channel, value));
  }

  /** A number, or true/false/on/off (1/0); empty for anything else, including NaN and infinity. */
  static OptionalDouble parse(String text) {
    if (text == null) {
      return OptionalDouble.empty();
    }
    String t = text.trim().toLowerCase(Locale.ROOT);
    switch (t) {
      case "true", "on" -> {
        return OptionalDouble.of(1);
      }
      case "false", "off" -> {
        return OptionalDouble.of(0);
      }
      default -> { }
    }
    if (!t.matches("[-+]?(\\d+(\\.\\d*)?|\\.\\d+)(e[-+]?\\d+)?")) {
      return OptionalDouble.empty();
    }
    double v = Double.parseDouble(t);
    return Double.isFinite(v) ? OptionalDouble.of(v) : OptionalDouble.empty();
  }

  private static String range(WriteSpec rules) {
    boolean low = rules.min() != Double.NEGATIVE_INFINITY;
    boolean high = rules.max() != Double.POSITIVE_INFINITY;
    if (low && high) {
      return plain(rules.min()) + " to " + plain(rules.max());
    }
    return low ? "at least " + plain(rules.min()) : "at most " + plain(rules.max());
  }

  static String plain(double v) {
    return BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
  }
}
