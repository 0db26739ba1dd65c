package io.ferry.uplink.clarify;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.http.Verdict;
import io.ferry.uplink.UplinkTesting;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import okhttp3.Headers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ClarifyClassifierTest {
  static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

  static String body(String name) throws IOException {
    return name.equals("-") ? "" : UplinkTesting.resource(name.startsWith("/") ? name : "/clarify/" + name);
  }

  @ParameterizedTest(name = "{0} {1} -> {2}")
  @CsvSource({
    "200, insert-result.json,          Acknowledged",
    "200, try-again.json,              RetryAfter",
    "200, internal-error.json,         RetryAfter",
    "200, invalid-params.json,         Reject",
    "400, invalid-params.json,         Reject",
    "200, partial-failure.json,        Reject",
    "200, forbidden.json,              Unauthorized",
    "200, method-not-found.json,       Misconfigured",
    "200, result-without-signals.json, Misconfigured",
    "200, not-json-rpc.json,           Misconfigured",
    "200, truncated-result.json,       RetryAfter",
    "200, -,                           RetryAfter",
    "500, invalid-params.json,         RetryAfter",
    "502, -,                           RetryAfter",
    "503, -,                           RetryAfter",
    "504, /misconfigured/nginx-404-wrong-path.html, RetryAfter",
    "429, -,                           RetryAfter",
    "401, -,                           Unauthorized",
    "403, invalid-params.json,         Unauthorized",
    "413, -,                           TooLarge",
    "404, /misconfigured/nginx-404-wrong-path.html, Misconfigured",
    "404, -,                           Misconfigured",
    "405, -,                           Misconfigured",
    "410, -,                           Misconfigured",
    "400, /misconfigured/load-balancer-400.txt, Misconfigured",
    "200, /misconfigured/captive-portal-200.html, Misconfigured",
    "301, -,                           Misconfigured",
    "308, -,                           Misconfigured",
  })
  void table(int status, String body, String verdict) throws IOException {
    Verdict v = ClarifyClassifier.classify(status, body(body), Headers.of(), NOW);
    assertThat(v.getClass().getSimpleName()).isEqualTo(verdict);
  }

  @Test
  void invalidParamsCarryClarifysMessageParamsAndTrace() throws IOException {
    Verdict v = ClarifyClassifier.classify(200, body("invalid-params.json"), Headers.of(), NOW);
    assertThat(((Verdict.Reject) v).reason())
        .isEqualTo("Clarify error -32602 Invalid params params {\"integration\":[\"required\"]} (trace 00000000000000000000)");
  }

  @Test
  void aRetryHonoursRetryAfter() throws IOException {
    Verdict v = ClarifyClassifier.classify(503, "", Headers.of("Retry-After", "15"), NOW);
    assertThat(((Verdict.RetryAfter) v).after()).isEqualTo(Optional.of(Duration.ofSeconds(15)));
    Verdict again = ClarifyClassifier.classify(200, body("try-again.json"), Headers.of("Retry-After", "3"), NOW);
    assertThat(((Verdict.RetryAfter) again).after()).isEqualTo(Optional.of(Duration.ofSeconds(3)));
  }
}
