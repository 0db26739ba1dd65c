package io.ferry.config;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses durations written as a number and a unit: {@code 250us 500ms 5s 1.5m 2h 1d}, or combined {@code 1m30s}. */
public final class Durations {
  private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(us|ms|s|m|h|d)");

  private Durations() {}

  public static Optional<Duration> parse(String text) {
    if (text == null) {
      return Optional.empty();
    }
    String t = text.trim();
    if (t.isEmpty()) {
      return Optional.empty();
    }
    Matcher m = PART.matcher(t);
    int pos = 0;
    double nanos = 0;
    while (m.find() && m.start() == pos) {
      double n = Double.parseDouble(m.group(1));
      nanos += n * switch (m.group(2)) {
        case "us" -> 1e3;
        case "ms" -> 1e6;
        case "s" -> 1e9;
        case "m" -> 60e9;
        case "h" -> 3600e9;
        default -> 86400e9;
      };
      pos = m.end();
    }
    if (pos != t.length() || pos == 0 || nanos > Long.MAX_VALUE) {
      return Optional.empty();
    }
    return Optional.of(Duration.ofNanos(Math.round(nanos)));
  }

  /** Short human form: {@code 100ms}, {@code 5s}, {@code 1m30s}. */
  public static String format(Duration d) {
    long ms = d.toMillis();
    if (ms == 0 && !d.isZero()) {
      return d.toNanos() / 1000 + "us";
    }
    if (ms < 1000 || ms % 1000 != 0) {
      return ms + "ms";
    }
    long s = ms / 1000;
    StringBuilder sb = new StringBuilder();
    long[] units = {86400, 3600, 60, 1};
    String[] names = {"d", "h", "m", "s"};
    for (int i = 0; i < units.length; i++) {
      if (s >= units[i]) {
        sb.append(s / units[i]).append(names[i]);
        s %= units[i];
      }
    }
    return sb.toString();
  }
}
