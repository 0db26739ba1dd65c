package io.ferry.uplink.clarify;

import io.ferry.core.Stat;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Maps a series to its Clarify input key. Pure. The template's {@code {instrument}},
 * {@code {channel}} and {@code {stat}} are replaced (templates were checked at plan time against
 * {@link #RAW_PLACEHOLDERS} or {@link #ROLLUP_PLACEHOLDERS}: no other brace reaches here), then every character Clarify does not allow
 * in an input key ({@code ^[a-zA-Z0-9-_:.#+/]{1,128}$}) becomes {@code _}.
 */
public final class InputKeys {
  public static final Pattern ALLOWED = Pattern.compile("[a-zA-Z0-9_:.#+/-]{1,128}");
  public static final String DEFAULT_RAW = "{instrument}.{channel}";
  public static final String DEFAULT_ROLLUP = "{instrument}.{channel}.{stat}";
  /** The placeholders of {@code inputKey} (raw samples have no statistic). */
  public static final List<String> RAW_PLACEHOLDERS = List.of("instrument", "channel");
  /** The placeholders of {@code rollupInputKey}. */
  public static final List<String> ROLLUP_PLACEHOLDERS = List.of("instrument", "channel", "stat");
  private static final Pattern NOT_ALLOWED = Pattern.compile("[^a-zA-Z0-9_:.#+/-]");

  private InputKeys() {}

  public static String key(String template, String instrument, String channel, Stat stat) {
    String text = template.replace("{instrument}", instrument).replace("{channel}", channel)
        .replace("{stat}", stat == null ? "" : stat.name().toLowerCase(Locale.ROOT));
    return sanitize(text);
  }

  /** Replaces every character Clarify does not allow by {@code _}. */
  public static String sanitize(String text) {
    return NOT_ALLOWED.matcher(text).replaceAll("_");
  }

  public static boolean valid(String key) {
    return ALLOWED.matcher(key).matches();
  }
}
