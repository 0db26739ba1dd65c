package io.ferry.mirror;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ferry.config.Secret;
import io.ferry.http.HttpClassifier;
import io.ferry.http.Redact;
import io.ferry.http.Reply;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.InstantSource;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import okhttp3.Call;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/** The two CDF calls the mirror makes. Transport only: answers are classified by {@link ResponseClassifier}. */
final class SubscriptionClient {
  private static final MediaType JSON_TYPE = MediaType.get("application/json");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final MirrorPlan plan;
  private final OkHttpClient http;
  private final InstantSource clock;
  private final Set<Call> inFlight = ConcurrentHashMap.newKeySet();

  SubscriptionClient(MirrorPlan plan, OkHttpClient http, InstantSource clock) {
    this.plan = plan;
    this.http = http;
    this.clock = clock;
  }

  /** The request body of {@code data/list} for one partition. Pure. */
  static String dataListBody(MirrorPlan plan, int partition, Optional<String> cursor, Optional<String> initializeCursors) {
    ObjectNode body = JSON.createObjectNode();
    body.put("externalId", plan.subscription());
    ObjectNode p = body.putArray("partitions").addObject();
    p.put("index", partition);
    cursor.ifPresent(c -> p.put("cursor", c));
    body.put("limit", plan.limit());
    if (cursor.isEmpty()) {
      initializeCursors.ifPresent(i -> body.put("initializeCursors", i));
    }
    body.put("pollTimeoutSeconds", plan.pollTimeout().toSeconds());
    body.put("includeStatus", true);
    body.put("ignoreBadDataPoints", !plan.includeBad());
    body.put("treatUncertainAsBad", !plan.includeUncertain());
    return body.toString();
  }

  PollOutcome poll(int partition, Optional<String> cursor, Optional<String> initializeCursors, String token) {
    return post(plan.dataListUrl().toString(), dataListBody(plan, partition, cursor, initializeCursors), token,
        reply -> ResponseClassifier.classify(reply, clock.instant()));
  }

  /** What {@code byids} said: the partition count, or why not. */
  sealed interface CountOutcome {}

  record Count(int partitions) implements CountOutcome {}

  record NoCount(PollOutcome failure) implements CountOutcome {}

  CountOutcome partitionCount(String token) {
    ObjectNode body = JSON.createObjectNode();
    body.putArray("items").addObject().put("externalId", plan.subscription());
    PollOutcome[] failure = new PollOutcome[1];
    int[] count = {-1};
    post(plan.byIdsUrl().toString(), body.toString(), token, reply -> {
      failure[0] = ResponseClassifier.classify(reply, clock.instant(), "subscriptions/byids answer", text -> {
        JsonNode n = HttpClassifier.parse(text).map(r -> r.path("items").path(0).path("partitionCount")).orElse(null);
        if (n != null && n.isIntegralNumber() && n.asInt() >= 1 && n.asInt() <= 100) {
          count[0] = n.asInt();
          return null;
        }
        return new PollOutcome.Failed(reply.status(), "subscriptions/byids answered without items[0].partitionCount",
            reply.headers().get("x-request-id") == null ? "" : reply.headers().get("x-request-id"));
      });
      return failure[0];
    });
    return count[0] > 0 ? new Count(count[0]) : new NoCount(failure[0]);
  }

  /** Cancels requests in flight (a long poll may otherwise hold {@code close()} for seconds). */
  void cancelAll() {
    for (Call c : inFlight) {
      c.cancel();
    }
  }

  private PollOutcome post(String url, String json, String token, Function<Reply, PollOutcome> handler) {
    Request req = new Request.Builder()
        .url(url)
        .post(RequestBody.create(json, JSON_TYPE))
        .header("Authorization", "Bearer " + token)
        .header("Accept", "application/json")
        .header("cdf-version", "20230101")
        .header("x-cdp-app", "ferry-mirror")
        .build();
    Call call = http.newCall(req);
    inFlight.add(call);
    try (Response resp = call.execute()) {
      // The body is quoted in logs and status: never with the secret or the token a server echoed.
      return handler.apply(Redact.echo(Reply.of(resp), plan.clientSecret(), new Secret("token", token)));
    } catch (InterruptedIOException e) {
      return new PollOutcome.RetryLater(call.isCanceled() ? "cancelled" : "timeout talking to " + plan.baseUrl().host(), Optional.empty(), "");
    } catch (IOException e) {
      return new PollOutcome.RetryLater("cannot reach " + plan.baseUrl().host() + " (" + io.ferry.config.IoCauses.message(e) + ")", Optional.empty(), "");
    } finally {
      inFlight.remove(call);
    }
  }
}
