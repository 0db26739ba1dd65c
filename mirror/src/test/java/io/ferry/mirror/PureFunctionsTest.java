package io.ferry.mirror;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.core.testing.FixedRandom;
import io.ferry.http.HttpClassifier;
import io.ferry.http.Reply;
import io.ferry.mirror.SubscriptionBatch.DeleteRange;
import io.ferry.mirror.SubscriptionBatch.Point;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import okhttp3.Headers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Table tests of the mirror's pure functions: parsing, classification, back-off, initializeCursors. */
class PureFunctionsTest {
  static final Instant NOW = Instant.parse("2026-11-21T10:00:00Z");

  @Test
  void parsesTheDocumentedResponse() throws Exception {
    SubscriptionBatch b = BatchParser.parse("""
        {"updates":[{"timeSeries":{"id":1,"externalId":"my.known.id","isString":false},
                     "upserts":[{"timestamp":-2208988800000,"value":0,"status":{"code":0,"symbol":"Good"}},
                                {"timestamp":5,"value":"Infinity"},{"timestamp":6,"value":"NaN"},
                                {"timestamp":7,"status":{"code":2147483648,"symbol":"Bad"}}],
                     "deletes":[{"inclusiveBegin":1638795554528,"exclusiveEnd":1638795554529},{"inclusiveBegin":9}]},
                    {"timeSeries":{"id":2,"instanceId":{"space":"sp","externalId":"x"},"isString":true},
                     "upserts":[{"timestamp":1,"value":"open"}]}],
         "subscriptionChanges":{"added":[{"id":3,"externalId":"new","isString":false}],"removed":[{"id":1,"externalId":"my.known.id","isString":false}]},
         "partitions":[{"index":0,"nextCursor":"abc"}],"hasNext":true,"futureField":1}
        """);
    assertThat(b.hasNext()).isTrue();
    assertThat(b.nextCursors()).containsEntry(0, "abc");
    assertThat(b.updates()).hasSize(2);
    assertThat(b.updates().get(0).upserts()).containsExactly(
        new Point(-2208988800000L, 0.0, null, 0), new Point(5, Double.POSITIVE_INFINITY, null, 0),
        new Point(6, null, null, 0), new Point(7, null, null, 2147483648L));
    assertThat(b.updates().get(0).deletes()).containsExactly(new DeleteRange(1638795554528L, 1638795554529L), new DeleteRange(9, 10));
    assertThat(b.updates().get(1).series().display()).isEqualTo("sp:x");
    assertThat(b.updates().get(1).upserts()).containsExactly(Point.text(1, "open"));
    assertThat(b.added()).extracting(SubscriptionBatch.SeriesRef::id).containsExactly(3L);
    assertThat(b.removed()).extracting(SubscriptionBatch.SeriesRef::id).containsExactly(1L);
    assertThat(b.size()).isEqualTo(4 + 2 + 1 + 2);
  }

  /**
   * The example response of the API reference, verbatim: its string series carries a number (0) and
   * its delete range is empty. Rejecting it would stall the partition on one odd value, so the
   * number is kept as text and the empty range deletes nothing.
   */
  @Test
  void theDocumentedExampleResponseIsUsable() throws Exception {
    String body;
    try (var in = getClass().getResourceAsStream("documented-data-list-response.json")) {
      body = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
    SubscriptionBatch b = BatchParser.parse(body);
    assertThat(b.updates().get(0).upserts()).containsExactly(Point.text(-2208988800000L, "0"));
    assertThat(b.updates().get(0).deletes()).containsExactly(new DeleteRange(1638795554528L, 1638795554528L));
    assertThat(b.added()).hasSize(1);
    assertThat(b.removed()).hasSize(1);
    assertThat(b.nextCursors()).containsEntry(0, "string");
    assertThat(b.hasNext()).isTrue();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "not json | response is not JSON",
      "[] | response is not a JSON object",
      "{\"partitions\":[{\"index\":0,\"nextCursor\":\"c\"}]} | hasNext: expected true or false",
      "{\"hasNext\":false} | partitions: missing",
      "{\"hasNext\":false,\"partitions\":[{\"index\":0}]} | partitions[0].nextCursor: expected a text",
      "{\"hasNext\":false,\"partitions\":[],\"updates\":[{\"upserts\":[]}]} | updates[0].timeSeries: expected an object",
      "{\"hasNext\":false,\"partitions\":[],\"updates\":[{\"timeSeries\":{\"id\":1,\"isString\":true},\"upserts\":[{\"timestamp\":1,\"value\":[3]}]}]} | updates[0].upserts[0].value: series id 1 is a string series, got ARRAY",
      "{\"hasNext\":false,\"partitions\":[],\"updates\":[{\"timeSeries\":{\"id\":1},\"upserts\":[{\"timestamp\":1.5,\"value\":3}]}]} | updates[0].upserts[0].timestamp: expected a whole number",
      "{\"hasNext\":false,\"partitions\":[],\"updates\":[{\"timeSeries\":{\"id\":1},\"upserts\":[{\"timestamp\":1,\"value\":\"abc\"}]}]} | is numeric, got \"abc\"",
  })
  void rejectsUnusableBodiesNamingThePath(String body, String message) {
    assertThatThrownBy(() -> BatchParser.parse(body)).hasMessageContaining(message);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      // code | body | retryAfter | autoRetryable | outcome | detail
      "200 | {\"partitions\":[{\"index\":0,\"nextCursor\":\"c\"}],\"hasNext\":false} | | false | Data | ",
      "200 | {\"oops\":1} | | false | RetryLater | unusable response body",
      "429 | {\"error\":{\"code\":429,\"message\":\"slow down\"}} | 7 | false | RetryLater | HTTP 429: slow down",
      "503 | <html>down</html> | | false | RetryLater | HTTP 503: <html>down</html>",
      "500 | {\"error\":\"boom\"} | | false | RetryLater | HTTP 500: boom",
      "401 | {\"error\":{\"code\":401,\"message\":\"Unauthorized\"}} | | false | Unauthorized | Unauthorized",
      "400 | {\"error\":{\"code\":400,\"message\":\"Invalid cursor: expired\"}} | | false | CursorRejected | Invalid cursor",
      "410 | {\"error\":{\"code\":410,\"message\":\"The cursor is too old\"}} | | false | CursorRejected | too old",
      "400 | {\"error\":{\"code\":400,\"message\":\"Subscription not found\",\"missing\":[{\"externalId\":\"s\"}]}} | | false | Failed | Subscription not found (missing: [{\"externalId\":\"s\"}])",
      // 403 is refused credentials for the mirror as for every uplink (issue 29), whatever its text says.
      "403 | {\"error\":{\"code\":403,\"message\":\"cursor access denied\"}} | | false | Unauthorized | HTTP 403: cursor access denied",
      "404 | <html><body>404 Not Found</body></html> | | false | Misconfigured | HTTP 404 not found, an HTML page",
      "200 | <html>captive portal</html> | | false | Misconfigured | HTTP 200 but the answer is not the API's",
      "409 | {\"error\":{\"code\":409,\"message\":\"conflict\"}} | | true | RetryLater | HTTP 409",
  })
  void classifiesAnswers(int code, String body, String retryAfter, boolean auto, String outcome, String detail) {
    Headers.Builder h = new Headers.Builder().add("x-request-id", "rid-1");
    if (retryAfter != null) {
      h.add("Retry-After", retryAfter);
    }
    if (auto) {
      h.add("cdf-is-auto-retryable", "true");
    }
    PollOutcome o = ResponseClassifier.classify(new Reply(code, body, h.build()), NOW);
    assertThat(o.getClass().getSimpleName()).isEqualTo(outcome);
    assertThat(o.requestId()).isEqualTo("rid-1");
    if (detail != null) {
      assertThat(o.toString()).contains(detail);
    }
    if (retryAfter != null) {
      assertThat(((PollOutcome.RetryLater) o).retryAfter()).contains(Duration.ofSeconds(Long.parseLong(retryAfter)));
    }
  }

  @Test
  void errorMessagesAreShortAndSingleLine() {
    String msg = ResponseClassifier.errorMessage("x".repeat(1000) + "\n\nmore");
    assertThat(msg).hasSize(HttpClassifier.MAX_EXCERPT + 3).doesNotContain("\n");
  }

  @ParameterizedTest
  @CsvSource({
      // failures, random, min ms, max ms
      "1, 0.0, 1200, 1200",
      "1, 0.99, 1000, 1200",
      "2, 0.5, 2200, 2200",
      "6, 0.99, 32000, 38400",
      "7, 0.0, 72000, 72000",
      "50, 0.99, 60000, 72000",
  })
  void backOffDoublesUpToAMinuteWithJitter(int failures, double random, long min, long max) {
    assertThat(PartitionWorker.BACKOFF.delay(failures, Optional.empty(), FixedRandom.of(random)).toMillis()).isBetween(min, max);
  }

  @Test
  void retryAfterIsFollowedExactlyButCapped() {
    assertThat(PartitionWorker.BACKOFF.delay(5, Optional.of(Duration.ofSeconds(3)), FixedRandom.of(0.9))).isEqualTo(Duration.ofSeconds(3));
    assertThat(PartitionWorker.BACKOFF.delay(1, Optional.of(Duration.ofDays(1)), FixedRandom.of(0))).isEqualTo(Duration.ofMinutes(15));
  }

  @ParameterizedTest
  @CsvSource({
      "now, true, 0", "2d-ago, true, 2880", "3h-ago, true, 180", "1w-ago, true, 10080", "15m-ago, true, 15",
      "0m-ago, false, 0", "2x-ago, false, 0", "2d, false, 0", "NOW, false, 0",
  })
  void initializeCursorsValues(String v, boolean valid, long minutes) {
    assertThat(InitializeCursors.isValid(v)).isEqualTo(valid);
    if (valid) {
      assertThat(InitializeCursors.age(v)).isEqualTo(Duration.ofMinutes(minutes));
    }
  }

  @ParameterizedTest
  @CsvSource({"0, 1m-ago", "1, 1m-ago", "60, 1m-ago", "61, 2m-ago", "1500, 25m-ago", "700000, 10080m-ago", "-5, 1m-ago"})
  void reinitializationAgeRoundsUpToWholeMinutes(long seconds, String expected) {
    assertThat(InitializeCursors.ago(Duration.ofSeconds(seconds))).isEqualTo(expected);
  }

  @Test
  void requestBodyCarriesCursorOrInitializeCursors() {
    MirrorPlan plan = MirrorTesting.plan(okhttp3.HttpUrl.get("http://127.0.0.1:1/"), java.util.List.of(), Optional.empty(), Duration.ofDays(1));
    assertThat(SubscriptionClient.dataListBody(plan, 3, Optional.of("cur"), Optional.of("5m-ago")))
        .isEqualTo("{\"externalId\":\"site-setpoints\",\"partitions\":[{\"index\":3,\"cursor\":\"cur\"}],\"limit\":100,"
            + "\"pollTimeoutSeconds\":1,\"includeStatus\":true,\"ignoreBadDataPoints\":true,\"treatUncertainAsBad\":true}");
    assertThat(SubscriptionClient.dataListBody(plan, 0, Optional.empty(), Optional.of("5m-ago")))
        .contains("\"partitions\":[{\"index\":0}]", "\"initializeCursors\":\"5m-ago\"");
  }
}
