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
   * @param state {@code ok}, {@code starting} (no poll yet, within the allowance), {@code failing},
   *     {@code streaming} (a streaming driver: no polls to judge)
   * @param lastSuccess when the last successful poll returned
   */
  record InstrumentHealth(
      String id, String state, boolean healthy, Optional<Instant> lastSuccess, Duration pollInterval, long polls,
      long samples, long errors, long timeouts, String lastError) {}

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
