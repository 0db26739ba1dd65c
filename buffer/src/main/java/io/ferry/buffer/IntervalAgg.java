package io.ferry.buffer;

/**
 * What one commit batch adds to one rollup interval of one channel, folded in arrival order; the
 * buffer merges it into {@code rollup_open} with one SQL upsert, so that an interval costs one
 * statement per batch instead of one per sample.
 */
final class IntervalAgg {
  /** The (channel, interval) an aggregate belongs to. */
  record Key(int ch, long start) {}

  final int ch;
  final long start;
  final long every;
  final long closeAt;
  long n;
  double first;
  long firstT = Long.MAX_VALUE;
  double last;
  long lastT = Long.MIN_VALUE;
  double min = Double.POSITIVE_INFINITY;
  double max = Double.NEGATIVE_INFINITY;
  double sum;
  /** {@code [[t,v],...]} in arrival order, only for channels asking for twa (else null). */
  StringBuilder points;

  IntervalAgg(int ch, long start, long every, long closeAt) {
    this.ch = ch;
    this.start = start;
    this.every = every;
    this.closeAt = closeAt;
  }

  /** Remembers the point for the time-weighted average (a JSON array element, arrival order). */
  void addPoint(long t, double v) {
    if (points == null) {
      points = new StringBuilder(64).append('[');
    } else {
      points.append(',');
    }
    points.append('[').append(t).append(',').append(v).append(']');
  }

  /** Ties in time: the earlier arrival stays first, the later arrival becomes last. */
  void add(long t, double v) {
    n++;
    sum += v;
    min = Math.min(min, v);
    max = Math.max(max, v);
    if (t < firstT) {
      firstT = t;
      first = v;
    }
    if (t >= lastT) {
      lastT = t;
      last = v;
    }
  }
}
