package io.ferry.core;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * The HTTP Retry-After header (RFC 9110 §10.2.3), for every uplink and the mirror. Pure: the
 * current time is passed in to turn an HTTP-date into a delay.
 *
 * <p>Capped at {@link #CAP} (15 minutes). A retry that comes too early costs one request and gets a
 * fresh 429 with a fresh Retry-After; a wait that is too long (a proxy's bogus "86400") holds every
 * sample of that uplink back for as long. The rate limits Ferry meets (GroveStreams, Atomscale,
 * Cognite) ask for seconds to minutes, so 15 minutes bounds the damage of a bad header without
 * ever cutting a real one short by much.
 */
public final class RetryAfter {
  /** The longest wait a server can impose through Retry-After. */
  public static final Duration CAP = Duration.ofMinutes(15);

  private RetryAfter() {}

  /** Delay-seconds or an HTTP-date, capped at {@link #CAP}; a date in the past is zero; empty when absent or unreadable. */
  public static Optional<Duration> parse(String header, Instant now) {
    if (header == null || header.isBlank()) {
      return Optional.empty();
    }
    String h = header.trim();
    try {
      long seconds = Long.parseLong(h);
      return seconds < 0 ? Optional.empty() : Optional.of(capped(Duration.ofSeconds(seconds)));
    } catch (NumberFormatException notSeconds) {
      // an HTTP-date
    }
    try {
      Duration d = Duration.between(now, ZonedDateTime.parse(h, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
      return Optional.of(d.isNegative() ? Duration.ZERO : capped(d));
    } catch (DateTimeParseException notDate) {
      return Optional.empty();
    }
  }

  /** {@code d}, at most {@link #CAP}. */
  public static Duration capped(Duration d) {
    return d.compareTo(CAP) > 0 ? CAP : d;
  }
}
