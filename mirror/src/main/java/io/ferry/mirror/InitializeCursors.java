package io.ferry.mirror;

import java.time.Duration;
import java.util.regex.Pattern;

/** The API's {@code initializeCursors} values: {@code now} or {@code N[w|d|h|m]-ago}. Pure. */
public final class InitializeCursors {
  private static final Pattern AGO = Pattern.compile("[1-9][0-9]{0,8}[wdhm]-ago");
  /** The API retains updates for about 7 days; asking further back only returns the same. */
  static final Duration MAX_AGE = Duration.ofDays(7);

  private InitializeCursors() {}

  public static boolean isValid(String v) {
    return v.equals("now") || AGO.matcher(v).matches();
  }

  /** How far back a valid value reaches ({@code now} is zero). */
  public static Duration age(String v) {
    if (v.equals("now")) {
      return Duration.ZERO;
    }
    long n = Long.parseLong(v.substring(0, v.length() - 5));
    return switch (v.charAt(v.length() - 5)) {
      case 'w' -> Duration.ofDays(7 * n);
      case 'd' -> Duration.ofDays(n);
      case 'h' -> Duration.ofHours(n);
      default -> Duration.ofMinutes(n);
    };
  }

  /**
   * A value that starts the stream at least {@code age} ago, in whole minutes rounded up and capped
   * at 7 days (the API's retention), so a re-initialized cursor never skips an update.
   */
  public static String ago(Duration age) {
    Duration a = age.isNegative() ? Duration.ZERO : age;
    if (a.compareTo(MAX_AGE) >= 0) {
      return MAX_AGE.toMinutes() + "m-ago";
    }
    long minutes = Math.max(1, (a.toSeconds() + 59) / 60);
    return minutes + "m-ago";
  }
}
