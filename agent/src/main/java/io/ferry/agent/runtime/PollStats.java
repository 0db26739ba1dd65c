package io.ferry.agent.runtime;

import java.time.Duration;
import java.util.Collection;
import java.util.Optional;

/**
 * A snapshot of one instrument's counters since the agent started it (they survive reloads that
 * restart it), or the sum over all. Only a poll that returned at least one GOOD sample is a
 * success; every other tick is counted under what happened to it.
 *
 * @param instrument instrument id ({@code "*"} for a total)
 * @param polls polls that returned at least one good sample (their samples went to the sink)
 * @param empty polls that returned no good sample (nothing, or only bad or uncertain values)
 * @param samples samples handed to the sink (polled or streamed)
 * @param errors polls that threw (the next tick polls again)
 * @param timeouts polls that ran past {@code pollTimeout}: interrupted, result discarded
 * @param missedTicks ticks skipped because the previous poll was still running or the tick thread woke late
 * @param refused samples the sink refused or failed to store (its future completed exceptionally)
 * @param skippedConnecting ticks skipped because the driver was still connecting
 * @param skippedBackoff ticks the driver skipped while waiting out a backoff after a failure
 * @param pollInFlight a poll is running now (true for long means the driver ignores interrupts: it is stuck)
 * @param lastPollMicros when the last poll returned, with or without good samples (0 = never)
 * @param lastGoodMicros when the last good sample was read (polled or streamed; 0 = never): "last success"
 * @param startedMicros when the agent first started this instrument (the staleness clock before any good sample)
 * @param lastError why the last poll failed, in words ("" = none); drivers keep secrets out of messages
 * @param poll the planned poll interval
 * @param pollTimeout the planned poll timeout
 * @param stale the instrument's {@code stale:} key (empty: the default of {@link io.ferry.config.InstrumentInfo#staleLimit})
 */
public record PollStats(
    String instrument,
    long polls,
    long empty,
    long samples,
    long errors,
    long timeouts,
    long missedTicks,
    long refused,
    long skippedConnecting,
    long skippedBackoff,
    boolean pollInFlight,
    long lastPollMicros,
    long lastGoodMicros,
    long startedMicros,
    String lastError,
    Duration poll,
    Duration pollTimeout,
    Optional<Duration> stale) {

  /**
   * The counts for a log line, in words: {@code 120 polls with data, 3 empty, 1 failed, 480 samples}
   * (counts that are zero left out, never a record dump).
   */
  public String summary() {
    StringBuilder b = new StringBuilder().append(polls).append(polls == 1 ? " poll" : " polls").append(" with data");
    append(b, empty, "empty");
    append(b, errors, "failed");
    append(b, timeouts, "timed out");
    append(b, skippedConnecting + skippedBackoff, "skipped (connecting or backing off)");
    append(b, missedTicks, "missed ticks");
    append(b, refused, "samples refused by the buffer");
    return b.append(", ").append(samples).append(samples == 1 ? " sample" : " samples").toString();
  }

  private static void append(StringBuilder b, long count, String what) {
    if (count > 0) {
      b.append(", ").append(count).append(' ').append(what);
    }
  }

  /** Every tick that was not a success: empty, failed, timed out, skipped or missed. */
  public long failures() {
    return empty + errors + timeouts + skippedConnecting + skippedBackoff + missedTicks;
  }

  public static PollStats total(Collection<PollStats> all) {
    long polls = 0;
    long empty = 0;
    long samples = 0;
    long errors = 0;
    long timeouts = 0;
    long missed = 0;
    long refused = 0;
    long connecting = 0;
    long backoff = 0;
    boolean inFlight = false;
    long last = 0;
    long good = 0;
    for (PollStats s : all) {
      polls += s.polls;
      empty += s.empty;
      samples += s.samples;
      errors += s.errors;
      timeouts += s.timeouts;
      missed += s.missedTicks;
      refused += s.refused;
      connecting += s.skippedConnecting;
      backoff += s.skippedBackoff;
      inFlight |= s.pollInFlight;
      last = Math.max(last, s.lastPollMicros);
      good = Math.max(good, s.lastGoodMicros);
    }
    return new PollStats("*", polls, empty, samples, errors, timeouts, missed, refused, connecting, backoff, inFlight, last,
        good, 0, "", Duration.ZERO, Duration.ZERO, Optional.empty());
  }
}
