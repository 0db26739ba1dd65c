package io.ferry.uplink.tempodb;

import com.fasterxml.jackson.core.JsonGenerator;
import io.ferry.core.MicroTime;
import java.io.IOException;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * The request of a list of points: which endpoint and the JSON body. Pure. One distinct time
 * goes to the bulk endpoint ({@code increment/} or {@code data/}: one {@code t}, many series by
 * key); several times to the multi endpoint ({@code multi/increment/} or {@code multi/}: one
 * object per point). Either way the body lists the points in the given order, which is how a 207
 * answer's {@code multistatus} entries are matched to them.
 */
final class TempoDbBody {
  /** ISO 8601 with milliseconds and an explicit offset ({@code Z}); TempoDB keeps milliseconds. */
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  private TempoDbBody() {}

  static String time(long micros) {
    return TIME.format(MicroTime.instant(Math.floorDiv(micros, 1000L) * 1000L));
  }

  static boolean oneTime(List<Point> points) {
    return points.stream().mapToLong(p -> Math.floorDiv(p.timeMicros(), 1000L)).distinct().count() == 1;
  }

  /** The path relative to {@code {url}/v1/}. */
  static String path(List<Point> points, boolean increments) {
    if (oneTime(points)) {
      return increments ? "increment/" : "data/";
    }
    return increments ? "multi/increment/" : "multi/";
  }

  static void write(JsonGenerator g, List<Point> points) throws IOException {
    if (oneTime(points)) {
      g.writeStartObject();
      g.writeStringField("t", time(points.get(0).timeMicros()));
      g.writeArrayFieldStart("data");
      for (Point p : points) {
        g.writeStartObject();
        g.writeStringField("key", p.key());
        value(g, p);
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
      return;
    }
    g.writeStartArray();
    for (Point p : points) {
      g.writeStartObject();
      g.writeStringField("t", time(p.timeMicros()));
      g.writeStringField("key", p.key());
      value(g, p);
      g.writeEndObject();
    }
    g.writeEndArray();
  }

  private static void value(JsonGenerator g, Point p) throws IOException {
    if (p.integral()) {
      g.writeNumberField("v", p.whole());
    } else {
      g.writeNumberField("v", p.value());
    }
  }
}
