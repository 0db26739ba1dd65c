package io.ferry.core;

import java.util.Objects;
import java.util.Optional;

/**
 * Report by exception, as a pure function: given a channel's {@link ReportSpec}, what was last
 * reported and polled ({@link State}) and the next polled sample, decide whether the sample is
 * reported. The caller (the buffer's writer) keeps one state per channel.
 *
 * <p>A sample is reported, checked in this order, when:
 *
 * <ol>
 *   <li>{@link Reason#FIRST}: nothing was reported since the state was created (start, restart,
 *       reload with a changed spec): state lives in memory only, so after a restart the first
 *       sample of every channel is reported and nothing has to be persisted;
 *   <li>{@link Reason#OUT_OF_ORDER}: its time is not after the previous polled sample's (source
 *       timestamps, backfill): nothing can be said about it, so it is kept;
 *   <li>{@link Reason#GAP}: its time is more than {@link ReportSpec#gap()} after the previous polled
 *       sample (a poll that failed or returned nothing for the channel);
 *   <li>{@link Reason#QUALITY}: its quality differs from the last reported one;
 *   <li>{@link Reason#CHANGE}: text differs, or the number differs from the last reported one by
 *       more than {@link ReportSpec#band(double)} (a non-finite value is a change unless it is the
 *       same non-finite value);
 *   <li>{@link Reason#HEARTBEAT}: {@link ReportSpec#heartbeat()} or more passed since the last
 *       reported sample.
 * </ol>
 *
 * Hence, for every suppressed sample: same quality as the last reported sample, value within its
 * band, less than a heartbeat after it, and no gap since the previous polled sample.
 *
 * <p>With {@code keepEdges}, a report for any reason but the heartbeat also reports the last
 * suppressed sample before it ({@link Decision.Report#edge()}), so that a step is drawn where the
 * value left the band rather than as a ramp from the last reported sample. Its time lies between
 * the last reported sample and the current one, so time order is kept.
 */
public final class ReportFilter {
  private ReportFilter() {}

  /** Why a sample was reported. */
  public enum Reason {
    FIRST,
    OUT_OF_ORDER,
    GAP,
    QUALITY,
    CHANGE,
    HEARTBEAT
  }

  /**
   * A channel's filter state: the last reported sample, the time of the previous polled sample,
   * and (with keepEdges) the last suppressed sample since the last report, or null.
   */
  public record State(Sample lastReported, long lastPolledMicros, Sample held) {
    public State {
      Objects.requireNonNull(lastReported, "lastReported");
    }
  }

  /** The outcome for one sample, with the state to keep for the next one. */
  public sealed interface Decision permits Decision.Report, Decision.Suppress {
    State next();

    /** Report the sample (and first, when present, the held edge sample before it). */
    record Report(Reason reason, Optional<Sample> edge, State next) implements Decision {}

    /** Do not report it (uplinks asking for every raw sample still get it). */
    record Suppress(State next) implements Decision {}
  }

  /** Decides for {@code s}; {@code state} is null when nothing was reported yet. */
  public static Decision decide(ReportSpec spec, State state, Sample s) {
    Reason reason = reason(spec, state, s);
    if (reason == null) {
      return new Decision.Suppress(new State(state.lastReported(), s.timeMicros(), spec.keepEdges() ? s : null));
    }
    Optional<Sample> edge = reason != Reason.HEARTBEAT && state != null && state.held() != null
        ? Optional.of(state.held())
        : Optional.empty();
    return new Decision.Report(reason, edge, new State(s, s.timeMicros(), null));
  }

  /** Why {@code s} is reported, or null when it is not. */
  static Reason reason(ReportSpec spec, State state, Sample s) {
    if (state == null) {
      return Reason.FIRST;
    }
    Sample last = state.lastReported();
    if (s.timeMicros() <= state.lastPolledMicros()) {
      return Reason.OUT_OF_ORDER;
    }
    if (s.timeMicros() - state.lastPolledMicros() > spec.gapMicros()) {
      return Reason.GAP;
    }
    if (s.quality() != last.quality()) {
      return Reason.QUALITY;
    }
    if (changed(spec, last, s)) {
      return Reason.CHANGE;
    }
    if (s.timeMicros() - last.timeMicros() >= spec.heartbeatMicros()) {
      return Reason.HEARTBEAT;
    }
    return null;
  }

  /** True when {@code s} leaves the band around {@code last}. */
  public static boolean changed(ReportSpec spec, Sample last, Sample s) {
    if (s.isText() || last.isText()) {
      return !Objects.equals(s.text(), last.text());
    }
    double v = s.value();
    double l = last.value();
    if (Double.compare(v, l) == 0) {
      return false;
    }
    // NaN and infinities fail this comparison, so they count as a change.
    return !(Math.abs(v - l) <= spec.band(l));
  }
}
