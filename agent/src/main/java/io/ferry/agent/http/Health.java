package io.ferry.agent.http;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The answer of {@code /health}: overall and per part. Built by {@link HealthRule}.
 *
 * @param healthy every instrument, uplink and the buffer are healthy
 */
record Health(boolean healthy, Instant at, List<InstrumentHealth> instruments, List<UplinkHealth> uplinks, BufferHealth buffer) {
  Health {
    instruments = List.copyOf(instruments);
    uplinks = List.copyOf(uplinks);
  }

  String state() {
    return healthy ? "healthy" : "unhealthy";
  }

  /**
   * @param state {@code ok}, {@code starting} (no good sample yet, within the limit), {@code failing},
   *     {@code streaming} (a streaming instrument without {@code stale:}: up unless it could not start)
   * @param healthy up by {@link HealthRule#instrument}
   * @param lastSuccess when the last good sample was read (polled or streamed)
   * @param polls polls that returned at least one good sample
   * @param problem why it is failing, in words ("" unless failing)
   * @param staleLimit the limit the last good sample's age is judged by (empty: none)
   * @param empty polls that returned no good sample
   * @param skipped ticks the driver skipped (connecting, or waiting out a backoff)
   * @param missedTicks ticks skipped because the previous poll was still running or the tick thread was late
   */
  record InstrumentHealth(
      String id, String state, boolean healthy, Optional<Instant> lastSuccess, Duration pollInterval, long polls,
      long samples, long errors, long timeouts, String lastError, String problem, Optional<Duration> staleLimit,
      long empty, long skipped, long missedTicks, Optional<Backfill> backfill) {
    InstrumentHealth(
        String id, String state, boolean healthy, Optional<Instant> lastSuccess, Duration pollInterval, long polls,
        long samples, long errors, long timeouts, String lastError, String problem, Optional<Duration> staleLimit,
        long empty, long skipped, long missedTicks) {
      this(id, state, healthy, lastSuccess, pollInterval, polls, samples, errors, timeouts, lastError, problem, staleLimit, empty,
          skipped, missedTicks, Optional.empty());
    }
  }

  /**
   * An OPC UA history backfill's progress (only instruments with {@code backfill:}).
   *
   * @param pending channels whose history is still to read
   * @param samples samples read from history and stored since the agent started
   * @param reached every pending channel is filled up to this source time (empty when none is pending)
   */
  record Backfill(long pending, long samples, Optional<Instant> reached) {
    /** From a driver's counters and gauges ({@code backfillPending}, {@code backfilled}, {@code backfillReachedMicros}). */
    static Optional<Backfill> of(java.util.Map<String, Long> driver) {
      if (driver == null || !driver.containsKey("backfillPending")) {
        return Optional.empty();
      }
      long pending = driver.get("backfillPending");
      Long reached = driver.get("backfillReachedMicros");
      return Optional.of(new Backfill(pending, driver.getOrDefault("backfilled", 0L),
          pending == 0 || reached == null ? Optional.empty() : Optional.of(io.ferry.core.MicroTime.instant(reached))));
    }
  }

  /**
   * @param state the runner's state: {@code running}, {@code backing-off}, {@code paused-auth}, ...
   * @param problem why it is unhealthy ("" when healthy)
   * @param oldestAge age of the oldest unsent raw sample (empty when none waits)
   * @param catchUp the estimate in words ({@code caught up}, {@code about 12m 5s}, {@code keeping up}, {@code growing}, {@code not shrinking})
   * @param catchUpSeconds the estimate in seconds: 0 caught up, -1 no end in sight
   * @param outcomeUnknown records sent once whose outcome is unknown, per series (durable counts)
   */
  record UplinkHealth(
      String name, String type, String state, boolean healthy, String problem, long backlog, Optional<Duration> oldestAge,
      Optional<Instant> lastSuccess, long delivered, String lastError, String catchUp, long catchUpSeconds,
      io.ferry.uplink.OutcomeUnknown outcomeUnknown) {}

  /**
   * @param state {@code ok}, {@code refusing} (samples refused lately: disk full or budget), {@code unreadable}
   * @param maxBytes buffer.maxSize (0 = unbounded)
   * @param freeBytes usable space on the buffer's file system (-1 unknown)
   */
  record BufferHealth(String state, boolean healthy, long bytes, long maxBytes, long freeBytes, long refused, long appended) {}
}
