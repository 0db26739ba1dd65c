package io.ferry.uplink.atomscale;

import com.fasterxml.jackson.core.JsonGenerator;
import io.ferry.buffer.KeyValueStore;
import io.ferry.buffer.SampleRecord;
import io.ferry.http.HttpClassifier;
import io.ferry.http.Redact;
import io.ferry.http.Reply;
import io.ferry.http.Verdict;
import io.ferry.uplink.Delivery;
import io.ferry.uplink.Exchange;
import io.ferry.uplink.JsonBody;
import java.io.IOException;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import okhttp3.Request;
import okhttp3.RequestBody;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable side of Atomscale streams, per instrument, in the uplink's key/value state:
 * <ul>
 *   <li>{@code dataId/<instrument>}: the stream, stored (committed) before its first chunk is sent;
 *   <li>{@code claim/<instrument>}: {@code index|signature|acked} of the last chunk index handed
 *       out. An index is claimed (committed) before its chunk is sent, so it is never reused for
 *       other content: a retry with the same signature reuses it (idempotent on the server), any
 *       other content takes the next index.
 * </ul>
 * {@code initialize} is never retried blindly: after an ambiguous failure the next attempt creates
 * a new stream, and the possibly orphaned one is logged and counted.
 */
public final class AtomscaleStreams {
  private static final Logger LOG = LoggerFactory.getLogger(AtomscaleStreams.class);
  static final String DATA_ID = "dataId/";
  static final String CLAIM = "claim/";

  private final AtomscalePlan plan;
  private final KeyValueStore state;
  private final InstantSource clock;

  public AtomscaleStreams(AtomscalePlan plan, KeyValueStore state, InstantSource clock) {
    this.plan = plan;
    this.state = state;
    this.clock = clock;
  }

  public Optional<String> dataId(String instrument) {
    return state.get(DATA_ID + instrument);
  }

  /** Sends one chunk; empty on success, otherwise how the batch should end. */
  public Optional<Delivery> send(String instrument, ChunkCutter.Chunk chunk, Exchange exchange) throws InterruptedException {
    Optional<String> dataId = dataId(instrument);
    if (dataId.isEmpty()) {
      Optional<Delivery> failed = initialize(instrument, exchange);
      if (failed.isPresent()) {
        return failed;
      }
      dataId = dataId(instrument);
    }
    String id = dataId.orElseThrow();
    String signature = id + ":" + chunk.signature();
    long index = claim(instrument, signature);
    Request request = new Request.Builder()
        .url(plan.url("chunk", "multi"))
        .header("X-API-KEY", plan.apiKey().reveal())
        .post(new JsonBody(g -> writeChunk(g, instrument, id, index, chunk.points()), false))
        .build();
    Verdict v;
    try {
      Reply reply = Redact.echo(exchange.send(request), plan.apiKey());
      v = AtomscaleClassifier.chunk(reply.status(), reply.body(), reply.headers(), clock.instant(), chunk.points().keySet());
    } catch (IOException e) {
      return Optional.of(new Delivery.Retry(Optional.empty(), "chunk " + index + " of " + instrument
          + ": outcome unknown (" + Redact.describe(e, plan.apiKey()) + "); the same chunk is sent again"));
    }
    if (v instanceof Verdict.Acknowledged) {
      state.put(CLAIM + instrument, index + "|" + signature + "|1");
      return Optional.empty();
    } else if (v instanceof Verdict.Partial p) {
      return Optional.of(new Delivery.Retry(Optional.empty(), "chunk " + index + " of " + instrument + ": " + p.reason()));
    } else if (v instanceof Verdict.RetryAfter r) {
      return Optional.of(new Delivery.Retry(r.after(), "chunk " + index + " of " + instrument + ": " + r.reason()));
    } else if (v instanceof Verdict.Reject r) {
      if (r.reason().startsWith(AtomscaleClassifier.STREAM_GONE)) {
        LOG.warn("uplink {}: stream {} of {} no longer accepts data ({}); a new stream will be created", plan.name(), id,
            instrument, r.reason());
        forget(instrument);
        return Optional.of(new Delivery.Retry(Optional.empty(), r.reason()));
      }
      return Optional.of(new Delivery.Rejected(chunk.covered(), "chunk " + index + " of " + instrument + " refused: " + r.reason()));
    } else if (v instanceof Verdict.TooLarge t) {
      return Optional.of(new Delivery.Retry(Optional.empty(), "chunk too large (" + t.reason() + "): lower pointsPerChunk"));
    } else if (v instanceof Verdict.Unauthorized u) {
      return Optional.of(new Delivery.Unauthorized(u.reason()));
    } else if (v instanceof Verdict.Misconfigured m) {
      return Optional.of(new Delivery.Misconfigured(m.reason()));
    }
    throw new IllegalStateException("unexpected verdict " + v);
  }

  /** The index for this content: the claimed one for the same content, else the next, claimed durably first. */
  long claim(String instrument, String signature) {
    Optional<String> claim = state.get(CLAIM + instrument);
    long index = 0;
    if (claim.isPresent()) {
      String[] parts = claim.get().split("\\|");
      long claimed = Long.parseLong(parts[0]);
      if (parts.length >= 2 && parts[1].equals(signature)) {
        return claimed;
      }
      index = claimed + 1;
    }
    state.put(CLAIM + instrument, index + "|" + signature + "|0");
    return index;
  }

  private Optional<Delivery> initialize(String instrument, Exchange exchange) throws InterruptedException {
    Request request = new Request.Builder()
        .url(plan.url("initialize"))
        .header("X-API-KEY", plan.apiKey().reveal())
        .post(new JsonBody(g -> {
          g.writeStartObject();
          g.writeStringField("stream_name", plan.streamName(instrument));
          g.writeNumberField("points_per_chunk", plan.pointsPerChunk());
          if (plan.synthSourceId().isPresent()) {
            g.writeNumberField("synth_source_id", plan.synthSourceId().get());
          }
          if (plan.projectId().isPresent()) {
            g.writeStringField("project_id", plan.projectId().get());
          }
          g.writeEndObject();
        }, false))
        .build();
    Reply reply;
    try {
      reply = Redact.echo(exchange.send(request), plan.apiKey());
    } catch (IOException e) {
      String why = Redact.describe(e, plan.apiKey());
      LOG.warn("uplink {}: initialize of the stream for {} ended without an answer ({}): the server may hold a stream Ferry "
          + "will never use; initialize is not safe to retry, so the next attempt creates a new stream", plan.name(), instrument, why);
      return Optional.of(new Delivery.Retry(Optional.empty(), "initialize for " + instrument + ": outcome unknown (" + why + ")"));
    }
    Optional<Verdict> byStatus = HttpClassifier.byStatus(reply.status(), reply.body(), reply.headers(), clock.instant());
    if (byStatus.isPresent()) {
      Verdict v = byStatus.get();
      if (v instanceof Verdict.Unauthorized u) {
        return Optional.of(new Delivery.Unauthorized(u.reason()));
      }
      if (v instanceof Verdict.Misconfigured m) {
        return Optional.of(new Delivery.Misconfigured("initialize for " + instrument + ": " + m.reason()));
      }
      Optional<java.time.Duration> after = v instanceof Verdict.RetryAfter r ? r.after() : Optional.empty();
      return Optional.of(new Delivery.Retry(after, "initialize for " + instrument + " refused: HTTP " + reply.status()
          + HttpClassifier.snippet(reply.body()) + " (samples stay buffered)"));
    }
    Optional<String> id = AtomscaleClassifier.dataId(reply.body());
    if (id.isEmpty() && !HttpClassifier.parse(reply.body()).map(com.fasterxml.jackson.databind.JsonNode::isObject).orElse(false)) {
      // Not JSON at all (a proxy's page on a 200): not Atomscale; no stream was created.
      return Optional.of(new Delivery.Misconfigured("initialize for " + instrument + ": "
          + HttpClassifier.notTheApi(reply.status(), reply.body(), reply.headers()).reason()));
    }
    if (id.isEmpty()) {
      LOG.warn("uplink {}: initialize for {} answered HTTP {} without a data_id{}; a new stream is created on the next attempt",
          plan.name(), instrument, reply.status(), HttpClassifier.snippet(reply.body()));
      return Optional.of(new Delivery.Retry(Optional.empty(), "initialize for " + instrument + ": no data_id in the answer"));
    }
    state.put(DATA_ID + instrument, id.get());
    state.remove(CLAIM + instrument);
    LOG.info("uplink {}: created Atomscale stream {} for {} ({} points per chunk)", plan.name(), id.get(), instrument, plan.pointsPerChunk());
    return Optional.empty();
  }

  /** Finalizes the instrument's stream; empty on success (or when no stream is open). */
  public Optional<String> finalizeStream(String instrument, Exchange exchange) throws InterruptedException {
    Optional<String> dataId = dataId(instrument);
    if (dataId.isEmpty()) {
      return Optional.empty();
    }
    Request request = new Request.Builder()
        .url(plan.url(dataId.get(), "finalize"))
        .header("X-API-KEY", plan.apiKey().reveal())
        .post(RequestBody.create(new byte[0], null))
        .build();
    try {
      Reply reply = Redact.echo(exchange.send(request), plan.apiKey());
      if (reply.status() / 100 != 2) {
        return Optional.of("finalize of stream " + dataId.get() + " refused: HTTP " + reply.status() + HttpClassifier.snippet(reply.body()));
      }
    } catch (IOException e) {
      return Optional.of("finalize of stream " + dataId.get() + " failed (" + Redact.describe(e, plan.apiKey()) + "); run it again");
    }
    forget(instrument);
    LOG.info("uplink {}: finalized Atomscale stream {} of {}", plan.name(), dataId.get(), instrument);
    return Optional.empty();
  }

  private void forget(String instrument) {
    state.remove(DATA_ID + instrument);
    state.remove(CLAIM + instrument);
  }

  /** {@code {"data_id":..,"chunk_index":..,"channels":{name:{"timestamps":[s],"values":[..],"units":..}}}} */
  void writeChunk(JsonGenerator g, String instrument, String dataId, long index, Map<String, List<SampleRecord>> points)
      throws IOException {
    Map<String, String> units = new java.util.HashMap<>();
    for (AtomscalePlan.ChannelUnit cu : plan.instruments().getOrDefault(instrument, List.of())) {
      units.put(cu.channel(), cu.unit());
    }
    writeChunkBody(g, dataId, index, points, units);
  }

  static void writeChunkBody(JsonGenerator g, String dataId, long index, Map<String, List<SampleRecord>> points,
      Map<String, String> units) throws IOException {
    g.writeStartObject();
    g.writeStringField("data_id", dataId);
    g.writeNumberField("chunk_index", index);
    g.writeObjectFieldStart("channels");
    char[] text = new char[EPOCH_CHARS];
    for (Map.Entry<String, List<SampleRecord>> e : points.entrySet()) {
      g.writeObjectFieldStart(e.getKey());
      g.writeArrayFieldStart("timestamps");
      for (SampleRecord r : e.getValue()) {
        long micros = r.sample().timeMicros();
        if (micros >= 0) {
          g.writeNumber(text, 0, epochSeconds(micros, text));
        } else {
          g.writeNumber(epochSeconds(micros));
        }
      }
      g.writeEndArray();
      g.writeArrayFieldStart("values");
      for (SampleRecord r : e.getValue()) {
        g.writeNumber(r.sample().value());
      }
      g.writeEndArray();
      String unit = units.getOrDefault(e.getKey(), "");
      if (!unit.isEmpty()) {
        g.writeStringField("units", unit);
      }
      g.writeEndObject();
    }
    g.writeEndObject();
    g.writeEndObject();
  }

  /**
   * Epoch seconds as a plain JSON number with microsecond precision ("1705312200.0",
   * "1705312200.123456"): a double would print 1.7053122E9 and round the microseconds.
   */
  static String epochSeconds(long micros) {
    if (micros < 0) {
      return "-" + epochSeconds(-micros);
    }
    long s = micros / 1_000_000L;
    long f = micros % 1_000_000L;
    if (f == 0) {
      return s + ".0";
    }
    String frac = String.format("%06d", f);
    int end = frac.length();
    while (frac.charAt(end - 1) == '0') {
      end--;
    }
    return s + "." + frac.substring(0, end);
  }

  /** Room for the longest non-negative {@link #epochSeconds(long, char[])}: 13 digits, '.', 6 digits. */
  static final int EPOCH_CHARS = 24;

  /**
   * {@link #epochSeconds(long)} of a non-negative time written into {@code out} (no String per
   * sample: a chunk body writes hundreds of thousands of timestamps); returns the length.
   */
  static int epochSeconds(long micros, char[] out) {
    long s = micros / 1_000_000L;
    int f = (int) (micros % 1_000_000L);
    int len = 0;
    if (s == 0) {
      out[len++] = '0';
    } else {
      int digits = 0;
      for (long v = s; v > 0; v /= 10) {
        digits++;
      }
      for (int i = digits - 1; i >= 0; i--) {
        out[len + i] = (char) ('0' + s % 10);
        s /= 10;
      }
      len += digits;
    }
    out[len++] = '.';
    if (f == 0) {
      out[len++] = '0';
      return len;
    }
    int end = 6;
    while (f % 10 == 0) {
      f /= 10;
      end--;
    }
    for (int i = end - 1; i >= 0; i--) {
      out[len + i] = (char) ('0' + f % 10);
      f /= 10;
    }
    return len + end;
  }

}
