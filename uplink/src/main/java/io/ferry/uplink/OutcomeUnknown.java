package io.ferry.uplink;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Records an uplink sent and will not send again although it cannot know whether the API applied
 * them: a request that may have reached the server failed (reset after the body was written, a
 * timeout), and resending could count them twice (TempoDB increments, at most once by default).
 * Counted per series of the API, durably where the uplink keeps state.
 *
 * @param what what the records are, in the operator's words, plural ({@code increments})
 * @param bySeries per series key: how many records (points) and their summed value
 * @param last when the latest of them happened (empty when none did)
 */
public record OutcomeUnknown(String what, Map<String, Series> bySeries, Optional<Instant> last) {
  /** Nothing unknown: what every uplink without the notion reports. */
  public static final OutcomeUnknown NONE = new OutcomeUnknown("records", Map.of(), Optional.empty());

  /** How many records of one series, and their summed value (what may be missing or counted). */
  public record Series(long count, long amount) {}

  public OutcomeUnknown {
    // Sorted by key so every view (status line, JSON, page) lists the series in the same order.
    bySeries = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(bySeries));
  }

  /** Records whose outcome is unknown, over every series. */
  public long total() {
    return bySeries.values().stream().mapToLong(Series::count).sum();
  }

  /** {@code outcome unknown: 2 increments (door/opens 1, line/parts 1)}; empty when nothing is unknown. */
  public Optional<String> describe() {
    return bySeries.isEmpty() ? Optional.empty() : Optional.of("outcome unknown: " + counts());
  }

  /**
   * {@code 2 increments (door/opens 1, line/parts 1)}, the first five series named: the one wording
   * of the status line, {@code ferry status} and the status page.
   */
  public String counts() {
    StringBuilder sb = new StringBuilder().append(total()).append(' ').append(what).append(" (");
    int shown = 0;
    for (Map.Entry<String, Series> e : bySeries.entrySet()) {
      if (shown++ == 5) {
        sb.append(", ...");
        break;
      }
      sb.append(shown > 1 ? ", " : "").append(e.getKey()).append(' ').append(e.getValue().count());
    }
    return sb.append(')').toString();
  }
}
