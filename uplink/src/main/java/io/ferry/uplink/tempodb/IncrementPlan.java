package io.ferry.uplink.tempodb;

import io.ferry.buffer.BufferRecord;
import io.ferry.buffer.IncrementRecord;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a lease's increments into whole-number points. Pure.
 *
 * <p>TempoDB increments only apply to longs (a double is converted to a long by the server: its
 * fraction would be lost). Per series, the fraction is <b>carried</b>: the point of a bucket holds
 * {@code floor(carry + sum of its deltas)} and the rest becomes the carry for the series' next
 * bucket. A bucket whose total is below one unit sends nothing: its records are acknowledged and
 * their amount lives on in the carry. Invariant, per series: integers acknowledged + carry =
 * deltas acknowledged. Several records of one series and bucket (late increments) are summed
 * into one point.
 *
 * @param points what to send, in lease order (series, then bucket)
 * @param carriedOnly records whose whole amount went into the carry (nothing to send for them)
 * @param carryAfter each series' carry once every point and carried record here is acknowledged
 */
record IncrementPlan(List<Point> points, List<IncrementRecord> carriedOnly, Map<String, Double> carryAfter) {

  static IncrementPlan of(List<IncrementRecord> increments, Map<String, Double> carryBefore) {
    List<Point> points = new ArrayList<>();
    List<IncrementRecord> carried = new ArrayList<>();
    Map<String, Double> carry = new LinkedHashMap<>();
    int i = 0;
    while (i < increments.size()) {
      IncrementRecord first = increments.get(i);
      String key = TempoDbPlan.seriesKey(first.channel());
      int j = i;
      double sum = 0;
      while (j < increments.size() && increments.get(j).channel().equals(first.channel())
          && increments.get(j).bucketStartMicros() == first.bucketStartMicros()) {
        sum += increments.get(j).delta();
        j++;
      }
      double total = carry.getOrDefault(key, carryBefore.getOrDefault(key, 0.0)) + sum;
      double whole = Math.floor(total);
      carry.put(key, total - whole);
      List<IncrementRecord> records = increments.subList(i, j);
      if (whole == 0) {
        carried.addAll(records);
      } else {
        points.add(new Point(key, first.bucketStartMicros(), whole, true, records));
      }
      i = j;
    }
    return new IncrementPlan(List.copyOf(points), List.copyOf(carried), Map.copyOf(carry));
  }

  /**
   * The carry of {@code key} after only some of this plan's records are settled (the others are
   * leased again later): carry before + their deltas - the integers sent for them.
   */
  static double settle(double carryBefore, List<Point> settledPoints, List<IncrementRecord> settledCarried) {
    double c = carryBefore;
    for (Point p : settledPoints) {
      for (BufferRecord r : p.records()) {
        c += ((IncrementRecord) r).delta();
      }
      c -= p.value();
    }
    for (IncrementRecord r : settledCarried) {
      c += r.delta();
    }
    return c;
  }
}
