package io.ferry.uplink;

import io.ferry.core.MicroTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** RFC 3339 UTC timestamps with exactly six fraction digits (Ferry keeps microseconds). */
public final class Rfc3339 {
  private static final DateTimeFormatter MICROS =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

  private Rfc3339() {}

  public static String micros(long timeMicros) {
    return MICROS.format(MicroTime.instant(timeMicros));
  }
}
