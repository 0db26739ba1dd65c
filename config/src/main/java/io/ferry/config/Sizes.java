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
}
