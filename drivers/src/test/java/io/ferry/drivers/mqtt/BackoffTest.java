package io.ferry.drivers.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BackoffTest {
  private final Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(2));

  @ParameterizedTest(name = "failures={0} random={1} -> {2} ms")
  @CsvSource(textBlock = """
      0,   0.0,   1000
      0,   0.999, 1000
      1,   0.0,   1000
      1,   0.5,   1500
      3,   0.0,   4000
      3,   0.999, 7996
      7,   0.0,   60000
      7,   0.999, 119940
      8,   0.0,   60000
      100, 0.999, 119940
      """)
  void doublesWithEqualJitterBetweenMinAndMax(int failures, double random, long expectedMs) {
    assertThat(backoff.delay(failures, random)).isEqualTo(Duration.ofMillis(expectedMs));
  }
}
