package io.ferry.uplink;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.core.MicroTime;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class Rfc3339Test {
  /** What the digit-by-digit path must print: the JDK's formatter with the same pattern. */
  static final DateTimeFormatter REFERENCE =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

  @ParameterizedTest
  @CsvSource({
    "0, 1970-01-01T00:00:00.000000Z",
    "1, 1970-01-01T00:00:00.000001Z",
    "-1, 1969-12-31T23:59:59.999999Z",
    "1767225600123456, 2026-01-01T00:00:00.123456Z",
    "951782400000000, 2000-02-29T00:00:00.000000Z",
    "-62167219200000000, 0000-01-01T00:00:00.000000Z",
    "253402300799999999, 9999-12-31T23:59:59.999999Z",
  })
  void formatsUtcWithSixFractionDigits(long micros, String expected) {
    assertThat(Rfc3339.micros(micros)).isEqualTo(expected);
  }

  @Test
  void outsideYearsZeroTo9999ItPrintsWhatTheFormatterPrints() {
    long after9999 = 253402300800000000L;
    assertThat(Rfc3339.micros(after9999)).isEqualTo("+10000-01-01T00:00:00.000000Z");
    assertThat(Rfc3339.micros(-62167219200000001L)).isEqualTo(REFERENCE.format(MicroTime.instant(-62167219200000001L)));
  }

  @Test
  void agreesWithTheFormatterOnRandomTimes() {
    SplittableRandom random = new SplittableRandom(3339);
    long lo = Instant.parse("0000-01-01T00:00:00Z").getEpochSecond() * 1_000_000L;
    long hi = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond() * 1_000_000L;
    for (int i = 0; i < 100_000; i++) {
      long t = random.nextLong(lo, hi);
      assertThat(Rfc3339.micros(t)).as("%d", t).isEqualTo(REFERENCE.format(MicroTime.instant(t)));
    }
  }
}
