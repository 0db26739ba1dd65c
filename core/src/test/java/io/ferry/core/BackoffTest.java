package io.ferry.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.core.testing.FixedRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BackoffTest {
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  @ParameterizedTest(name = "after {0} failures wait {1} ms")
  @CsvSource({"0, 0", "-1, 0", "1, 500", "2, 1000", "3, 2000", "5, 8000", "6, 10000", "60, 10000", "2147483647, 10000"})
  void withoutJitterDoublesUpToTheCap(int failures, long millis) {
    Backoff b = Backoff.of(Duration.ofMillis(500), Duration.ofSeconds(10));
    assertThat(b.step(failures)).isEqualTo(Duration.ofMillis(millis));
    assertThat(b.delay(failures, new SplittableRandom())).isEqualTo(Duration.ofMillis(millis));
  }

  // The drivers' and uplinks' equal jitter: between half and all of each step.
  @ParameterizedTest(name = "failures={0} random={1} -> {2} ms")
  @CsvSource(textBlock = """
      1,   0.0,   1000
      1,   0.5,   750
      1,   0.999, 501
      2,   0.0,   2000
      4,   0.0,   8000
      4,   0.999, 4004
      8,   0.0,   120000
      8,   0.999, 60060
      9,   0.5,   90000
      100, 0.0,   120000
      100, 0.999, 60060
      """)
  void equalJitterLiesBetweenHalfAndAllOfTheStep(int failures, double random, long expectedMs) {
    Backoff b = Backoff.of(Duration.ofSeconds(1), Duration.ofMinutes(2)).withJitter(Backoff.EQUAL_JITTER);
    assertThat(b.delay(failures, FixedRandom.of(random))).isEqualTo(Duration.ofMillis(expectedMs));
  }

  @Test
  void jitteredDelaysStayWithinTheirStepForAnyRandomness() {
    Backoff b = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60), Backoff.EQUAL_JITTER);
    SplittableRandom r = new SplittableRandom(1);
    for (int failures = 1; failures < 14; failures++) {
      long ceiling = Math.min(60_000, 1000L << (failures - 1));
      assertThat(b.delay(failures, r).toMillis()).isBetween(ceiling / 2, ceiling);
    }
    assertThat(b.delay(1000, r).toMillis()).isBetween(30_000L, 60_000L);
  }

  // A small jitter: 1 s doubling to 60 s, up to 20% shorter.
  @ParameterizedTest
  @CsvSource({
      // failures, random, min ms, max ms
      "1, 0.0, 1000, 1000",
      "1, 0.99, 800, 1000",
      "2, 0.5, 1800, 1800",
      "6, 0.0, 32000, 32000",
      "7, 0.0, 60000, 60000",
      "50, 0.99, 48000, 60000",
  })
  void aSmallJitterShortensBySomeOfTheStep(int failures, double random, long min, long max) {
    Backoff b = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60), 0.2);
    assertThat(b.delay(failures, Optional.empty(), FixedRandom.of(random)).toMillis()).isBetween(min, max);
  }

  @Test
  void retryAfterIsFollowedExactlyButCapped() {
    Backoff b = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60), 0.2);
    assertThat(b.delay(5, Optional.of(Duration.ofSeconds(3)), FixedRandom.of(0.9))).isEqualTo(Duration.ofSeconds(3));
    assertThat(b.delay(1, Optional.of(Duration.ofMinutes(5)), FixedRandom.of(0))).isEqualTo(Duration.ofMinutes(5));
    assertThat(b.delay(1, Optional.of(Duration.ofDays(1)), FixedRandom.of(0))).isEqualTo(RetryAfter.CAP);
  }

  @Test
  void stateDoublesFromInitialUpToTheCapAndResetsOnSuccess() {
    Backoff.State b = Backoff.of(Duration.ofSeconds(1), Duration.ofSeconds(10)).start();
    assertThat(b.allows(T0)).isTrue();
    assertThat(b.lastStep()).isEqualTo(Duration.ZERO);
    b = b.failed(T0);
    assertThat(b.notBefore()).isEqualTo(T0.plusSeconds(1));
    assertThat(b.allows(T0.plusMillis(999))).isFalse();
    assertThat(b.allows(T0.plusSeconds(1))).isTrue();
    b = b.failed(T0).failed(T0);
    assertThat(b.failures()).isEqualTo(3);
    assertThat(b.notBefore()).isEqualTo(T0.plusSeconds(4));
    assertThat(b.lastStep()).isEqualTo(Duration.ofSeconds(4));
    b = b.failed(T0).failed(T0).failed(T0);
    assertThat(b.notBefore()).isEqualTo(T0.plusSeconds(10));
    b = b.succeeded();
    assertThat(b.failures()).isZero();
    assertThat(b.allows(T0)).isTrue();
  }

  @Test
  void aJitteredStateDrawsItsWaitFromTheGivenRandomness() {
    Backoff.State b = Backoff.of(Duration.ofSeconds(2), Duration.ofSeconds(10)).withJitter(0.5).start();
    assertThat(b.failed(T0, FixedRandom.of(0.5)).notBefore()).isEqualTo(T0.plusMillis(1500));
    assertThatThrownBy(() -> b.failed(T0)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void rejectsPoliciesThatCannotWork() {
    assertThatThrownBy(() -> Backoff.of(Duration.ZERO, Duration.ofSeconds(1))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Backoff.of(Duration.ofSeconds(2), Duration.ofSeconds(1))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Backoff.of(Duration.ofSeconds(1), Duration.ofSeconds(2)).withJitter(1.5))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
