package io.ferry.config;

import java.util.Locale;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses byte sizes: {@code 4096}, {@code 512KiB}, {@code 512MiB}, {@code 2GiB}, {@code 10MB}. */
public final class Sizes {
  private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([KMGT]i?B|B)?", Pattern.CASE_INSENSITIVE);

  private Sizes() {}

  public static OptionalLong parse(String text) {
    if (text == null) {
      return OptionalLong.empty();
    }
    Matcher m = SIZE.matcher(text.trim());
    if (!m.matches()) {
      return OptionalLong.empty();
    }
    double n = Double.parseDouble(m.group(1));
    String unit = m.group(2) == null ? "B" : m.group(2).toUpperCase(Locale.ROOT);
    double factor = switch (unit) {
      case "B" -> 1;
      case "KB" -> 1e3;
      case "MB" -> 1e6;
      case "GB" -> 1e9;
      case "TB" -> 1e12;
      case "KIB" -> 1024d;
      case "MIB" -> 1024d * 1024;
      case "GIB" -> 1024d * 1024 * 1024;
      default -> 1024d * 1024 * 1024 * 1024;
    };
    double bytes = n * factor;
    return bytes > Long.MAX_VALUE ? OptionalLong.empty() : OptionalLong.of(Math.round(bytes));
  }

  /** Short human form: {@code 900 bytes}, {@code 64 KiB}, {@code 1 MiB}, {@code 2.9 GiB}. */
  public static String format(long bytes) {
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    if (bytes < 1024) {
      return bytes + " bytes";
    }
    double v = bytes;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return (v == Math.rint(v) ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.1f", v)) + " " + units[u];
  }
}
