package io.ferry.core;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What the instrument file allows to be written to one channel (its {@code write:} key). A
 * channel without it is read-only: nothing else can be written.
 *
 * @param min the lowest value accepted (negative infinity when not limited)
 * @param max the highest value accepted (positive infinity when not limited)
 * @param maxRate at most {@code count} writes per {@code per}; empty = no limit
 * @param readBack when present, an acknowledged write is applied only once a read returns the
 *     written value within this tolerance (absolute, in the channel's unit)
 * @param kind a setpoint (an absolute value, safe to send again) or a command (a pulse, a reset:
 *     never retried)
 * @param follow a setpoint that follows a series of the Cognite subscription mirror
 */
public record WriteSpec(double min, double max, Optional<Rate> maxRate, Optional<Double> readBack, Kind kind, Optional<Follow> follow) {
  /** Setpoints may be retried after a transport failure; commands never are. */
  public enum Kind { SETPOINT, COMMAND }

  /** At most {@code count} writes in any window of {@code per}. */
  public record Rate(int count, Duration per) {
    public Rate {
      Objects.requireNonNull(per, "per");
      if (count < 1 || per.isNegative() || per.isZero()) {
        throw new IllegalArgumentException("a write rate needs a count >= 1 and a positive window");
      }
    }

    /** {@code 1/10s} */
    public String describe(String formattedPer) {
      return count + "/" + formattedPer;
    }
  }

  /**
   * The newest datapoint of the mirrored series {@code externalId} becomes the setpoint when it is
   * newer than the last one applied and at most {@code maxAge} old; each datapoint is applied once,
   * and once more after each restart of the device when {@code reapply} (a device that forgets its
   * setpoint on power loss), while that datapoint is at most {@code maxAge} old.
   */
  public record Follow(String externalId, Duration maxAge, boolean reapply) {
    public Follow {
      Objects.requireNonNull(externalId, "externalId");
      Objects.requireNonNull(maxAge, "maxAge");
    }

    /** Applied once, not again after a restart of the device. */
    public Follow(String externalId, Duration maxAge) {
      this(externalId, maxAge, false);
    }
  }

  /** Not following a series. */
  public WriteSpec(double min, double max, Optional<Rate> maxRate, Optional<Double> readBack, Kind kind) {
    this(min, max, maxRate, readBack, kind, Optional.empty());
  }

  public WriteSpec {
    Objects.requireNonNull(follow, "follow");
    Objects.requireNonNull(maxRate, "maxRate");
    Objects.requireNonNull(readBack, "readBack");
    Objects.requireNonNull(kind, "kind");
    if (Double.isNaN(min) || Double.isNaN(max) || min > max) {
      throw new IllegalArgumentException("write range must have min <= max, got " + min + ".." + max);
    }
    if (readBack.isPresent() && !(readBack.get() >= 0)) {
      throw new IllegalArgumentException("read-back tolerance must be >= 0");
    }
  }

  /** True when {@code value} lies inside [min, max]. */
  public boolean inRange(double value) {
    return value >= min && value <= max;
  }
}
