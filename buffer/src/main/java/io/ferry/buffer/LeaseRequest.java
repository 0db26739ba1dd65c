package io.ferry.buffer;

import java.time.Duration;
import java.util.Objects;

/** Bounds of one lease: at most {@code maxRecords} records and about {@code maxBytes} bytes. */
public record LeaseRequest(int maxRecords, long maxBytes, Duration ttl) {
  public LeaseRequest {
    Objects.requireNonNull(ttl, "ttl");
    if (maxRecords < 1) {
      throw new IllegalArgumentException("maxRecords must be >= 1");
    }
    if (maxBytes < 1) {
      throw new IllegalArgumentException("maxBytes must be >= 1");
    }
  }

  public static LeaseRequest of(int maxRecords) {
    return new LeaseRequest(maxRecords, Long.MAX_VALUE, Duration.ofMinutes(1));
  }
}
