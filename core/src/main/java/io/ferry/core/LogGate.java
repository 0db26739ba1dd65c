package io.ferry.core;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The one idiom for "log on change" and "sampled logging": it decides whether a recurring message
 * is news, and the caller logs it at the level and in the words it chooses. Idle is the common case
 * and a stuck device is the second: neither may write a line per poll.
 *
 * <ul>
 *   <li>{@link #onChange()}: a key's line passes when its value differs from the last one (a
 *       connection state, the reason a node is skipped, the last error of an uplink).
 *   <li>{@link #sampled}: a key's first line passes at once, then at most one per {@code every},
 *       saying how many were held back (a flood of bad payloads costs a line a minute).
 * </ul>
 *
 * <p>Thread-safe; keys are independent. No logging library here: core has no dependencies.
 */
public final class LogGate {
  private final InstantSource clock;
  private final Duration every;
  private final Map<String, Entry> entries = new HashMap<>();

  /** What the caller may say about a line that passed. */
  public record Pass(Optional<String> previous, long heldBack) {
    /** " (and N more like it in the last 1 min)" when lines were held back, else "". */
    public String heldBackSuffix(Duration every) {
      String span = every.toSeconds() % 60 == 0 ? every.toMinutes() + " min" : every.toSeconds() + " s";
      return heldBack == 0 ? "" : " (and " + heldBack + " more like it in the last " + span + ")";
    }
  }

  private static final class Entry {
    String value;
    Instant passed;
    long heldBack;
  }

  private LogGate(InstantSource clock, Duration every) {
    this.clock = clock;
    this.every = every;
  }

  /** Passes a key's line only when its value changed. */
  public static LogGate onChange() {
    return new LogGate(null, null);
  }

  /** Passes a key's first line, then at most one per {@code every}. */
  public static LogGate sampled(InstantSource clock, Duration every) {
    return new LogGate(Objects.requireNonNull(clock, "clock"), Objects.requireNonNull(every, "every"));
  }

  /** Records {@code value} for {@code key}; present when the caller should log it. */
  public synchronized Optional<Pass> admit(String key, String value) {
    Entry e = entries.computeIfAbsent(key, k -> new Entry());
    String previous = e.value;
    e.value = value;
    if (clock == null) {
      return Objects.equals(previous, value) ? Optional.empty() : Optional.of(new Pass(Optional.ofNullable(previous), 0));
    }
    Instant now = clock.instant();
    if (e.passed != null && now.isBefore(e.passed.plus(every))) {
      e.heldBack++;
      return Optional.empty();
    }
    Pass p = new Pass(Optional.ofNullable(previous), e.heldBack);
    e.passed = now;
    e.heldBack = 0;
    return Optional.of(p);
  }

  /** The last value recorded for {@code key}. */
  public synchronized Optional<String> current(String key) {
    Entry e = entries.get(key);
    return e == null ? Optional.empty() : Optional.ofNullable(e.value);
  }

  /** Forgets {@code key}: its next line passes. */
  public synchronized void forget(String key) {
    entries.remove(key);
  }

  /** Forgets every key (after a reconnect, every kind of trouble is news again). */
  public synchronized void clear() {
    entries.clear();
  }
}
