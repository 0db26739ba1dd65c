package io.ferry.config;

import io.ferry.core.WriteSpec;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the common keys of a channel's {@code write:} mapping into a {@link WriteSpec}:
 * {@code min}, {@code max}, {@code maxRate} ({@code 1/10s}: one write per ten seconds),
 * {@code verify} ({@code none} or {@code readBack}), {@code tolerance} and {@code kind}
 * ({@code setpoint} or {@code command}). The driver's own keys in the same mapping are read by
 * the driver from the same {@link Fields}. Every problem is reported at its key.
 */
public final class WriteKeys {
  /** {@code 1/10s}, {@code 6/1m}, {@code 2/s}. */
  private static final Pattern RATE = Pattern.compile("\\s*(\\d{1,6})\\s*/\\s*(\\S+)\\s*");
  static final Duration MAX_RATE_WINDOW = Duration.ofDays(1);

  private WriteKeys() {}

  /** The spec, or empty after a reported problem. */
  public static Optional<WriteSpec> read(Fields w) {
    OptionalDouble min = w.number("min");
    OptionalDouble max = w.number("max");
    boolean ok = !(w.has("min") && min.isEmpty()) && !(w.has("max") && max.isEmpty());
    if (min.isPresent() && max.isPresent() && min.getAsDouble() > max.getAsDouble()) {
      w.error("max", "must not be below min (" + min.getAsDouble() + ")");
      ok = false;
    }
    Optional<WriteSpec.Rate> rate = Optional.empty();
    if (w.has("maxRate") && w.node("maxRate").isPresent()) {
      Optional<String> text = w.string("maxRate");
      rate = text.flatMap(WriteKeys::rate);
      if (text.isPresent() && rate.isEmpty()) {
        w.error("maxRate", "expected writes per time such as 1/10s (one write per ten seconds) or 6/1m, got \"" + text.get() + "\"");
      }
      ok &= rate.isPresent();
    }
    Optional<String> verifyWritten = w.choice("verify", List.of("none", "readBack"));
    ok &= !(w.node("verify").isPresent() && verifyWritten.isEmpty());
    String verify = verifyWritten.orElse("none");
    OptionalDouble tolerance = w.number("tolerance");
    if (tolerance.isPresent() && !(tolerance.getAsDouble() >= 0)) {
      w.error("tolerance", "must not be negative, got " + tolerance.getAsDouble());
      ok = false;
    }
    if (tolerance.isPresent() && !verify.equals("readBack")) {
      w.error("tolerance", "only applies with verify: readBack");
      ok = false;
    }
    Optional<WriteSpec.Kind> kind = w.enumValue("kind", WriteSpec.Kind.class);
    ok &= !(w.has("kind") && w.node("kind").isPresent() && kind.isEmpty());
    Optional<WriteSpec.Follow> follow = Optional.empty();
    if (w.node("follow").isPresent()) {
      Optional<Fields> ff = w.object("follow");
      follow = ff.flatMap(WriteKeys::follow);
      ok &= follow.isPresent();
      if (follow.isPresent() && kind.orElse(WriteSpec.Kind.SETPOINT) == WriteSpec.Kind.COMMAND) {
        w.error("follow", "only a setpoint follows a series (a command is a pulse: sending it again on each datapoint would repeat it)");
        ok = false;
      }
    }
    if (!ok) {
      return Optional.empty();
    }
    Optional<Double> readBack = verify.equals("readBack") ? Optional.of(tolerance.orElse(0)) : Optional.empty();
    return Optional.of(new WriteSpec(min.orElse(Double.NEGATIVE_INFINITY), max.orElse(Double.POSITIVE_INFINITY), rate, readBack,
        kind.orElse(WriteSpec.Kind.SETPOINT), follow));
  }

  /**
   * {@code follow: {externalId: boiler-sp, maxAge: 1h, reapply: true}}: the mirrored series, how old
   * its newest datapoint may be, and whether the last one is sent again after the device restarts.
   */
  private static Optional<WriteSpec.Follow> follow(Fields f) {
    Optional<String> id = f.requiredString("externalId");
    Duration maxAge = f.duration("maxAge", Duration.ofHours(1), Duration.ofSeconds(1), Duration.ofDays(365));
    boolean reapply = f.bool("reapply", false);
    return id.map(i -> new WriteSpec.Follow(i, maxAge, reapply));
  }

  /** Parses {@code count/window}; a window without a number ({@code 2/s}) means one unit. */
  static Optional<WriteSpec.Rate> rate(String text) {
    Matcher m = RATE.matcher(text);
    if (!m.matches()) {
      return Optional.empty();
    }
    int count = Integer.parseInt(m.group(1));
    String window = m.group(2);
    Optional<Duration> per = Durations.parse(Character.isDigit(window.charAt(0)) ? window : "1" + window);
    if (count < 1 || per.isEmpty() || per.get().isZero() || per.get().compareTo(MAX_RATE_WINDOW) > 0) {
      return Optional.empty();
    }
    return Optional.of(new WriteSpec.Rate(count, per.get()));
  }

  /** {@code 0 to 80, at most 1/10s, read back within 0.5, setpoint} */
  public static String describe(WriteSpec spec) {
    StringBuilder sb = new StringBuilder();
    sb.append(spec.kind() == WriteSpec.Kind.COMMAND ? "command" : "setpoint");
    boolean low = spec.min() != Double.NEGATIVE_INFINITY;
    boolean high = spec.max() != Double.POSITIVE_INFINITY;
    if (low && high) {
      sb.append(", ").append(number(spec.min())).append(" to ").append(number(spec.max()));
    } else if (low) {
      sb.append(", at least ").append(number(spec.min()));
    } else if (high) {
      sb.append(", at most ").append(number(spec.max()));
    }
    spec.maxRate().ifPresent(r -> sb.append(", no more than ").append(r.describe(Durations.format(r.per()))));
    spec.readBack().ifPresent(t -> sb.append(", read back within ").append(number(t)));
    spec.follow().ifPresent(f -> sb.append(", follows mirrored series ").append(f.externalId()).append(" (datapoints at most ")
        .append(Durations.format(f.maxAge())).append(" old").append(f.reapply() ? ", sent again after the device restarts" : "")
        .append(")"));
    return sb.toString();
  }

  static String number(double v) {
    return java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
  }
}
