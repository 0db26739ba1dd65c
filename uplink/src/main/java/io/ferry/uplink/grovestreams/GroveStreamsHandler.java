package io.ferry.uplink.grovestreams;

import io.ferry.buffer.BufferRecord;
import io.ferry.buffer.KeyValueStore;
import io.ferry.buffer.Lease;
import io.ferry.buffer.LeaseRequest;
import io.ferry.http.Redact;
import io.ferry.http.Reply;
import io.ferry.http.Verdict;
import io.ferry.uplink.BatchHandler;
import io.ferry.uplink.ChannelCatalog;
import io.ferry.uplink.Delivery;
import io.ferry.uplink.Exchange;
import io.ferry.uplink.JsonBody;
import java.io.IOException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import okhttp3.HttpUrl;
import okhttp3.Request;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends leases as feed PUTs. Streams the server reports missing were not stored: they are sent
 * again at once, this time with their {@code defaults}. Streams known to exist are remembered in
 * the uplink's durable state ({@code known/component/stream}), so metadata goes out only when needed.
 */
final class GroveStreamsHandler implements BatchHandler {
  private static final Logger LOG = LoggerFactory.getLogger(GroveStreamsHandler.class);
  static final String KNOWN = "known/";

  private final GroveStreamsPlan plan;
  private final KeyValueStore state;
  private final InstantSource clock;
  private final Supplier<ChannelCatalog> catalog;
  private final Set<String> known = new HashSet<>();
  private final Set<String> needDefaults = new HashSet<>();

  GroveStreamsHandler(GroveStreamsPlan plan, KeyValueStore state, InstantSource clock, Supplier<ChannelCatalog> catalog) {
    this.plan = plan;
    this.state = state;
    this.clock = clock;
    this.catalog = catalog;
    state.entries(KNOWN).keySet().forEach(k -> known.add(k.substring(KNOWN.length())));
  }

  /**
   * Up to maxStreams channels with as many of their oldest samples as the batch and the body cap
   * allow: one PUT then carries maxStreams streams x many samples, however many channels wait.
   */
  @Override
  public LeaseRequest leaseRequest(int batch, Duration ttl) {
    return new LeaseRequest(batch, plan.sampleBytes(), ttl).byChannel(plan.maxStreams(), 0);
  }

  @Override
  public Delivery deliver(Lease lease, Exchange exchange) throws InterruptedException {
    if (!lease.increments().isEmpty()) {
      return new Delivery.Rejected(lease.increments(),
          "grovestreams stores values, not increments: send the counter's raw readings or a rollup sum instead");
    }
    // One snapshot for the whole lease: the first PUT and a resend with metadata describe the same channels.
    ChannelCatalog channels = catalog.get();
    FeedBatch first = FeedBatch.plan(plan, channels, lease.samples(), lease.rollups(), this::wantsDefaults, null);
    if (first.isEmpty()) {
      return new Delivery.Acked(0);
    }
    Verdict v;
    try {
      v = classify(exchange.send(request(first)));
    } catch (IOException e) {
      return new Delivery.Retry(Optional.empty(), "feed PUT failed (" + Redact.describe(e, plan.apiKey()) + ")");
    }
    if (v instanceof Verdict.Acknowledged) {
      remember(first.runs(), Set.of());
      return first.truncated() ? new Delivery.Partial(first.covered(), first.dropped(), true) : new Delivery.Acked(first.dropped());
    } else if (v instanceof Verdict.Partial p) {
      return resendMissing(first, p, exchange, channels);
    }
    return Delivery.ofFailed(v, first::covered);
  }

  private Delivery resendMissing(FeedBatch first, Verdict.Partial p, Exchange exchange, ChannelCatalog channels)
      throws InterruptedException {
    Set<String> missing = resolve(first.runs(), p.missing());
    remember(first.runs(), missing);
    for (String key : missing) {
      needDefaults.add(key);
      if (known.remove(key)) {
        state.remove(KNOWN + key);
      }
    }
    if (missing.isEmpty()) {
      LOG.warn("uplink {}: server reported missing streams that were not in the PUT ({}); treating the PUT as stored", plan.name(), p.missing());
      return done(first, first.covered(), first.dropped());
    }
    LOG.info("uplink {}: {} stream(s) missing on GroveStreams ({}): sending them again with their metadata", plan.name(),
        missing.size(), abbreviate(missing));
    // Re-plan from the same records, keeping only the missing streams, all with defaults.
    List<BufferRecord> all = first.covered();
    FeedBatch resend = FeedBatch.plan(plan, channels, samplesOf(all), rollupsOf(all), k -> true, missing::contains);
    Set<BufferRecord> resent = identitySet(resend.covered());
    List<BufferRecord> storedFirst = all.stream().filter(r -> !resent.contains(r)).toList();
    Verdict second;
    try {
      second = classify(exchange.send(request(resend)));
    } catch (IOException e) {
      LOG.warn("uplink {}: resend with metadata failed ({}); will try again", plan.name(), Redact.describe(e, plan.apiKey()));
      return new Delivery.Partial(storedFirst, first.dropped(), false);
    }
    if (second instanceof Verdict.Acknowledged) {
      remember(resend.runs(), Set.of());
      return done(first, all, first.dropped());
    }
    if (second instanceof Verdict.Partial again) {
      Set<String> still = resolve(resend.runs(), again.missing());
      remember(resend.runs(), still);
      LOG.warn("uplink {}: streams still missing after sending their metadata ({}); their samples stay buffered",
          plan.name(), abbreviate(still));
      FeedBatch stuck = FeedBatch.plan(plan, channels, samplesOf(all), rollupsOf(all), k -> true, still::contains);
      Set<BufferRecord> notStored = identitySet(stuck.covered());
      return new Delivery.Partial(all.stream().filter(r -> !notStored.contains(r)).toList(), first.dropped(), false);
    }
    LOG.warn("uplink {}: resend with metadata refused ({}); will try again", plan.name(), reason(second));
    return new Delivery.Partial(storedFirst, first.dropped(), false);
  }

  private Delivery done(FeedBatch batch, List<BufferRecord> delivered, int dropped) {
    if (batch.truncated()) {
      return new Delivery.Partial(delivered, dropped, true);
    }
    return new Delivery.Acked(dropped);
  }

  private static String reason(Verdict v) {
    if (v instanceof Verdict.RetryAfter r) {
      return r.reason();
    } else if (v instanceof Verdict.Reject r) {
      return r.reason();
    } else if (v instanceof Verdict.TooLarge t) {
      return t.reason();
    } else if (v instanceof Verdict.Unauthorized u) {
      return u.reason();
    } else if (v instanceof Verdict.Misconfigured m) {
      return m.reason();
    }
    return v.toString();
  }

  /** The body is redacted before anything reads it: reasons quote it, and a server may echo the key. */
  private Verdict classify(Reply reply) {
    return GroveStreamsClassifier.classify(reply.status(), Redact.echo(reply.body(), plan.apiKey()), reply.headers(), clock.instant());
  }

  private boolean wantsDefaults(String key) {
    return needDefaults.contains(key) || (plan.metadata() == GroveStreamsPlan.Metadata.FIRST_USE && !known.contains(key));
  }

  /** Marks every sent stream that is not missing as existing, durably, and clears its pending metadata. */
  private void remember(List<FeedBatch.StreamRun> runs, Set<String> missing) {
    for (FeedBatch.StreamRun run : runs) {
      String key = run.key();
      if (missing.contains(key)) {
        continue;
      }
      needDefaults.remove(key);
      if (known.add(key)) {
        state.put(KNOWN + key, "1");
      }
    }
  }

  /** Maps reported keys (possibly without a component) to the keys of streams in this PUT. */
  static Set<String> resolve(List<FeedBatch.StreamRun> runs, Set<String> reported) {
    Set<String> out = new HashSet<>();
    for (FeedBatch.StreamRun run : runs) {
      if (reported.contains(run.key())
          || reported.contains(GroveStreamsClassifier.key(GroveStreamsClassifier.ANY_COMPONENT, run.stream()))) {
        out.add(run.key());
      }
    }
    return out;
  }

  Request request(FeedBatch batch) {
    HttpUrl.Builder url = plan.feedUrl().newBuilder();
    Request.Builder b = new Request.Builder().header("X-Forwarded-For", plan.gatewayId());
    if (plan.auth() == GroveStreamsPlan.Auth.QUERY) {
      url.addQueryParameter("api_key", plan.apiKey().reveal());
      plan.org().ifPresent(o -> url.addQueryParameter("org", o));
    } else {
      b.header("Cookie", "api_key=" + plan.apiKey().reveal() + plan.org().map(o -> "; org=" + o).orElse(""));
    }
    plan.component().folder().ifPresent(f -> url.addQueryParameter("folder", f));
    if (plan.gzip()) {
      b.header("Content-Encoding", "gzip");
    }
    return b.url(url.build()).put(new JsonBody(batch::write, plan.gzip())).build();
  }

  private static List<io.ferry.buffer.SampleRecord> samplesOf(List<BufferRecord> records) {
    return records.stream().filter(r -> r instanceof io.ferry.buffer.SampleRecord)
        .map(r -> (io.ferry.buffer.SampleRecord) r).toList();
  }

  private static List<io.ferry.buffer.RollupRecord> rollupsOf(List<BufferRecord> records) {
    return records.stream().filter(r -> r instanceof io.ferry.buffer.RollupRecord)
        .map(r -> (io.ferry.buffer.RollupRecord) r).toList();
  }

  private static Set<BufferRecord> identitySet(List<BufferRecord> records) {
    Set<BufferRecord> s = Collections.newSetFromMap(new IdentityHashMap<>());
    s.addAll(records);
    return s;
  }

  private static String abbreviate(Set<String> keys) {
    return keys.size() <= 5 ? String.join(", ", keys.stream().sorted().toList())
        : keys.stream().sorted().limit(5).collect(Collectors.joining(", ")) + " and " + (keys.size() - 5) + " more";
  }
}
