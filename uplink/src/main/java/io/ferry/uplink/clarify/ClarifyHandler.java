package io.ferry.uplink.clarify;

import com.fasterxml.jackson.core.JsonGenerator;
import io.ferry.buffer.BufferRecord;
import io.ferry.buffer.KeyValueStore;
import io.ferry.buffer.Lease;
import io.ferry.buffer.RollupRecord;
import io.ferry.buffer.SampleRecord;
import io.ferry.core.Stat;
import io.ferry.http.Redact;
import io.ferry.http.Reply;
import io.ferry.http.Verdict;
import io.ferry.uplink.BatchHandler;
import io.ferry.uplink.Delivery;
import io.ferry.uplink.Exchange;
import io.ferry.uplink.JsonBody;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import okhttp3.Request;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends leases as {@code integration.insert} data frames, each preceded, when a key in it is new
 * or its metadata changed, by one {@code integration.saveSignals} for those keys. What was saved
 * is remembered durably in the uplink's key/value state ({@code signal/<input key>} = digest of
 * the metadata sent), so a restart does not save again. Every call goes through the one
 * {@link Exchange}, whose pacing keeps both methods together at one request per second.
 */
final class ClarifyHandler implements BatchHandler {
  private static final Logger LOG = LoggerFactory.getLogger(ClarifyHandler.class);
  static final String SIGNAL = "signal/";
  /** Request ids are decimal strings of at most this many digits (for the size budget). */
  private static final int ID_DIGITS = 19;

  private final ClarifyPlan plan;
  private final KeyValueStore state;
  private final InstantSource clock;
  private final ClarifyAuth auth;
  private final Map<String, ClarifyPlan.Signal> byKey = new TreeMap<>();
  private long nextId = 1;

  ClarifyHandler(ClarifyPlan plan, KeyValueStore state, InstantSource clock) {
    this.plan = plan;
    this.state = state;
    this.clock = clock;
    this.auth = new ClarifyAuth(plan, clock);
    plan.signals().values().forEach(s -> byKey.put(s.inputKey(), s));
  }

  @Override
  public Delivery deliver(Lease lease, Exchange exchange) throws InterruptedException {
    if (!lease.increments().isEmpty()) {
      return new Delivery.Rejected(lease.increments(),
          "clarify stores values, not increments: route the counter's raw readings or a rollup sum instead");
    }
    List<DataFrames.Point> points = new ArrayList<>();
    List<BufferRecord> unplanned = new ArrayList<>();
    List<BufferRecord> nothingToSend = new ArrayList<>();
    for (SampleRecord r : lease.samples()) {
      ClarifyPlan.Signal s = plan.signals().get(ClarifyPlan.Series.raw(r.channel()));
      if (s == null) {
        unplanned.add(r);
      } else if (r.sample().isText() || !Double.isFinite(r.sample().value())) {
        nothingToSend.add(r); // Clarify's numeric series carry no text or NaN: counted as dropped
      } else {
        points.add(new DataFrames.Point(s.inputKey(), r.sample().timeMicros(), r.sample().value(), r));
      }
    }
    for (RollupRecord r : lease.rollups()) {
      boolean any = false;
      for (Map.Entry<ClarifyPlan.Series, ClarifyPlan.Signal> e : rollupSignals(r)) {
        double v = r.value(e.getKey().stat());
        if (Double.isFinite(v)) {
          points.add(new DataFrames.Point(e.getValue().inputKey(), r.startMicros(), v, r));
          any = true;
        }
      }
      if (!any) {
        if (rollupSignals(r).isEmpty()) {
          unplanned.add(r);
        } else {
          nothingToSend.add(r);
        }
      }
    }
    if (!unplanned.isEmpty()) {
      return new Delivery.Rejected(unplanned, "channel is not part of this uplink's Clarify signals (configuration changed?)");
    }
    List<DataFrames.Frame> frames = DataFrames.cut(points, plan.maxRequestBytes(), envelopeBytes("integration.insert"));
    int dropped = nothingToSend.size();
    List<BufferRecord> delivered = new ArrayList<>(nothingToSend);
    for (DataFrames.Frame frame : frames) {
      Optional<Delivery> failed = saveSignals(frame, exchange);
      if (failed.isEmpty()) {
        failed = insert(frame, exchange);
      }
      if (failed.isPresent()) {
        return delivered.isEmpty() ? failed.get() : new Delivery.Partial(delivered, dropped, !(failed.get() instanceof Delivery.Rejected));
      }
      delivered.addAll(frame.covered());
    }
    return new Delivery.Acked(dropped); // every record is in a frame or has nothing to send
  }

  private List<Map.Entry<ClarifyPlan.Series, ClarifyPlan.Signal>> rollupSignals(RollupRecord r) {
    List<Map.Entry<ClarifyPlan.Series, ClarifyPlan.Signal>> out = new ArrayList<>();
    for (Stat stat : Stat.values()) {
      ClarifyPlan.Series series = new ClarifyPlan.Series(r.channel(), stat);
      ClarifyPlan.Signal s = plan.signals().get(series);
      if (s != null) {
        out.add(Map.entry(series, s));
      }
    }
    return out;
  }

  /** saveSignals for the frame's keys whose metadata Clarify has not got yet; empty on success. */
  private Optional<Delivery> saveSignals(DataFrames.Frame frame, Exchange exchange) throws InterruptedException {
    Map<String, String> due = new LinkedHashMap<>();
    for (String key : frame.series().keySet()) {
      String digest = digest(byKey.get(key));
      if (!state.get(SIGNAL + key).map(digest::equals).orElse(false)) {
        due.put(key, digest);
      }
    }
    if (due.isEmpty()) {
      return Optional.empty();
    }
    Optional<Delivery> failed = call("integration.saveSignals", g -> {
      g.writeObjectFieldStart("signalsByInput");
      for (String key : due.keySet()) {
        g.writeFieldName(key);
        writeSignal(g, byKey.get(key));
      }
      g.writeEndObject();
      g.writeBooleanField("createOnly", false);
    }, exchange);
    if (failed.isPresent() && failed.get() instanceof Delivery.Rejected r) {
      // Metadata comes from the configuration, not from the samples: fix the YAML, keep the data.
      return Optional.of(new Delivery.Misconfigured(r.reason() + " (the signal metadata from the configuration)"));
    }
    if (failed.isPresent()) {
      return failed;
    }
    due.forEach((key, digest) -> state.put(SIGNAL + key, digest));
    LOG.info("uplink {}: saved the metadata of {} Clarify signal(s): {}", plan.name(), due.size(),
        due.size() <= 5 ? String.join(", ", due.keySet()) : String.join(", ", new ArrayList<>(due.keySet()).subList(0, 5)) + ", ...");
    return Optional.empty();
  }

  private Optional<Delivery> insert(DataFrames.Frame frame, Exchange exchange) throws InterruptedException {
    return call("integration.insert", g -> {
      g.writeObjectFieldStart("data");
      frame.write(g);
      g.writeEndObject();
    }, exchange).map(d -> d instanceof Delivery.Rejected r ? new Delivery.Rejected(frame.covered(), r.reason()) : d);
  }

  /**
   * One JSON-RPC call with the rest of {@code params} after {@code integration}; empty when
   * acknowledged. A 401 with a cached OAuth token fetches a new token and sends once more.
   * A rejection is returned as {@link Delivery.Rejected} without records (the caller fills them in).
   */
  private Optional<Delivery> call(String method, JsonBody.Writer params, Exchange exchange) throws InterruptedException {
    for (int attempt = 0; ; attempt++) {
      ClarifyAuth.Header header = auth.header(exchange);
      if (header instanceof ClarifyAuth.Header.Failed f) {
        return Optional.of(f.delivery());
      }
      String id = Long.toString(nextId++);
      Request request = new Request.Builder().url(plan.rpcUrl())
          .header("Authorization", ((ClarifyAuth.Header.Value) header).value())
          .header("X-API-Version", ClarifyPlan.API_VERSION)
          .post(new JsonBody(g -> envelope(g, method, id, params), false))
          .build();
      Reply reply;
      try {
        reply = Redact.echo(exchange.send(request), plan.secrets());
      } catch (IOException e) {
        return Optional.of(new Delivery.Retry(Optional.empty(), method + ": outcome unknown (" + Redact.describe(e)
            + "); sent again (explicit times make it harmless)"));
      }
      if (reply.status() == 401 && auth.refreshable() && attempt == 0) {
        auth.invalidate(); // the token expired early or was revoked: one fresh token, one more try
        continue;
      }
      Verdict v = ClarifyClassifier.classify(reply.status(), reply.body(), reply.headers(), clock.instant());
      if (v instanceof Verdict.Acknowledged) {
        return Optional.empty();
      } else if (v instanceof Verdict.RetryAfter r) {
        return Optional.of(new Delivery.Retry(r.after(), method + ": " + r.reason()));
      } else if (v instanceof Verdict.Reject r) {
        return Optional.of(new Delivery.Rejected(List.of(), method + " refused: " + r.reason()));
      } else if (v instanceof Verdict.TooLarge t) {
        return Optional.of(new Delivery.TooLarge(method + ": " + t.reason()));
      } else if (v instanceof Verdict.Unauthorized u) {
        return Optional.of(new Delivery.Unauthorized(method + ": " + u.reason()));
      } else if (v instanceof Verdict.Misconfigured m) {
        return Optional.of(new Delivery.Misconfigured(method + ": " + m.reason()));
      } else if (v instanceof Verdict.Partial p) {
        return Optional.of(new Delivery.Retry(Optional.empty(), method + ": " + p.reason()));
      }
      throw new IllegalStateException("unexpected verdict " + v);
    }
  }

  private void envelope(JsonGenerator g, String method, String id, JsonBody.Writer params) throws IOException {
    g.writeStartObject();
    g.writeStringField("jsonrpc", "2.0");
    g.writeStringField("method", method);
    g.writeStringField("id", id);
    g.writeObjectFieldStart("params");
    g.writeStringField("integration", plan.integration());
    params.write(g);
    g.writeEndObject();
    g.writeEndObject();
  }

  /** The request bytes around the data frame's content, with the longest id. */
  long envelopeBytes(String method) {
    try {
      return JsonBody.toJson(g -> envelope(g, method, "9".repeat(ID_DIGITS), p -> {
        p.writeObjectFieldStart("data");
        p.writeEndObject();
      })).getBytes(StandardCharsets.UTF_8).length;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static void writeSignal(JsonGenerator g, ClarifyPlan.Signal s) throws IOException {
    g.writeStartObject();
    g.writeStringField("name", s.name());
    g.writeStringField("description", s.description());
    if (!s.engUnit().isEmpty()) {
      g.writeStringField("engUnit", s.engUnit());
    }
    g.writeObjectFieldStart("labels");
    for (Map.Entry<String, List<String>> e : new TreeMap<>(s.labels()).entrySet()) {
      g.writeArrayFieldStart(e.getKey());
      for (String v : e.getValue()) {
        g.writeString(v);
      }
      g.writeEndArray();
    }
    g.writeEndObject();
    if (s.sampleInterval().isPresent()) {
      g.writeStringField("sampleInterval", s.sampleInterval().get().toString());
    }
    g.writeEndObject();
  }

  /** A digest of the metadata as sent: a change of any field saves the signal again. */
  static String digest(ClarifyPlan.Signal s) {
    try {
      byte[] json = JsonBody.toJson(g -> writeSignal(g, s)).getBytes(StandardCharsets.UTF_8);
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(json), 0, 8);
    } catch (IOException | NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
