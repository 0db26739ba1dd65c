package io.ferry.uplink.tempodb;

import io.ferry.buffer.BufferRecord;
import io.ferry.buffer.IncrementRecord;
import io.ferry.buffer.KeyValueStore;
import io.ferry.buffer.Lease;
import io.ferry.buffer.RollupRecord;
import io.ferry.buffer.SampleRecord;
import io.ferry.http.Redact;
import io.ferry.http.Reply;
import io.ferry.http.Verdict;
import io.ferry.uplink.BatchHandler;
import io.ferry.uplink.ChannelCatalog;
import io.ferry.uplink.Delivery;
import io.ferry.uplink.Exchange;
import io.ferry.uplink.JsonBody;
import io.ferry.uplink.OutcomeUnknown;
import io.ferry.uplink.WatchedBody;
import java.io.IOException;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import okhttp3.Credentials;
import okhttp3.Request;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a lease's increments (first) and then its gauge samples and rollups, one request each.
 * Increments are not idempotent: whether a failed request may have reached the server decides
 * what happens to them (see the package documentation). The uplink's durable state holds each
 * series' carried fraction ({@code carry/<key>}) and its outcome-unknown count, summed value and
 * latest time ({@code unknown/<key>}: {@code "count sum epochMillis"}).
 */
final class TempoDbHandler implements BatchHandler {
  private static final Logger LOG = LoggerFactory.getLogger(TempoDbHandler.class);
  static final String CARRY = "carry/";
  static final String UNKNOWN = "unknown/";

  private final TempoDbPlan plan;
  private final KeyValueStore state;
  private final InstantSource clock;
  private final Supplier<ChannelCatalog> catalog;
  private final String authorization;
  private final Map<String, Double> carries = new TreeMap<>();
  /** Per series: increments (points) whose outcome is unknown, the sum of their values, when the last was (ms). */
  private final Map<String, long[]> unknown = new TreeMap<>();
  /**
   * Points a 207 refused while others of the lease were acknowledged: a lease completes once, so
   * they are dead-lettered when they come back in the next lease (kind:id to the API's reason).
   */
  private final Map<String, String> refused = new LinkedHashMap<>();

  TempoDbHandler(TempoDbPlan plan, KeyValueStore state, InstantSource clock, Supplier<ChannelCatalog> catalog) {
    this.plan = plan;
    this.state = state;
    this.clock = clock;
    this.catalog = catalog;
    this.authorization = Credentials.basic(plan.key().reveal(), plan.secret().reveal());
    state.entries(CARRY).forEach((k, v) -> carries.put(k.substring(CARRY.length()), Double.parseDouble(v)));
    state.entries(UNKNOWN).forEach((k, v) -> {
      // "count sum lastMillis"; entries written before the time was kept have two fields.
      String[] parts = v.split(" ");
      long at = parts.length > 2 ? Long.parseLong(parts[2]) : 0;
      unknown.put(k.substring(UNKNOWN.length()), new long[] {Long.parseLong(parts[0]), Long.parseLong(parts[1]), at});
    });
  }

  @Override
  public List<String> notes() {
    return outcomeUnknown().describe().map(List::of).orElse(List.of());
  }

  @Override
  public synchronized OutcomeUnknown outcomeUnknown() {
    if (unknown.isEmpty()) {
      return OutcomeUnknown.NONE;
    }
    Map<String, OutcomeUnknown.Series> series = new TreeMap<>();
    long last = 0;
    for (Map.Entry<String, long[]> e : unknown.entrySet()) {
      series.put(e.getKey(), new OutcomeUnknown.Series(e.getValue()[0], e.getValue()[1]));
      last = Math.max(last, e.getValue()[2]);
    }
    return new OutcomeUnknown("increments", series, last == 0 ? Optional.empty() : Optional.of(java.time.Instant.ofEpochMilli(last)));
  }

  @Override
  public Delivery deliver(Lease lease, Exchange exchange) throws InterruptedException {
    Optional<Delivery> refusedBefore = refusedAgain(lease);
    if (refusedBefore.isPresent()) {
      return refusedBefore.get();
    }
    if (!lease.increments().isEmpty()) {
      Delivery d = increments(lease.increments(), exchange);
      boolean writesWait = !lease.samples().isEmpty() || !lease.rollups().isEmpty();
      if (writesWait && d instanceof Delivery.Acked a) {
        return new Delivery.Partial(lease.increments(), a.dropped(), true);
      }
      return d;
    }
    // One list of records for planning and for the per-point outcome, which matches them by
    // identity: a lease's sample list may build a new record on every read (Lease#samples).
    return writes(List.copyOf(lease.samples()), lease.rollups(), exchange);
  }

  // ------------------------------------------------------------------ increments

  private Delivery increments(List<IncrementRecord> records, Exchange exchange) throws InterruptedException {
    IncrementPlan ip = IncrementPlan.of(records, carries);
    if (ip.points().isEmpty()) {
      settle(ip.points(), ip.carriedOnly());
      return new Delivery.Acked(0);
    }
    AtomicBoolean bodyStarted = new AtomicBoolean();
    TempoDbClassifier.Answer answer;
    try {
      Reply reply = Redact.echo(exchange.send(request(ip.points(), true, bodyStarted)), plan.key(), plan.secret());
      answer = TempoDbClassifier.classify(reply.status(), reply.body(), reply.headers(), clock.instant(), ip.points().size());
    } catch (IOException e) {
      String what = Redact.describe(e, plan.key(), plan.secret());
      if (!bodyStarted.get()) {
        return new Delivery.Retry(Optional.empty(), "increment request not sent (" + what + ")");
      }
      return ambiguous(ip, "increment request failed after it was sent (" + what + ")");
    }
    if (answer instanceof TempoDbClassifier.Answer.Stored) {
      settle(ip.points(), ip.carriedOnly());
      return new Delivery.Acked(0);
    } else if (answer instanceof TempoDbClassifier.Answer.PerPoint pp) {
      List<Point> stored = new ArrayList<>();
      List<BufferRecord> rejected = new ArrayList<>();
      String reason = "";
      for (int i = 0; i < ip.points().size(); i++) {
        Point p = ip.points().get(i);
        TempoDbClassifier.PointAnswer a = pp.points().get(i);
        switch (a.status()) {
          case STORED -> stored.add(p);
          case REJECT -> {
            rejected.addAll(p.records());
            reason = reason.isEmpty() ? a.reason() : reason;
            p.records().forEach(r -> refused.put(id(r), a.reason()));
          }
          case RETRY -> { }
        }
      }
      settle(stored, ip.carriedOnly());
      return partial(stored, ip.carriedOnly(), rejected, reason, stored.size() + rejected.size() < ip.points().size(), 0);
    } else if (answer instanceof TempoDbClassifier.Answer.Unmapped u) {
      return ambiguous(ip, u.reason());
    } else if (answer instanceof TempoDbClassifier.Answer.Failed f) {
      return failure(f.verdict(), ip.points());
    }
    throw new IllegalStateException("unhandled answer " + answer);
  }

  /** The request may have been applied: count the increments as outcome unknown, or resend them. */
  private Delivery ambiguous(IncrementPlan ip, String reason) {
    if (plan.ambiguous() == TempoDbPlan.Ambiguous.RESEND) {
      return new Delivery.Retry(Optional.empty(), reason + "; sending the increments again (resend is configured: they may be counted twice)");
    }
    long now = clock.millis();
    synchronized (this) {
      for (Point p : ip.points()) {
        long[] c = unknown.computeIfAbsent(p.key(), k -> new long[3]);
        c[0]++;
        c[1] += p.whole();
        c[2] = now;
        state.put(UNKNOWN + p.key(), c[0] + " " + c[1] + " " + c[2]);
      }
    }
    settle(ip.points(), ip.carriedOnly());
    LOG.warn("uplink {}: {}; {} increments NOT sent again (they may or may not have been counted), outcome unknown for {}",
        plan.name(), reason, ip.points().size(), ip.points().stream().map(p -> p.key() + "@" + TempoDbBody.time(p.timeMicros())
            + " +" + p.whole()).toList());
    return new Delivery.Acked(0);
  }

  /** Commits each touched series' carry: before + deltas of the settled records - integers sent for them. */
  private void settle(List<Point> points, List<IncrementRecord> carried) {
    Map<String, List<Point>> byKey = new LinkedHashMap<>();
    Map<String, List<IncrementRecord>> carriedByKey = new LinkedHashMap<>();
    points.forEach(p -> byKey.computeIfAbsent(p.key(), k -> new ArrayList<>()).add(p));
    carried.forEach(r -> carriedByKey.computeIfAbsent(TempoDbPlan.seriesKey(r.channel()), k -> new ArrayList<>()).add(r));
    Set<String> keys = new java.util.LinkedHashSet<>(byKey.keySet());
    keys.addAll(carriedByKey.keySet());
    for (String key : keys) {
      double before = carries.getOrDefault(key, 0.0);
      double after = IncrementPlan.settle(before, byKey.getOrDefault(key, List.of()), carriedByKey.getOrDefault(key, List.of()));
      if (after != before) {
        carries.put(key, after);
        state.put(CARRY + key, Double.toString(after));
      }
    }
  }

  // ------------------------------------------------------------------ writes

  private Delivery writes(List<SampleRecord> samples, List<RollupRecord> rollups, Exchange exchange) throws InterruptedException {
    WritePlan wp = WritePlan.of(catalog.get(), samples, rollups);
    if (wp.points().isEmpty()) {
      return new Delivery.Acked(wp.dropped());
    }
    TempoDbClassifier.Answer answer;
    try {
      Reply reply = Redact.echo(exchange.send(request(wp.points(), false, new AtomicBoolean())), plan.key(), plan.secret());
      answer = TempoDbClassifier.classify(reply.status(), reply.body(), reply.headers(), clock.instant(), wp.points().size());
    } catch (IOException e) {
      // Writes are upserts: a resend after any failure is harmless.
      return new Delivery.Retry(Optional.empty(), "write request failed (" + Redact.describe(e, plan.key(), plan.secret()) + ")");
    }
    if (answer instanceof TempoDbClassifier.Answer.Stored) {
      return new Delivery.Acked(wp.dropped());
    } else if (answer instanceof TempoDbClassifier.Answer.PerPoint pp) {
      Set<BufferRecord> notStored = Collections.newSetFromMap(new IdentityHashMap<>());
      List<BufferRecord> rejected = new ArrayList<>();
      String reason = "";
      boolean retry = false;
      for (int i = 0; i < wp.points().size(); i++) {
        Point p = wp.points().get(i);
        TempoDbClassifier.PointAnswer a = pp.points().get(i);
        if (a.status() == TempoDbClassifier.PointStatus.STORED) {
          continue;
        }
        BufferRecord r = p.records().get(0);
        notStored.add(r);
        if (a.status() == TempoDbClassifier.PointStatus.REJECT && !refused.containsKey(id(r))) {
          rejected.add(r);
          refused.put(id(r), a.reason());
          reason = reason.isEmpty() ? a.reason() : reason;
        } else if (a.status() == TempoDbClassifier.PointStatus.RETRY) {
          retry = true;
        }
      }
      List<BufferRecord> all = new ArrayList<>(samples);
      all.addAll(rollups);
      List<BufferRecord> delivered = all.stream().filter(r -> !notStored.contains(r)).toList();
      // A rollup refused for one statistic and retried for another is dead-lettered (it cannot be half-stored).
      return partialRecords(delivered, rejected, reason, retry, wp.dropped());
    } else if (answer instanceof TempoDbClassifier.Answer.Unmapped u) {
      return new Delivery.Retry(Optional.empty(), u.reason() + "; writing the batch again (writes are upserts)");
    } else if (answer instanceof TempoDbClassifier.Answer.Failed f) {
      return failure(f.verdict(), wp.points());
    }
    throw new IllegalStateException("unhandled answer " + answer);
  }

  // ------------------------------------------------------------------ completion

  private Delivery partial(List<Point> stored, List<IncrementRecord> carried, List<BufferRecord> rejected, String reason,
      boolean retry, int dropped) {
    List<BufferRecord> delivered = new ArrayList<>(carried);
    stored.forEach(p -> delivered.addAll(p.records()));
    return partialRecords(delivered, rejected, reason, retry, dropped);
  }

  /**
   * Acknowledges what was stored; what the API refused is dead-lettered with the next lease (or
   * now, when nothing was stored); what can succeed is released and sent again.
   */
  private Delivery partialRecords(List<BufferRecord> delivered, List<BufferRecord> rejected, String reason, boolean retry,
      int dropped) {
    if (delivered.isEmpty() && !rejected.isEmpty()) {
      rejected.forEach(r -> refused.remove(id(r)));
      return new Delivery.Rejected(rejected, reason);
    }
    if (delivered.isEmpty()) {
      return new Delivery.Retry(Optional.empty(), "TempoDB stored none of the points (207)");
    }
    LOG.info("uplink {}: TempoDB stored {} records of the batch (207){}{}", plan.name(), delivered.size(),
        rejected.isEmpty() ? "" : ", " + rejected.size() + " refused: " + reason, retry ? ", the rest is sent again" : "");
    // With points to retry, wait an idle poll rather than resending at once.
    return new Delivery.Partial(delivered, dropped, !retry);
  }

  private Optional<Delivery> refusedAgain(Lease lease) {
    if (refused.isEmpty()) {
      return Optional.empty();
    }
    List<BufferRecord> again = new ArrayList<>();
    String reason = null;
    for (List<? extends BufferRecord> kind : List.of(lease.increments(), lease.samples(), lease.rollups())) {
      for (BufferRecord r : kind) {
        String why = refused.get(id(r));
        if (why != null && (reason == null || reason.equals(why))) {
          reason = why;
          again.add(r);
        }
      }
    }
    if (again.isEmpty()) {
      return Optional.empty();
    }
    again.forEach(r -> refused.remove(id(r)));
    return Optional.of(new Delivery.Rejected(again, reason));
  }

  /**
   * A rejection dead-letters every record the points carry, each once. A Misconfigured answer (a
   * redirect, a wrong path, a proxy's page) pauses: TempoDB never saw the request, so even
   * increments are safe to send again once the url is fixed (issue 17).
   */
  private static Delivery failure(Verdict v, List<Point> points) {
    return Delivery.ofFailed(v, () -> {
      List<BufferRecord> records = new ArrayList<>();
      Set<BufferRecord> seen = Collections.newSetFromMap(new IdentityHashMap<>());
      points.forEach(p -> p.records().stream().filter(seen::add).forEach(records::add));
      return records;
    });
  }

  private static String id(BufferRecord r) {
    String kind = r instanceof IncrementRecord ? "i" : r instanceof SampleRecord ? "s" : "r";
    return kind + ":" + r.id();
  }

  Request request(List<Point> points, boolean increments, AtomicBoolean bodyStarted) {
    return new Request.Builder()
        .url(plan.baseUrl().resolve(TempoDbBody.path(points, increments)))
        .header("Authorization", authorization)
        .post(WatchedBody.notingStart(new JsonBody(g -> TempoDbBody.write(g, points), false), bodyStarted))
        .build();
  }
}
