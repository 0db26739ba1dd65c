package io.ferry.config;

import io.ferry.core.Backoff;
import java.time.Duration;

/**
 * The one way to read a retry delay from YAML, for every driver and uplink: {@code backoffInitial}
 * (first wait after a failure) and {@code backoffMax} (the cap of the doubling). The older spelling
 * {@code reconnectMin}/{@code reconnectMax} is an error that names the key to write instead.
 */
public final class BackoffKeys {
  public static final String INITIAL = "backoffInitial";
  public static final String MAX = "backoffMax";
  private static final Duration LEAST = Duration.ofMillis(10);

  private BackoffKeys() {}

  /** Reads both keys of {@code f}; on an error the problem is recorded and a usable policy still returned. */
  public static Backoff read(Fields f, Duration defaultInitial, Duration defaultMax) {
    renamed(f, "reconnectMin", INITIAL);
    renamed(f, "reconnectMax", MAX);
    Duration initial = f.duration(INITIAL, defaultInitial, LEAST, Duration.ofHours(1));
    Duration max = f.duration(MAX, defaultMax.compareTo(initial) < 0 ? initial : defaultMax, LEAST, Duration.ofHours(24));
    if (max.compareTo(initial) < 0) {
      f.error(MAX, "must not be shorter than " + INITIAL + " (" + Durations.format(initial) + ")");
      max = initial;
    }
    return Backoff.of(initial, max);
  }

  private static void renamed(Fields f, String old, String now) {
    if (f.has(old)) {
      f.error(old, "unknown key \"" + old + "\", did you mean \"" + now + "\"? (every driver and uplink spells its retry delays "
          + INITIAL + "/" + MAX + ")");
    }
  }
}
