package io.ferry.uplink.jsonl;

import com.fasterxml.jackson.core.JsonGenerator;
import io.ferry.buffer.IncrementRecord;
import io.ferry.buffer.RollupRecord;
import io.ferry.buffer.SampleRecord;
import io.ferry.core.Quality;
import io.ferry.uplink.Rfc3339;
import java.io.IOException;
import java.util.Locale;

/**
 * The line format, one JSON object per record:
 * <pre>
 * {"kind":"sample","instrument":"boiler1","channel":"supply_temp","time":"2026-01-01T00:00:00.000000Z","value":21.5,"quality":"good"}
 * {"kind":"sample",...,"text":"RUN","quality":"good"}                     text samples carry "text"
 * {"kind":"rollup","instrument":..,"channel":..,"start":..,"intervalSeconds":60,"count":60,"first":..,"last":..,
 *  "min":..,"max":..,"sum":..,"avg":..,"twa":..,"revision":0}
 * {"kind":"increment","instrument":..,"channel":..,"bucket":..,"bucketSeconds":60,"delta":3.0}
 * </pre>
 * Non-finite numbers are written as null (JSON has no NaN).
 */
public final class JsonlLines {
  private JsonlLines() {}

  public static void sample(JsonGenerator g, SampleRecord r) throws IOException {
    var s = r.sample();
    g.writeStartObject();
    g.writeStringField("kind", "sample");
    g.writeStringField("instrument", s.channel().instrument());
    g.writeStringField("channel", s.channel().channel());
    g.writeStringField("time", Rfc3339.micros(s.timeMicros()));
    if (s.isText()) {
      g.writeStringField("text", s.text());
    } else {
      number(g, "value", s.value());
    }
    g.writeStringField("quality", quality(s.quality()));
    g.writeEndObject();
  }

  public static void rollup(JsonGenerator g, RollupRecord r) throws IOException {
    g.writeStartObject();
    g.writeStringField("kind", "rollup");
    g.writeStringField("instrument", r.channel().instrument());
    g.writeStringField("channel", r.channel().channel());
    g.writeStringField("start", Rfc3339.micros(r.startMicros()));
    g.writeNumberField("intervalSeconds", r.intervalMicros() / 1_000_000L);
    g.writeNumberField("count", r.count());
    number(g, "first", r.first());
    number(g, "last", r.last());
    number(g, "min", r.min());
    number(g, "max", r.max());
    number(g, "sum", r.sum());
    number(g, "avg", r.avg());
    number(g, "twa", r.twa());
    g.writeNumberField("revision", r.revision());
    g.writeEndObject();
  }

  public static void increment(JsonGenerator g, IncrementRecord r) throws IOException {
    g.writeStartObject();
    g.writeStringField("kind", "increment");
    g.writeStringField("instrument", r.channel().instrument());
    g.writeStringField("channel", r.channel().channel());
    g.writeStringField("bucket", Rfc3339.micros(r.bucketStartMicros()));
    g.writeNumberField("bucketSeconds", r.bucketMicros() / 1_000_000L);
    number(g, "delta", r.delta());
    g.writeEndObject();
  }

  static String quality(Quality q) {
    return q.name().toLowerCase(Locale.ROOT);
  }

  private static void number(JsonGenerator g, String field, double v) throws IOException {
    if (Double.isFinite(v)) {
      g.writeNumberField(field, v);
    } else {
      g.writeNullField(field);
    }
  }
}
