package io.ferry.core;

import java.time.Duration;
import java.util.Objects;

/**
 * How the buffer turns a {@link ValueKind#COUNTER} or {@link ValueKind#EVENT} channel into
 * increments: per bucket of {@code bucket} (aligned to wall-clock boundaries). For a counter,
 * {@code wrap} is the modulus at which the device counter rolls over (for example 65536 or
 * 4294967296), or 0 when it never wraps; a decrease that is not a wrap is a device reset.
 */
public record CounterSpec(Duration bucket, double wrap) {
  public CounterSpec {
    Objects.requireNonNull(bucket, "bucket");
    if (bucket.compareTo(Duration.ofSeconds(1)) < 0 || bucket.compareTo(Duration.ofDays(1)) > 0) {
      throw new IllegalArgumentException("increment bucket must be between 1s and 1d, got " + bucket);
    }
    if (wrap < 0 || Double.isNaN(wrap) || Double.isInfinite(wrap)) {
      throw new IllegalArgumentException("wrap must be a finite number >= 0, got " + wrap);
    }
  }

  public long bucketMicros() {
    return bucket.toNanos() / 1000;
  }

  public long bucketStart(long timeMicros) {
    return Math.floorDiv(timeMicros, bucketMicros()) * bucketMicros();
  }
}
