package io.ferry.agent.http;

import java.util.ArrayList;
import java.util.List;

/**
 * A fixed number of the latest (time, value) points, oldest first: the status page's history.
 * Memory is bounded by construction; writers and readers synchronize on it (a few hundred points).
 */
final class Ring {
  /** One point: epoch milliseconds and a value. */
  record Point(long millis, double value) {}

  private final long[] times;
  private final double[] values;
  private int next;
  private int size;

  Ring(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be positive");
    }
    times = new long[capacity];
    values = new double[capacity];
  }

  synchronized void add(long millis, double value) {
    times[next] = millis;
    values[next] = value;
    next = (next + 1) % times.length;
    size = Math.min(size + 1, times.length);
  }

  /** The points, oldest first. */
  synchronized List<Point> points() {
    List<Point> out = new ArrayList<>(size);
    int start = (next - size + times.length) % times.length;
    for (int i = 0; i < size; i++) {
      int k = (start + i) % times.length;
      out.add(new Point(times[k], values[k]));
    }
    return out;
  }

  synchronized int size() {
    return size;
  }
}
