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

  /**
   * Ages and estimates for people reading status, logs and pages, to the second and in the two
   * largest units: {@code 0s}, {@code 45s}, {@code 12m 5s}, {@code 3h 20m}, {@code 2d 4h}; negative
   * durations read {@code 0s}. The one form every command and page uses (the status page's script
   * mirrors it); unlike {@link #format} it rounds, so it never stands for a configured value.
   */
  public static String human(Duration d) {
    long s = Math.max(0, d.toSeconds());
    if (s < 60) {
      return s + "s";
    }
    if (s < 3600) {
      return s / 60 + "m " + s % 60 + "s";
    }
    if (s < 86_400) {
      return s / 3600 + "h " + s % 3600 / 60 + "m";
    }
    return s / 86_400 + "d " + s % 86_400 / 3600 + "h";
  }

  /**
   * A configured duration, exactly and in the syntax {@link #parse} reads back: {@code 100ms},
   * {@code 5s}, {@code 1m30s}; for messages that name a value the operator wrote or may write.
   */
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
