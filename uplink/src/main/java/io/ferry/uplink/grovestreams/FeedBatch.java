package io.ferry.uplink.grovestreams;

import com.fasterxml.jackson.core.JsonGenerator;
import io.ferry.buffer.BufferRecord;
import io.ferry.buffer.RollupRecord;
import io.ferry.buffer.SampleRecord;
import io.ferry.core.ChannelId;
import io.ferry.core.ChannelSpec;
import io.ferry.core.Stat;
import io.ferry.uplink.ChannelCatalog;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * One feed PUT: which streams it carries (component = instrument, stream = channel for raw
 * samples, {@code channel_stat} interval streams for rollups) and which leased records it covers.
 * Planning is pure and keeps views into the lease, never copies of it; {@link #write} streams the
 * JSON. Whole channels only: a channel's records are either all in the PUT or all left for the
 * next one.
 */
public final class FeedBatch {
  /** One stream of the PUT: a view of the records that feed it. */
  public record StreamRun(
      String component, String stream, Optional<StreamDefaults> defaults, List<SampleRecord> samples,
      List<RollupRecord> rollups, Stat stat) {

    public boolean isRollup() {
      return stat != null;
    }

    public String key() {
      return GroveStreamsClassifier.key(component, stream);
    }
  }

  private final GroveStreamsPlan plan;
  private final ChannelCatalog catalog;
  private final Map<String, List<StreamRun>> byComponent = new LinkedHashMap<>();
  /** Views into the lease, not copies: a lease of 400,000 samples holds no record per sample (see {@link #covered}). */
  private final List<List<? extends BufferRecord>> coveredParts = new ArrayList<>();
  private List<BufferRecord> covered;
  private int coveredSize;
  private final List<StreamRun> runs = new ArrayList<>();
  private int dropped;
  private boolean truncated;

  private FeedBatch(GroveStreamsPlan plan, ChannelCatalog catalog) {
    this.plan = plan;
    this.catalog = catalog;
  }

  /**
   * Plans a PUT from a lease's samples and rollups (each ordered by channel, then time).
   *
   * @param catalog the channels' units, descriptions and rollup statistics, the components' names
   * @param withDefaults says which stream keys ({@code component/stream}) must carry defaults
   * @param only when not null, only streams whose key it accepts are included (a resend)
   */
  public static FeedBatch plan(GroveStreamsPlan plan, ChannelCatalog catalog, List<SampleRecord> samples,
      List<RollupRecord> rollups, Predicate<String> withDefaults, Predicate<String> only) {
    FeedBatch b = new FeedBatch(plan, catalog);
    int budget = plan.maxStreams();
    int i = 0;
    while (i < samples.size()) {
      ChannelId ch = samples.get(i).channel();
      int j = i;
      while (j < samples.size() && samples.get(j).channel().equals(ch)) {
        j++;
      }
      String key = GroveStreamsClassifier.key(ch.instrument(), ch.channel());
      if (only == null || only.test(key)) {
        if (budget < 1) {
          b.truncated = true;
          break;
        }
        List<SampleRecord> view = samples.subList(i, j);
        b.add(new StreamRun(ch.instrument(), ch.channel(),
            withDefaults.test(key) ? Optional.of(b.rawDefaults(ch, view.get(0).sample().isText())) : Optional.empty(),
            view, List.of(), null));
        b.cover(view);
        budget--;
      }
      i = j;
    }
    i = 0;
    while (!b.truncated && i < rollups.size()) {
      ChannelId ch = rollups.get(i).channel();
      int j = i;
      while (j < rollups.size() && rollups.get(j).channel().equals(ch)) {
        j++;
      }
      List<Stat> stats = catalog.rollupStats(ch);
      List<RollupRecord> view = rollups.subList(i, j);
      List<StreamRun> channelRuns = new ArrayList<>();
      for (Stat stat : stats) {
        String stream = rollupStream(ch.channel(), stat);
        String key = GroveStreamsClassifier.key(ch.instrument(), stream);
        if (only == null || only.test(key)) {
          channelRuns.add(new StreamRun(ch.instrument(), stream,
              withDefaults.test(key) ? Optional.of(b.rollupDefaults(ch, stat, view.get(0).intervalMicros())) : Optional.empty(),
              List.of(), view, stat));
        }
      }
      if (!channelRuns.isEmpty()) {
        if (channelRuns.size() > budget) {
          b.truncated = true;
          break;
        }
        channelRuns.forEach(b::add);
        b.cover(view);
        budget -= channelRuns.size();
      }
      i = j;
    }
    return b;
  }

  /** Stream id of a rollup statistic: {@code channel_avg}. */
  public static String rollupStream(String channel, Stat stat) {
    return channel + "_" + stat.name().toLowerCase(Locale.ROOT);
  }

  private void cover(List<? extends BufferRecord> view) {
    coveredParts.add(view);
    coveredSize += view.size();
  }

  private void add(StreamRun run) {
    byComponent.computeIfAbsent(run.component(), c -> new ArrayList<>()).add(run);
    runs.add(run);
  }

  private StreamDefaults rawDefaults(ChannelId ch, boolean text) {
    ChannelSpec spec = catalog.spec(ch).orElse(null);
    String description = spec == null || spec.description().isEmpty() ? ch.toString() : spec.description();
    return new StreamDefaults(ch.channel(), description, spec == null ? "" : spec.unit(), "rdm_stream",
        text ? "STRING" : "DOUBLE", Optional.empty(), Optional.empty());
  }

  private StreamDefaults rollupDefaults(ChannelId ch, Stat stat, long intervalMicros) {
    ChannelSpec spec = catalog.spec(ch).orElse(null);
    String cycle = plan.cycleId(intervalMicros);
    String what = stat.name().toLowerCase(Locale.ROOT) + " per " + io.ferry.config.Durations.format(java.time.Duration.ofNanos(intervalMicros * 1000));
    String description = (spec == null || spec.description().isEmpty() ? ch.toString() : spec.description()) + ", " + what;
    String unit = spec == null || stat == Stat.COUNT ? "" : spec.unit();
    return new StreamDefaults(ch.channel() + " " + what, description, unit, "intvl_stream",
        stat == Stat.COUNT ? "LONG" : "DOUBLE", Optional.of(cycle), plan.rollupCalendarId());
  }

  public List<StreamRun> runs() {
    return runs;
  }

  /**
   * The leased records this PUT covers (delivered when it is acknowledged), built at the first
   * call and the same objects afterwards (callers compare them by identity). Only partial
   * outcomes need it: a full acknowledgement acks the lease without it.
   */
  public List<BufferRecord> covered() {
    if (covered == null) {
      List<BufferRecord> all = new ArrayList<>(coveredSize);
      coveredParts.forEach(all::addAll);
      covered = all;
    }
    return covered;
  }

  /** How many leased records this PUT covers (without building them). */
  public int coveredSize() {
    return coveredSize;
  }

  /** True when the stream limit left records of the lease for a later PUT. */
  public boolean truncated() {
    return truncated;
  }

  public boolean isEmpty() {
    return runs.isEmpty();
  }

  /** Non-finite sample values left out (JSON nulls are not saved for random streams anyway). */
  public int dropped() {
    return dropped;
  }

  /** Streams the body: {@code {"feed":{"component":[...]}}}. Idempotent (OkHttp may call it twice). */
  public void write(JsonGenerator g) throws IOException {
    int droppedNow = 0;
    g.writeStartObject();
    g.writeObjectFieldStart("feed");
    g.writeArrayFieldStart("component");
    for (Map.Entry<String, List<StreamRun>> e : byComponent.entrySet()) {
      g.writeStartObject();
      g.writeStringField("componentId", e.getKey());
      boolean creating = e.getValue().stream().anyMatch(r -> r.defaults().isPresent());
      if (creating) {
        writeComponentDefaults(g, e.getKey());
      }
      g.writeArrayFieldStart("stream");
      for (StreamRun run : e.getValue()) {
        droppedNow += writeStream(g, run);
      }
      g.writeEndArray();
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeEndObject();
    g.writeEndObject();
    dropped = droppedNow;
  }

  private void writeComponentDefaults(JsonGenerator g, String component) throws IOException {
    GroveStreamsPlan.ComponentSettings c = plan.component();
    if (c.templateId().isPresent()) {
      g.writeStringField("componentTemplateId", c.templateId().get());
    }
    g.writeObjectFieldStart("defaults");
    g.writeStringField("name", catalog.instrumentName(component));
    if (!c.location().isEmpty()) {
      g.writeObjectFieldStart("location");
      for (Map.Entry<String, Object> l : c.location().entrySet()) {
        if (l.getValue() instanceof Double d) {
          g.writeNumberField(l.getKey(), d);
        } else {
          g.writeStringField(l.getKey(), String.valueOf(l.getValue()));
        }
      }
      g.writeEndObject();
    }
    g.writeEndObject();
  }

  private int writeStream(JsonGenerator g, StreamRun run) throws IOException {
    g.writeStartObject();
    g.writeStringField("streamId", run.stream());
    if (run.defaults().isPresent()) {
      StreamDefaults d = run.defaults().get();
      g.writeObjectFieldStart("defaults");
      g.writeStringField("name", d.name());
      g.writeStringField("description", d.description());
      g.writeStringField("streamType", d.streamType());
      g.writeStringField("valueType", d.valueType());
      if (!d.unitId().isEmpty()) {
        g.writeStringField("unitId", d.unitId());
      }
      if (d.baseCycleId().isPresent()) {
        g.writeStringField("baseCycleId", d.baseCycleId().get());
      }
      if (d.rollupCalendarId().isPresent()) {
        g.writeStringField("rollupCalendarId", d.rollupCalendarId().get());
      }
      g.writeEndObject();
    }
    int skipped = 0;
    g.writeArrayFieldStart("time");
    if (run.isRollup()) {
      for (RollupRecord r : run.rollups()) {
        if (Double.isFinite(r.value(run.stat()))) {
          g.writeNumber(Math.floorDiv(r.startMicros(), 1000L));
        }
      }
    } else {
      for (SampleRecord r : run.samples()) {
        if (r.sample().isText() || Double.isFinite(r.sample().value())) {
          g.writeNumber(Math.floorDiv(r.sample().timeMicros(), 1000L));
        } else {
          skipped++;
        }
      }
    }
    g.writeEndArray();
    g.writeArrayFieldStart("data");
    if (run.isRollup()) {
      for (RollupRecord r : run.rollups()) {
        double v = r.value(run.stat());
        if (Double.isFinite(v)) {
          if (run.stat() == Stat.COUNT) {
            g.writeNumber((long) v);
          } else {
            g.writeNumber(v);
          }
        }
      }
    } else {
      for (SampleRecord r : run.samples()) {
        if (r.sample().isText()) {
          g.writeString(r.sample().text());
        } else if (Double.isFinite(r.sample().value())) {
          g.writeNumber(r.sample().value());
        }
      }
    }
    g.writeEndArray();
    g.writeEndObject();
    return skipped;
  }
}
