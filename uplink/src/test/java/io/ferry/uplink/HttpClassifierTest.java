package io.ferry.uplink;

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
        Arguments.of(400, null, "Reject"),
        Arguments.of(404, null, "Reject"),
        Arguments.of(422, null, "Reject"));
  }

  @ParameterizedTest
  @MethodSource("table")
  void classifiesByStatus(int status, String retryAfter, String expected) {
    Headers h = retryAfter == null ? Headers.of() : Headers.of("Retry-After", retryAfter);
    Optional<Verdict> v = HttpClassifier.byStatus(status, "body", h, NOW);
    assertThat(v.map(x -> x.getClass().getSimpleName()).orElse("ok")).isEqualTo(expected);
  }

  @Test
  void retryAfterIsCarriedInTheVerdict() {
    Verdict v = HttpClassifier.byStatus(429, "", Headers.of("Retry-After", "12"), NOW).orElseThrow();
    assertThat(v).isEqualTo(new Verdict.RetryAfter(Optional.of(Duration.ofSeconds(12)), "HTTP 429"));
  }
}
