package io.ferry.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.http.Reply;
import io.ferry.http.Verdict;
import io.ferry.mirror.PollOutcome;
import io.ferry.mirror.ResponseClassifier;
import io.ferry.uplink.WrongAnswers;
import io.ferry.uplink.atomscale.AtomscaleClassifier;
import io.ferry.uplink.clarify.ClarifyClassifier;
import io.ferry.uplink.grovestreams.GroveStreamsClassifier;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import mockwebserver3.MockResponse;
import okhttp3.Headers;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 29: one answer, one meaning. Every answer that is not an API's own word about the data (a
 * refused credential, throttling, a server error, a redirect, a web server's HTML page) is
 * classified by each HTTP uplink's classifier and by the mirror's, and they agree: the same kind
 * (retry, unauthorized, misconfigured), the same Retry-After delay, the same Location named without
 * its query. Uplinks act on a {@link Verdict}, the mirror on a {@link PollOutcome}; the comparison
 * maps the outcome back to the verdict it stands for.
 */
class HttpAgreementTest {
  static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
  static final String ELSEWHERE = "https://elsewhere.example";

  /** One answer: what the server sent and the verdict every classifier must reach. */
  record Answer(String name, MockResponse response, Class<? extends Verdict> kind, Optional<Duration> retryAfter) {
    @Override
    public String toString() {
      return name;
    }

    Reply reply() {
      return new Reply(response.getCode(), response.getBody() == null ? "" : bodyText(response), response.getHeaders());
    }
  }

  static String bodyText(MockResponse r) {
    okio.Buffer b = new okio.Buffer();
    try {
      r.getBody().writeTo(b);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
    return b.readUtf8();
  }

  static MockResponse answer(int code, String contentType, String body, String... headers) {
    MockResponse.Builder b = new MockResponse.Builder().code(code).body(body);
    if (contentType != null) {
      b.addHeader("Content-Type", contentType);
    }
    for (int i = 0; i < headers.length; i += 2) {
      b.addHeader(headers[i], headers[i + 1]);
    }
    return b.build();
  }

  static List<Answer> answers() {
    List<Answer> out = new ArrayList<>();
    out.add(new Answer("401 JSON", answer(401, "application/json", "{\"error\":\"invalid_token\"}"), Verdict.Unauthorized.class, Optional.empty()));
    out.add(new Answer("401 empty", answer(401, null, ""), Verdict.Unauthorized.class, Optional.empty()));
    out.add(new Answer("403 plain text", answer(403, "text/plain", "Forbidden"), Verdict.Unauthorized.class, Optional.empty()));
    out.add(new Answer("403 JSON", answer(403, "application/json", "{\"error\":{\"code\":403,\"message\":\"no access\"}}"),
        Verdict.Unauthorized.class, Optional.empty()));
    out.add(new Answer("408", answer(408, null, ""), Verdict.RetryAfter.class, Optional.empty()));
    out.add(new Answer("425 too early", answer(425, "text/plain", "Too Early"), Verdict.RetryAfter.class, Optional.empty()));
    out.add(new Answer("429 Retry-After 7", answer(429, "text/plain", "slow down", "Retry-After", "7"), Verdict.RetryAfter.class,
        Optional.of(Duration.ofSeconds(7))));
    out.add(new Answer("429 Retry-After HTTP date", answer(429, null, "", "Retry-After", "Thu, 01 Jan 2026 00:00:30 GMT"),
        Verdict.RetryAfter.class, Optional.of(Duration.ofSeconds(30))));
    out.add(new Answer("500 JSON", answer(500, "application/json", "{\"error\":\"boom\"}"), Verdict.RetryAfter.class, Optional.empty()));
    out.add(new Answer("502 proxy HTML page", answer(502, "text/html", "<html><body><h1>502 Bad Gateway</h1></body></html>"),
        Verdict.RetryAfter.class, Optional.empty()));
    out.add(new Answer("503 Retry-After 120", answer(503, "text/plain", "maintenance", "Retry-After", "120"), Verdict.RetryAfter.class,
        Optional.of(Duration.ofSeconds(120))));
    // Issue 17's wrong answers (HTML 404, 405, 410, redirects, a proxy's 200 page, a non-API 400): pause, never reject.
    for (WrongAnswers.Case c : WrongAnswers.all()) {
      out.add(new Answer(c.name(), c.response(ELSEWHERE), Verdict.Misconfigured.class, Optional.empty()));
    }
    return out;
  }

  /** Each classifier under test, by name: uplinks give a verdict, the mirror's outcome is mapped to one. */
  static Map<String, java.util.function.Function<Reply, Verdict>> classifiers() {
    Map<String, java.util.function.Function<Reply, Verdict>> m = new LinkedHashMap<>();
    m.put("grovestreams", r -> GroveStreamsClassifier.classify(r.status(), r.body(), r.headers(), NOW));
    m.put("atomscale", r -> AtomscaleClassifier.chunk(r.status(), r.body(), r.headers(), NOW, Set.of("kiln.temp")));
    m.put("clarify", r -> ClarifyClassifier.classify(r.status(), r.body(), r.headers(), NOW));
    m.put("mirror", r -> asVerdict(ResponseClassifier.classify(r, NOW)));
    return m;
  }

  static Stream<Arguments> cases() {
    return answers().stream().map(Arguments::of);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void everyUplinkAndTheMirrorClassifyTheAnswerAlike(Answer a) {
    Reply reply = a.reply();
    Map<String, Verdict> verdicts = new LinkedHashMap<>();
    classifiers().forEach((who, classify) -> verdicts.put(who, classify.apply(reply)));
    assertThat(verdicts).allSatisfy((who, v) -> {
      assertThat(v).as(who + ": " + v).isInstanceOf(a.kind());
      if (v instanceof Verdict.RetryAfter r) {
        assertThat(r.after()).as(who + " Retry-After").isEqualTo(a.retryAfter());
      }
      if (reply.status() >= 300 && reply.status() < 400) {
        assertThat(reason(v)).as(who).contains("the server redirects to " + ELSEWHERE + "/api/feed: set url to that")
            .doesNotContain("must-not-be-shown");
      }
      if (reply.status() == 404) {
        assertThat(reason(v)).as(who).contains("HTTP 404 not found, an HTML page");
      }
    });
  }

  /** The verdict a mirror outcome stands for (its message becomes the reason). */
  static Verdict asVerdict(PollOutcome o) {
    if (o instanceof PollOutcome.RetryLater r) {
      return new Verdict.RetryAfter(r.retryAfter(), r.reason());
    } else if (o instanceof PollOutcome.Unauthorized u) {
      return new Verdict.Unauthorized(u.message());
    } else if (o instanceof PollOutcome.Misconfigured m) {
      return new Verdict.Misconfigured(m.message());
    } else if (o instanceof PollOutcome.Data) {
      return new Verdict.Acknowledged();
    } else if (o instanceof PollOutcome.CursorRejected c) {
      return new Verdict.Reject("cursor rejected: " + c.message());
    } else if (o instanceof PollOutcome.Failed f) {
      return new Verdict.Reject(f.message());
    }
    throw new IllegalStateException("unhandled outcome " + o);
  }

  static String reason(Verdict v) {
    return v.toString();
  }
}
