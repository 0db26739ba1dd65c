package io.ferry.drivers.modbus;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class BackoffTest {
  @Test
  void doublesFromInitialUpToTheCapAndResetsOnSuccess() {
    Backoff b = Backoff.of(Duration.ofSeconds(1), Duration.ofSeconds(10));
    Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
    assertThat(b.allows(t0)).isTrue();
    b = b.failed(t0);
    assertThat(b.notBefore()).isEqualTo(t0.plusSeconds(1));
    assertThat(b.allows(t0.plusMillis(999))).isFalse();
    assertThat(b.allows(t0.plusSeconds(1))).isTrue();
    assertThat(b.delayAfter(2)).isEqualTo(Duration.ofSeconds(2));
    assertThat(b.delayAfter(3)).isEqualTo(Duration.ofSeconds(4));
    assertThat(b.delayAfter(4)).isEqualTo(Duration.ofSeconds(8));
    assertThat(b.delayAfter(5)).isEqualTo(Duration.ofSeconds(10));
    assertThat(b.delayAfter(500)).isEqualTo(Duration.ofSeconds(10));
    b = b.failed(t0).failed(t0);
    assertThat(b.failures()).isEqualTo(3);
    assertThat(b.notBefore()).isEqualTo(t0.plusSeconds(4));
    b = b.succeeded();
    assertThat(b.failures()).isZero();
    assertThat(b.allows(t0)).isTrue();
  }
}
