package io.ferry.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsAndSizesTest {
  @ParameterizedTest
  @CsvSource({"500ms,500000000", "5s,5000000000", "1m,60000000000", "1.5s,1500000000", "1m30s,90000000000", "250us,250000", "1d,86400000000000", "2h,7200000000000"})
  void parsesDurations(String text, long nanos) {
    assertThat(Durations.parse(text)).contains(Duration.ofNanos(nanos));
  }

  @ParameterizedTest
  @ValueSource(strings = {"5", "", "s", "5 sec", "-1s", "1m30", "fast"})
  void rejectsDurationsWithoutAUnitOrWithJunk(String text) {
    assertThat(Durations.parse(text)).isEmpty();
  }

  @ParameterizedTest
  @CsvSource({"4096,4096", "512MiB,536870912", "2GiB,2147483648", "10MB,10000000", "1KiB,1024", "64 mib,67108864"})
  void parsesSizes(String text, long bytes) {
    assertThat(Sizes.parse(text)).hasValue(bytes);
  }

  @Test
  void rejectsBadSizes() {
    assertThat(Sizes.parse("lots")).isEmpty();
    assertThat(Sizes.parse("5 PB")).isEmpty();
  }

  @Test
  void formatsDurationsShortly() {
    assertThat(Durations.format(Duration.ofMillis(100))).isEqualTo("100ms");
    assertThat(Durations.format(Duration.ofSeconds(90))).isEqualTo("1m30s");
    assertThat(Durations.format(Duration.ofDays(1))).isEqualTo("1d");
  }

  /** The one human form of ages and estimates: two largest units, whole seconds, never negative. */
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "-5000|0s", "0|0s", "999|0s", "45000|45s", "59999|59s", "60000|1m 0s", "90000|1m 30s", "725000|12m 5s",
      "3599000|59m 59s", "3600000|1h 0m", "3601000|1h 0m", "12000000|3h 20m", "86399000|23h 59m",
      "86400000|1d 0h", "187200000|2d 4h", "8640000000|100d 0h"})
  void formatsAgesForPeople(long millis, String human) {
    assertThat(Durations.human(Duration.ofMillis(millis))).isEqualTo(human);
  }

  @Test
  void didYouMeanFindsTyposOnly() {
    assertThat(DidYouMean.closest("flaot32", List.of("float32", "float64", "int32"))).contains("float32");
    assertThat(DidYouMean.closest("banana", List.of("float32", "int16"))).isEmpty();
  }
}
