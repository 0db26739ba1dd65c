package io.ferry.drivers.opcua;

import java.time.Duration;

/** Exponential reconnect delays: {@code min}, 2×min, 4×min … capped at {@code max}. Pure. */
public record Backoff(Duration min, Duration max) {
  /** The delay before attempt {@code failures + 1}, after {@code failures} consecutive failures (≥ 1). */
  public Duration delay(int failures) {
    if (failures <= 0) {
      return Duration.ZERO;
    }
    int shift = Math.min(failures - 1, 30);
    long millis = min.toMillis() << shift;
    return millis <= 0 || millis > max.toMillis() ? max : Duration.ofMillis(millis);
  }
}
