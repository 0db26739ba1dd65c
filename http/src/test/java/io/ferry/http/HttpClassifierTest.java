package io.ferry.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.stream.Stream;
import okhttp3.Headers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class HttpClassifierTest {
  static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

  static Stream<Arguments> table() {
    return Stream.of(
        Arguments.of(200, null, "ok"),
        Arguments.of(204, null, "ok"),
        Arguments.of(401, null, "Unauthorized"),
        Arguments.of(403, null, "Unauthorized"),
        Arguments.of(413, null, "TooLarge"),
        Arguments.of(408, null, "RetryAfter"),
        Arguments.of(429, "7", "RetryAfter"),
        Arguments.of(500, null, "RetryAfter"),
        Arguments.of(502, null, "RetryAfter"),
        Arguments.of(503, "Thu, 01 Jan 2026 00:00:30 GMT", "RetryAfter"),
        // Issue 17: the shared rules never reject; only an API's own classifier knows its error shape.
        Arguments.of(400, null, "Misconfigured"),
        Arguments.of(404, null, "Misconfigured"),
        Arguments.of(405, null, "Misconfigured"),
        Arguments.of(410, null, "Misconfigured"),
        Arguments.of(422, null, "Misconfigured"),
        Arguments.of(301, null, "Misconfigured"),
        Arguments.of(307, null, "Misconfigured"),
        Arguments.of(308, null, "Misconfigured"));
  }

  @ParameterizedTest
  @MethodSource("table")
  void classifiesByStatus(int status, String retryAfter, String expected) {
    Headers h = retryAfter == null ? Headers.of() : Headers.of("Retry-After", retryAfter);
    Optional<Verdict> v = HttpClassifier.byStatus(status, "body", h, NOW);
    assertThat(v.map(x -> x.getClass().getSimpleName()).orElse("ok")).isEqualTo(expected);
  }

  @Test
  void aRedirectNamesItsTargetWithoutItsQuery() {
    Verdict v = HttpClassifier.byStatus(301, "", Headers.of("Location", "https://api.example.com/v2/feed?api_key=SECRET#x"), NOW).orElseThrow();
    assertThat(v).isEqualTo(new Verdict.Misconfigured(
        "HTTP 301: the server redirects to https://api.example.com/v2/feed: set url to that (Ferry never follows redirects)"));
  }

  @Test
  void twoHundredBodiesThatAreNotTheApisAnswerPauseButATruncatedAnswerIsRetried() {
    var object = com.fasterxml.jackson.databind.node.JsonNodeType.OBJECT;
    java.util.function.Function<com.fasterxml.jackson.databind.JsonNode, Verdict> ok = n -> new Verdict.Acknowledged();
    assertThat(HttpClassifier.json(200, "<html><body>Welcome</body></html>", Headers.of(), NOW, "answer", object, ok))
        .isInstanceOf(Verdict.Misconfigured.class);
    assertThat(HttpClassifier.json(200, "[1,2]", Headers.of(), NOW, "answer", object, ok)).isInstanceOf(Verdict.Misconfigured.class);
    assertThat(HttpClassifier.json(200, "{\"success\":tr", Headers.of(), NOW, "answer", object, ok)).isInstanceOf(Verdict.RetryAfter.class);
    assertThat(HttpClassifier.json(200, "{}", Headers.of(), NOW, "answer", object, ok)).isInstanceOf(Verdict.Acknowledged.class);
  }

  @Test
  void redactsWhereSecretsAppearNotEveryLetterOfAShortKey() {
    io.ferry.config.Secret one = new io.ferry.config.Secret("${env:K}", "k");
    assertThat(Redact.describe(new java.net.SocketException("Broken pipe"), one)).isEqualTo("connection failed: Broken pipe");
    assertThat(Redact.describe(new java.net.SocketTimeoutException("timeout"), one)).isEqualTo("timed out");
    assertThat(Redact.describe(new java.io.IOException("unexpected end of stream on http://gs.example/api/feed?api_key=abcdefgh12"), one))
        .isEqualTo("connection failed: unexpected end of stream on http://gs.example/api/feed");
    io.ferry.config.Secret key = new io.ferry.config.Secret("${env:K}", "abcdefgh12");
    assertThat(Redact.echo("{\"message\":\"bad key abcdefgh12\"}", key)).isEqualTo("{\"message\":\"bad key ******\"}");
    assertThat(Redact.url("https://user:pw@api.example.com/v1/rpc?token=x")).isEqualTo("https://api.example.com/v1/rpc");
  }

  @Test
  void retryAfterIsCarriedInTheVerdict() {
    Verdict v = HttpClassifier.byStatus(429, "", Headers.of("Retry-After", "12"), NOW).orElseThrow();
    assertThat(v).isEqualTo(new Verdict.RetryAfter(Optional.of(Duration.ofSeconds(12)), "HTTP 429"));
  }
}
