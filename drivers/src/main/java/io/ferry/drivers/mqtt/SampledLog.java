package io.ferry.drivers.mqtt;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.function.Consumer;

/**
 * Logs the first occurrence of a recurring problem at once, then at most one line per
 * {@code every}, saying how many were not logged in between. A flood of bad payloads costs one
 * log line a minute, not one per message; the exact totals are in the driver metrics.
 */
final class SampledLog {
  private final InstantSource clock;
  private final Duration every;
  private final Consumer<String> out;
  private Instant last;
  private long suppressed;

  SampledLog(InstantSource clock, Duration every, Consumer<String> out) {
    this.clock = clock;
    this.every = every;
    this.out = out;
  }

  synchronized void report(String message) {
    Instant now = clock.instant();
    if (last == null || !now.isBefore(last.plus(every))) {
      out.accept(suppressed == 0 ? message : message + " (and " + suppressed + " more like it in the last " + seconds() + ")");
      last = now;
      suppressed = 0;
    } else {
      suppressed++;
    }
  }

  private String seconds() {
    return every.toSeconds() % 60 == 0 ? every.toMinutes() + " min" : every.toSeconds() + " s";
  }
}
