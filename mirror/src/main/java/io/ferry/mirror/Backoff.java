package io.ferry.mirror;

import java.time.Duration;
import java.util.Optional;

/**
 * Delay before repeating a failed request. Pure: exponential from 1 s, doubled per consecutive
 * failure up to 60 s, with up to 20% jitter so a fleet does not retry in step; a server's
 * Retry-After is followed exactly (capped at 15 minutes so a bad header cannot stall the mirror).
 */
public final class Backoff {
  static final Duration FIRST = Duration.ofSeconds(1);
  static final Duration MAX = Duration.ofSeconds(60);
  static final Duration MAX_RETRY_AFTER = Duration.ofMinutes(15);

  private Backoff() {}

  /**
   * @param failures consecutive failures so far, at least 1
   * @param jitter a number in [0, 1)
   */
  public static Duration delay(int failures, Optional<Duration> retryAfter, double jitter) {
    if (retryAfter.isPresent()) {
      // The server knows its load: wait exactly what it asks.
      return retryAfter.get().compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : retryAfter.get();
    }
    int shift = Math.min(Math.max(failures, 1) - 1, 6);
    long ms = Math.min(FIRST.toMillis() << shift, MAX.toMillis());
    ms += (long) (ms * 0.2 * jitter);
    return Duration.ofMillis(ms);
  }
}
