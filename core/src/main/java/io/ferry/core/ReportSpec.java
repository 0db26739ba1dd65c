package io.ferry.core;

import java.time.Duration;
import java.util.Objects;

/**
 * Report by exception for one channel: which polled samples become raw rows for the uplinks that
 * take filtered raw data (rollups and increments always see every sample). See {@link ReportFilter}
 * for the rules.
 *
 * <p>The band a value must leave to be reported: {@code deadband} (absolute, in the channel's
 * unit), or {@code deadbandPercent} of {@code span} (the width of the measuring range, for example
 * 250 for 0 to 250 bar) when a span is given, else of the magnitude of the last reported value.
 * Both zero means "on change": any different value is reported. A value is reported when it
 * differs from the last reported one by more than the band (the OPC UA deadband rule: "exceeds").
 *
 * @param deadband absolute band, {@code >= 0}
 * @param deadbandPercent band in percent, 0 to 100; not together with {@code deadband}
 * @param span the range the percentage applies to ({@code > 0}), or 0: of the last reported value
 * @param heartbeat a sample is reported when this much time passed since the last reported one
 * @param gap a sample more than this after the channel's previous polled sample is reported
 *     (set by the planner to 1.5 poll intervals: one missed or failed poll is a gap)
 * @param keepEdges also report the last suppressed sample before a reported change
 */
public record ReportSpec(
    double deadband, double deadbandPercent, double span, Duration heartbeat, Duration gap, boolean keepEdges) {

  public ReportSpec {
    Objects.requireNonNull(heartbeat, "heartbeat");
    Objects.requireNonNull(gap, "gap");
    if (!(deadband >= 0) || Double.isInfinite(deadband)) {
      throw new IllegalArgumentException("deadband must be a finite number >= 0, got " + deadband);
    }
    if (!(deadbandPercent >= 0 && deadbandPercent <= 100)) {
      throw new IllegalArgumentException("deadbandPercent must be between 0 and 100, got " + deadbandPercent);
    }
    if (deadband > 0 && deadbandPercent > 0) {
      throw new IllegalArgumentException("deadband and deadbandPercent exclude each other");
    }
    if (!(span >= 0) || Double.isInfinite(span)) {
      throw new IllegalArgumentException("span must be a finite number >= 0, got " + span);
    }
    if (heartbeat.isNegative() || heartbeat.isZero() || gap.isNegative() || gap.isZero()) {
      throw new IllegalArgumentException("heartbeat and gap must be positive");
    }
  }

  /** Any change is reported (no band). */
  public static ReportSpec onChange(Duration heartbeat, Duration gap) {
    return new ReportSpec(0, 0, 0, heartbeat, gap, false);
  }

  /** True when any different value is reported. */
  public boolean onChange() {
    return deadband == 0 && deadbandPercent == 0;
  }

  /** The band around {@code lastReported}; values within it (inclusive) are not a change. */
  public double band(double lastReported) {
    if (deadbandPercent > 0) {
      return deadbandPercent / 100 * (span > 0 ? span : Math.abs(lastReported));
    }
    return deadband;
  }

  public long heartbeatMicros() {
    return heartbeat.toNanos() / 1000;
  }

  public long gapMicros() {
    return gap.toNanos() / 1000;
  }
}
