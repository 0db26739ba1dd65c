package io.ferry.drivers.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TimestampFormatTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** 2023-11-14T22:13:20Z = 1700000000 s. */
  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(delimiter = '|', textBlock = """
      AUTO     | 1700000000                        | 1700000000000000
      AUTO     | 1700000000.25                     | 1700000000250000
      AUTO     | 1700000000123                     | 1700000000123000
      AUTO     | 1700000000123456                  | 1700000000123456
      AUTO     | "1700000000123"                   | 1700000000123000
      AUTO     | "2023-11-14T22:13:20Z"            | 1700000000000000
      AUTO     | "2023-11-14T23:13:20.5+01:00"     | 1700000000500000
      AUTO     | "2023-11-14 22:13:20.123456z"     | 1700000000123456
      EPOCH_S  | 1700000000                        | 1700000000000000
      EPOCH_S  | "1700000000"                      | 1700000000000000
      EPOCH_MS | 1700000000123                     | 1700000000123000
      EPOCH_MS | 1700000000.5                      | 1700000000500
      EPOCH_US | 1700000000123456                  | 1700000000123456
      RFC3339  | "2023-11-14T22:13:20.000001Z"     | 1700000000000001
      """)
  void readsTimestamps(TimestampFormat format, String json, long micros) throws Exception {
    assertThat(format.micros(JSON.readTree(json))).hasValue(micros);
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(delimiter = '|', textBlock = """
      AUTO     | "yesterday"
      AUTO     | "2023-11-14T22:13:20"
      AUTO     | true
      AUTO     | {"s": 1}
      RFC3339  | 1700000000
      EPOCH_S  | "2023-11-14T22:13:20Z"
      EPOCH_S  | 1e30
      """)
  void refusesWhatItCannotRead(TimestampFormat format, String json) throws Exception {
    assertThat(format.micros(JSON.readTree(json))).isEmpty();
  }
}
