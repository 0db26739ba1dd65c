package io.ferry.uplink.clarify;

import com.fasterxml.jackson.core.JsonGenerator;
import io.ferry.buffer.BufferRecord;
import io.ferry.uplink.Rfc3339;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Cuts points into Clarify data frames. Pure. A frame has one {@code times} array (RFC 3339 UTC,
 * microseconds, strictly increasing: no duplicate times) and per input key an array aligned with
 * it, {@code null} where that series has no value at a time. Frames are the largest that fit in
 * {@code maxBytes} (the whole request, envelope included): times are taken in order while the
 * request's size, computed exactly as the bytes are laid out (doubles counted at their
 * {@link Double#toString} length, never shorter than what the encoder writes), stays within the
 * limit. A single time whose row alone is larger is still sent alone (the API answers whether it fits).
 */
public final class DataFrames {
  private static final int TIME_LENGTH = Rfc3339.micros(0).length() + 2; // quoted
  private static final int NULL_LENGTH = 4;

  private DataFrames() {}

  /**
   * One value of one series; {@code record} is the buffer record it came from (a rollup record
   * gives several points, one per statistic).
   */
  public record Point(String key, long timeMicros, double value, BufferRecord record) {}

  /**
   * One frame: {@code times} and per key the values aligned with them ({@code NaN} = null).
   *
   * @param covered the records whose every point is in this frame (delivered when it is acknowledged)
   * @param bytes the request size the frame was cut for (an upper bound of what is written)
   */
  public record Frame(long[] times, Map<String, double[]> series, List<BufferRecord> covered, long bytes) {
    /** Streams {@code "times":[...],"series":{...}} inside the caller's {@code data} object. */
    public void write(JsonGenerator g) throws IOException {
      g.writeArrayFieldStart("times");
      for (long t : times) {
        g.writeString(Rfc3339.micros(t));
      }
      g.writeEndArray();
      g.writeObjectFieldStart("series");
      for (Map.Entry<String, double[]> e : series.entrySet()) {
        g.writeArrayFieldStart(e.getKey());
        for (double v : e.getValue()) {
          if (Double.isNaN(v)) {
            g.writeNull();
          } else {
            g.writeNumber(v);
          }
        }
        g.writeEndArray();
      }
      g.writeEndObject();
    }
  }

  /**
   * Cuts {@code points} (any order; values must be finite) into frames of at most {@code maxBytes}
   * with {@code envelopeBytes} of request around {@code "data":{...}}'s content. Two points of one
   * key at the same time keep the later one in the list (a re-sent record).
   */
  public static List<Frame> cut(List<Point> points, long maxBytes, long envelopeBytes) {
    List<Point> sorted = new ArrayList<>(points);
    sorted.sort(Comparator.comparingLong(Point::timeMicros)); // stable: equal times keep list order
    List<Frame> frames = new ArrayList<>();
    Builder b = new Builder(envelopeBytes);
    int i = 0;
    while (i < sorted.size()) {
      long t = sorted.get(i).timeMicros();
      int j = i;
      while (j < sorted.size() && sorted.get(j).timeMicros() == t) {
        j++;
      }
      List<Point> row = sorted.subList(i, j);
      if (!b.isEmpty() && b.bytes + b.rowCost(row) > maxBytes) {
        frames.add(b.build());
        b = new Builder(envelopeBytes);
      }
      b.add(t, row);
      i = j;
    }
    if (!b.isEmpty()) {
      frames.add(b.build());
    }
    return frames;
  }

  /** Exact byte accounting of {@code "times":[..],"series":{"k":[..],..}} while rows are added. */
  private static final class Builder {
    private long[] times = new long[64];
    private int rows;
    /** Per key its values, NaN where it has none; arrays grow with {@link #times} (primitive: a frame holds 100,000s). */
    private final Map<String, double[]> columns = new TreeMap<>();
    private final List<BufferRecord> covered = new ArrayList<>();
    private final java.util.Set<BufferRecord> coveredSet = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    private final java.util.Set<String> rowKeys = new java.util.HashSet<>();
    private long bytes;

    Builder(long envelopeBytes) {
      // "times":[] + , + "series":{}
      this.bytes = envelopeBytes + "\"times\":[]".length() + 1 + "\"series\":{}".length();
    }

    boolean isEmpty() {
      return rows == 0;
    }

    /** What adding this time row adds to the request. */
    long rowCost(List<Point> row) {
      long cost = TIME_LENGTH + (rows > 0 ? 1 : 0);
      int present = columns.size();
      rowKeys.clear();
      for (Point p : row) {
        if (!rowKeys.add(p.key())) {
          continue; // a duplicate time of one key: one value is written
        }
        if (columns.containsKey(p.key())) {
          cost += valueLength(p.value()) - NULL_LENGTH; // the value replaces the ",null" counted below
        } else {
          cost += keyCost(p.key()) + (present > 0 ? 1 : 0) + (long) rows * (NULL_LENGTH + 1) + valueLength(p.value());
          present++;
        }
      }
      // every existing column gets ",null" unless the row has a value for it (counted above)
      cost += (long) columns.size() * (1 + NULL_LENGTH);
      return cost;
    }

    void add(long t, List<Point> row) {
      bytes += rowCost(row);
      if (rows == times.length) {
        times = Arrays.copyOf(times, rows * 2);
        columns.replaceAll((k, col) -> grow(col, times.length));
      }
      times[rows] = t;
      for (Point p : row) {
        double[] col = columns.get(p.key());
        if (col == null) {
          col = grow(new double[0], times.length);
          columns.put(p.key(), col);
        }
        col[rows] = p.value();
        if (coveredSet.add(p.record())) {
          covered.add(p.record());
        }
      }
      rows++;
    }

    private static double[] grow(double[] col, int length) {
      double[] out = Arrays.copyOf(col, length);
      Arrays.fill(out, col.length, length, Double.NaN);
      return out;
    }

    Frame build() {
      Map<String, double[]> series = new TreeMap<>();
      columns.forEach((k, col) -> series.put(k, Arrays.copyOf(col, rows)));
      return new Frame(Arrays.copyOf(times, rows), series, covered, bytes);
    }
  }

  /** {@code "key":[]} (keys are limited to characters JSON writes as they are). */
  static long keyCost(String key) {
    return key.length() + 2 + 1 + 2;
  }

  /** An upper bound of the encoder's text for {@code v}: Jackson's shortest form is never longer than Java's. */
  static int valueLength(double v) {
    return Double.toString(v).length();
  }
}
