package io.ferry.drivers.opcua;

import java.time.Duration;
import java.util.Optional;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;

/**
 * The stretch of one node's history a backfill reads: source times from {@code fromMicros}
 * (inclusive) to {@code toMicros} (exclusive), in µs since the epoch. Pure.
 */
public record HistoryWindow(long fromMicros, long toMicros) {
  /** Ticks of 100 ns between 1601-01-01 (OPC UA epoch) and 1970-01-01. */
  private static final long EPOCH_DELTA_TICKS = 116_444_736_000_000_000L;

  public HistoryWindow {
    if (fromMicros >= toMicros) {
      throw new IllegalArgumentException("empty window " + fromMicros + ".." + toMicros);
    }
  }

  /**
   * What is missing between what Ferry holds and the first live value.
   *
   * @param heldMicros the newest source time stored of the channel, null when none: the window starts
   *     just after it (the held sample is not read again), and never more than {@code maxAge} back
   * @param firstLiveMicros the source time of the session's first live value, null when the first
   *     poll gave none: the window ends before it (the live sample is not read from history too),
   *     and never after now
   */
  public static Optional<HistoryWindow> of(Long heldMicros, Long firstLiveMicros, long nowMicros, Duration maxAge) {
    long floor = nowMicros - maxAge.toNanos() / 1000;
    long from = heldMicros == null ? floor : Math.max(heldMicros + 1, floor);
    long to = firstLiveMicros == null ? nowMicros : Math.min(firstLiveMicros, nowMicros);
    return from < to ? Optional.of(new HistoryWindow(from, to)) : Optional.empty();
  }

  /** The rest of this window after a sample at {@code reachedMicros} was stored; empty when nothing is left. */
  public Optional<HistoryWindow> after(long reachedMicros) {
    long from = Math.max(fromMicros, reachedMicros + 1);
    return from < toMicros ? Optional.of(new HistoryWindow(from, toMicros)) : Optional.empty();
  }

  public boolean contains(long micros) {
    return micros >= fromMicros && micros < toMicros;
  }

  /** The start as an OPC UA DateTime (100 ns ticks since 1601). */
  DateTime start() {
    return new DateTime(fromMicros * 10 + EPOCH_DELTA_TICKS);
  }

  /** The end as an OPC UA DateTime; a server returns values before it, not at it. */
  DateTime end() {
    return new DateTime(toMicros * 10 + EPOCH_DELTA_TICKS);
  }
}
