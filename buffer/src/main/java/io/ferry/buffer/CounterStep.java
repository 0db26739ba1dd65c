package io.ferry.buffer;

/**
 * What one read of a cumulative device counter contributes, given the previous read. A pure
 * function of (previous, value, wrap) so that it can be table-tested; the previous read lives in
 * SQLite ({@code counter_state}), so the first read after a restart continues from the last read
 * before it.
 */
sealed interface CounterStep {

  /** First read ever of this counter: nothing to add, the value becomes the reference. */
  record Baseline(double value) implements CounterStep {}

  /** A normal increase, or a rollover at the configured modulus ({@code wrapped}). */
  record Delta(double delta, boolean wrapped) implements CounterStep {}

  /**
   * A decrease that is not a plausible rollover: the device was reset or the meter replaced. The
   * new meter counted from zero, so its whole value is the delta; the event is counted.
   */
  record Reset(double delta) implements CounterStep {}

  /** An unusable read (NaN, infinite): ignored, the reference stays the previous read. */
  record Invalid(String why) implements CounterStep {}

  /**
   * Classifies a read. With {@code wrap > 0}, a decrease is a rollover when the wrapped delta
   * {@code value + wrap - previous} is less than half the modulus (the counter was in the upper
   * half and is now in the lower half); otherwise it is a reset. A missing read needs no special
   * case: the next read's delta covers the gap and lands in the bucket of that next read.
   *
   * @param previous the previous valid read, or NaN when there is none
   */
  static CounterStep of(double previous, double value, double wrap) {
    if (Double.isNaN(value) || Double.isInfinite(value)) {
      return new Invalid("not a finite number");
    }
    if (Double.isNaN(previous)) {
      return new Baseline(value);
    }
    if (value >= previous) {
      return new Delta(value - previous, false);
    }
    if (wrap > 0 && previous < wrap && value >= 0) {
      double wrapped = value + wrap - previous;
      if (wrapped < wrap / 2) {
        return new Delta(wrapped, true);
      }
    }
    return new Reset(Math.max(0, value));
  }
}
