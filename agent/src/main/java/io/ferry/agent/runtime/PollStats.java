package io.ferry.agent.runtime;

import java.util.Collection;

/**
 * A snapshot of one instrument's counters since the scheduler started (or the sum over all).
 *
 * @param instrument instrument id ({@code "*"} for a total)
 * @param polls polls that returned normally (their samples went to the sink)
 * @param samples samples handed to the sink (polled or streamed)
 * @param errors polls that threw (the next tick polls again)
 * @param timeouts polls that ran past {@code pollTimeout}: interrupted, result discarded
 * @param missedTicks ticks skipped because the previous poll was still running or the tick thread woke late
 * @param refused samples the sink refused or failed to store (its future completed exceptionally)
 * @param skippedConnecting ticks skipped because the driver was still connecting (not failures, not timeouts)
 * @param pollInFlight a poll is running now (true for long means the driver ignores interrupts: it is stuck)
 * @param lastPollMicros when the last successful poll returned (0 = never)
 * @param lastError the last driver error in words (no class name) ("" = none); drivers keep secrets out of messages
 */
public record PollStats(
    String instrument,
    long polls,
    long samples,
    long errors,
    long timeouts,
    long missedTicks,
    long refused,
    long skippedConnecting,
    boolean pollInFlight,
    long lastPollMicros,
    String lastError) {

  public static PollStats total(Collection<PollStats> all) {
    long polls = 0;
    long samples = 0;
    long errors = 0;
    long timeouts = 0;
    long missed = 0;
    long refused = 0;
    long connecting = 0;
    boolean inFlight = false;
    long last = 0;
    for (PollStats s : all) {
      polls += s.polls;
      samples += s.samples;
      errors += s.errors;
      timeouts += s.timeouts;
      missed += s.missedTicks;
      refused += s.refused;
      connecting += s.skippedConnecting;
      inFlight |= s.pollInFlight;
      last = Math.max(last, s.lastPollMicros);
    }
    return new PollStats("*", polls, samples, errors, timeouts, missed, refused, connecting, inFlight, last, "");
  }
}
