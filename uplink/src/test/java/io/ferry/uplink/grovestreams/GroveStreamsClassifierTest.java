package io.ferry.uplink.grovestreams;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.http.Verdict;
import io.ferry.uplink.UplinkTesting;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import okhttp3.Headers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GroveStreamsClassifierTest {
  static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

  static String resource(String name) throws IOException {
    return UplinkTesting.resource("/grovestreams/" + name);
  }

  @ParameterizedTest(name = "{0} {1} -> {2}")
  @CsvSource({
    "200, stored.json,                              Acknowledged, ''",
    "201, stored.json,                              Acknowledged, ''",
    "200, missing-streams-array-of-components.json, Partial,      c1/s1",
    "200, missing-map-of-components.json,           Partial,      c1/s1",
    "200, missing-nested-under-component.json,      Partial,      c2/s2 c2/s3",
    "200, success-false-rate-limited.json,          RetryAfter,   ''",
    "200, truncated-answer.json,                    RetryAfter,   ''",
    "200, garbage-html.json,                        Misconfigured, ''",
    "200, not-an-object.json,                       Misconfigured, ''",
    "200, no-success-field.json,                    Misconfigured, ''",
    "404, success-false-rate-limited.json,          Misconfigured, ''",
    "405, stored.json,                              Misconfigured, ''",
    "410, stored.json,                              Misconfigured, ''",
    "400, garbage-html.json,                        Misconfigured, ''",
    "302, stored.json,                              Misconfigured, ''",
    "500, garbage-html.json,                        RetryAfter,   ''",
    "503, stored.json,                              RetryAfter,   ''",
    "429, stored.json,                              RetryAfter,   ''",
    "401, stored.json,                              Unauthorized, ''",
    "403, stored.json,                              Unauthorized, ''",
    "413, stored.json,                              TooLarge,     ''",
    "400, success-false-rate-limited.json,          Reject,       ''",
  })
  void table(int status, String body, String verdict, String missing) throws IOException {
    Verdict v = GroveStreamsClassifier.classify(status, resource(body), Headers.of(), NOW);
    assertThat(v.getClass().getSimpleName()).isEqualTo(verdict);
    if (v instanceof Verdict.Partial p) {
      assertThat(p.missing()).containsExactlyInAnyOrder(missing.split(" "));
    }
  }

  @Test
  void successFalseCarriesTheMessage() throws IOException {
    Verdict v = GroveStreamsClassifier.classify(200, resource("success-false-rate-limited.json"), Headers.of(), NOW);
    assertThat(((Verdict.RetryAfter) v).reason()).contains("rate limit");
  }

  @Test
  void honoursRetryAfterOn429() {
    Verdict v = GroveStreamsClassifier.classify(429, "", Headers.of("Retry-After", "20"), NOW);
    assertThat(v).isEqualTo(new Verdict.RetryAfter(Optional.of(Duration.ofSeconds(20)), "HTTP 429"));
  }

  @Test
  void missingStreamsWithoutComponentMatchAnyComponent() {
    Verdict v = GroveStreamsClassifier.classify(200, "{\"success\":true,\"missingStreams\":[\"s9\"]}", Headers.of(), NOW);
    assertThat(((Verdict.Partial) v).missing()).isEqualTo(Set.of("*/s9"));
  }
}
