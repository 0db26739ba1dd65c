package io.ferry.uplink.tempodb;

import io.ferry.buffer.BufferRecord;
import java.util.List;

/**
 * One datapoint of a request: series key, time (µs), value, and the leased records it carries
 * (an increment point sums every record of its series and bucket; a write point is one record).
 * {@code integral} points are increments: {@code value} is a whole number.
 */
record Point(String key, long timeMicros, double value, boolean integral, List<? extends BufferRecord> records) {
  Point {
    records = List.copyOf(records);
  }

  long whole() {
    return (long) value;
  }
}
