package io.ferry.uplink;

import io.ferry.core.MicroTime;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** RFC 3339 UTC timestamps with exactly six fraction digits (Ferry keeps microseconds). */
public final class Rfc3339 {
  private static final DateTimeFormatter MICROS =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

  private Rfc3339() {}

  /**
   * The time {@code timeMicros} after the epoch, e.g. {@code 2026-01-01T00:00:00.123456Z}. Written
   * digit by digit for years 0 to 9999 (every uplink formats one per record, and the formatter,
   * fraction through BigDecimal, was a third of the jsonl uplink's CPU); others through the formatter.
   */
  public static String micros(long timeMicros) {
    long seconds = Math.floorDiv(timeMicros, 1_000_000L);
    int fraction = (int) Math.floorMod(timeMicros, 1_000_000L);
    long days = Math.floorDiv(seconds, 86_400L);
    int ofDay = (int) Math.floorMod(seconds, 86_400L);
    if (days < -719_528L || days > 2_932_896L) { // outside 0000-01-01 .. 9999-12-31
      return MICROS.format(MicroTime.instant(timeMicros));
    }
    LocalDate date = LocalDate.ofEpochDay(days);
    byte[] out = new byte[27];
    digits(out, 0, date.getYear(), 4);
    out[4] = '-';
    digits(out, 5, date.getMonthValue(), 2);
    out[7] = '-';
    digits(out, 8, date.getDayOfMonth(), 2);
    out[10] = 'T';
    digits(out, 11, ofDay / 3600, 2);
    out[13] = ':';
    digits(out, 14, ofDay / 60 % 60, 2);
    out[16] = ':';
    digits(out, 17, ofDay % 60, 2);
    out[19] = '.';
    digits(out, 20, fraction, 6);
    out[26] = 'Z';
    return new String(out, StandardCharsets.US_ASCII);
  }

  private static void digits(byte[] out, int at, int value, int width) {
    for (int i = at + width - 1; i >= at; i--) {
      out[i] = (byte) ('0' + value % 10);
      value /= 10;
    }
  }
}
