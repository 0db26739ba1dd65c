package io.ferry.uplink.mqtt;

import com.fasterxml.jackson.core.JsonGenerator;
import io.ferry.buffer.BufferRecord;
import io.ferry.buffer.IncrementRecord;
import io.ferry.buffer.Lease;
import io.ferry.buffer.RollupRecord;
import io.ferry.buffer.SampleRecord;
import io.ferry.core.ChannelId;
import io.ferry.core.Quality;
import io.ferry.core.Stat;
import io.ferry.uplink.JsonBody;
import io.ferry.uplink.Rfc3339;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * A lease as MQTT messages. Pure.
 *
 * <p>Per batch (default): one message per instrument, topic from the template,
 * {@code {"temp":[["2026-01-01T00:00:00.000000Z",21.5], ...], ...}}: raw samples under the channel
 * name, rollups under {@code channel/stat} for each configured statistic (at the interval start), increments under
 * {@code channel/increment} (at the bucket start). Text values are JSON strings; non-finite
 * numbers are {@code null}; a sample whose quality is not good carries it as a third element.
 *
 * <p>With a {@code maxMessageBytes} cap, an instrument's records that would exceed it are split
 * over several messages of the same shape (halving the records until each payload fits, so
 * every message is as encoded, never estimated); a single record larger than the cap goes alone.
 *
 * <p>Per sample: one message per sample, {@code {"channel":"temp","t":"...","v":21.5}} (and
 * {@code "q"} when not good); rollups and increments as in per-batch mode, one message per record.
 */
final class MqttMessages {
  /** One message and the leased records it carries (acknowledged when its PUBACK arrives). */
  record Message(String topic, byte[] payload, List<BufferRecord> records) {}

  private MqttMessages() {}

  static List<Message> of(Lease lease, TopicTemplate topic, boolean perSample, Function<ChannelId, List<Stat>> stats) {
    return of(lease, topic, perSample, stats, 0);
  }

  /** As {@link #of(Lease, TopicTemplate, boolean, Function)}, batch payloads at most {@code maxBytes} (0 = no limit). */
  static List<Message> of(Lease lease, TopicTemplate topic, boolean perSample, Function<ChannelId, List<Stat>> stats, long maxBytes) {
    List<Message> out = new ArrayList<>();
    if (perSample) {
      for (SampleRecord r : lease.samples()) {
        out.add(new Message(topic.topic(r.channel().instrument()), json(g -> {
          g.writeStartObject();
          g.writeStringField("channel", r.channel().channel());
          g.writeStringField("t", Rfc3339.micros(r.sample().timeMicros()));
          g.writeFieldName("v");
          value(g, r);
          if (r.sample().quality() != Quality.GOOD) {
            g.writeStringField("q", r.sample().quality().name().toLowerCase(Locale.ROOT));
          }
          g.writeEndObject();
        }), List.of(r)));
      }
      List<BufferRecord> derived = new ArrayList<>(lease.rollups());
      derived.addAll(lease.increments());
      for (BufferRecord r : derived) {
        out.add(batch(topic.topic(r.channel().instrument()), List.of(r), stats));
      }
      return out;
    }
    Map<String, List<BufferRecord>> byInstrument = new LinkedHashMap<>();
    for (List<? extends BufferRecord> kind : List.of(lease.samples(), lease.rollups(), lease.increments())) {
      for (BufferRecord r : kind) {
        byInstrument.computeIfAbsent(r.channel().instrument(), k -> new ArrayList<>()).add(r);
      }
    }
    byInstrument.forEach((instrument, records) -> split(topic.topic(instrument), records, stats, maxBytes, out));
    return out;
  }

  /** Adds {@code records} as one message, or as several when its payload exceeds {@code maxBytes}. */
  private static void split(String topic, List<BufferRecord> records, Function<ChannelId, List<Stat>> stats, long maxBytes,
      List<Message> out) {
    Message m = batch(topic, records, stats);
    if (maxBytes <= 0 || m.payload().length <= maxBytes || records.size() == 1) {
      out.add(m);
      return;
    }
    int half = records.size() / 2;
    split(topic, records.subList(0, half), stats, maxBytes, out);
    split(topic, records.subList(half, records.size()), stats, maxBytes, out);
  }

  /** {@code {"series":[[time, value], ...], ...}} for records of one instrument, series in first-seen order. */
  private static Message batch(String topic, List<BufferRecord> records, Function<ChannelId, List<Stat>> stats) {
    Map<String, List<BufferRecord>> series = new LinkedHashMap<>();
    for (BufferRecord r : records) {
      if (r instanceof RollupRecord rr) {
        for (Stat s : stats.apply(rr.channel())) {
          series.computeIfAbsent(rr.channel().channel() + "/" + s.name().toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(r);
        }
      } else if (r instanceof IncrementRecord) {
        series.computeIfAbsent(r.channel().channel() + "/increment", k -> new ArrayList<>()).add(r);
      } else {
        series.computeIfAbsent(r.channel().channel(), k -> new ArrayList<>()).add(r);
      }
    }
    return new Message(topic, json(g -> {
      g.writeStartObject();
      for (Map.Entry<String, List<BufferRecord>> e : series.entrySet()) {
        g.writeArrayFieldStart(e.getKey());
        String stat = e.getKey().contains("/") ? e.getKey().substring(e.getKey().indexOf('/') + 1) : "";
        for (BufferRecord r : e.getValue()) {
          g.writeStartArray();
          if (r instanceof SampleRecord s) {
            g.writeString(Rfc3339.micros(s.sample().timeMicros()));
            value(g, s);
            if (s.sample().quality() != Quality.GOOD) {
              g.writeString(s.sample().quality().name().toLowerCase(Locale.ROOT));
            }
          } else if (r instanceof RollupRecord rr) {
            g.writeString(Rfc3339.micros(rr.startMicros()));
            number(g, rr.value(Stat.valueOf(stat.toUpperCase(Locale.ROOT))));
          } else if (r instanceof IncrementRecord ir) {
            g.writeString(Rfc3339.micros(ir.bucketStartMicros()));
            number(g, ir.delta());
          }
          g.writeEndArray();
        }
        g.writeEndArray();
      }
      g.writeEndObject();
    }), records);
  }

  private static void value(JsonGenerator g, SampleRecord r) throws IOException {
    if (r.sample().isText()) {
      g.writeString(r.sample().text());
    } else {
      number(g, r.sample().value());
    }
  }

  private static void number(JsonGenerator g, double v) throws IOException {
    if (Double.isFinite(v)) {
      g.writeNumber(v);
    } else {
      g.writeNull();
    }
  }

  private static byte[] json(JsonBody.Writer writer) {
    try {
      return JsonBody.toJson(writer).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
