package io.ferry.uplink.atomscale;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.http.Verdict;
import io.ferry.uplink.UplinkTesting;
import java.io.IOException;
import java.time.Instant;
import java.util.Set;
import okhttp3.Headers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AtomscaleClassifierTest {
  static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
  static final Set<String> SENT = Set.of("thickness", "deposition_rate");

  static String resource(String name) throws IOException {
    return UplinkTesting.resource(name.startsWith("/") ? name : "/atomscale/" + name);
  }

  @ParameterizedTest(name = "{0} {1} -> {2}")
  @CsvSource({
    "200, chunk-acknowledged.json,             Acknowledged",
    "200, chunk-one-channel-missing.json,      Partial",
    "200, chunk-truncated-answer.json,         RetryAfter",
    "200, chunk-object-instead-of-array.json,  Misconfigured",
    "500, chunk-object-instead-of-array.json,  RetryAfter",
    "502, chunk-acknowledged.json,             RetryAfter",
    "429, chunk-acknowledged.json,             RetryAfter",
    "401, chunk-acknowledged.json,             Unauthorized",
    "413, chunk-acknowledged.json,             TooLarge",
    "422, chunk-object-instead-of-array.json,  Reject",
    "404, chunk-object-instead-of-array.json,  Reject",
    "400, chunk-object-instead-of-array.json,  Reject",
    "404, route-not-found.json,                Misconfigured",
    "405, route-method-not-allowed.json,       Misconfigured",
    "422, /misconfigured/load-balancer-400.txt, Misconfigured",
    "404, /misconfigured/nginx-404-wrong-path.html, Misconfigured",
    "410, /misconfigured/nginx-404-wrong-path.html, Misconfigured",
    "200, /misconfigured/captive-portal-200.html, Misconfigured",
  })
  void table(int status, String body, String verdict) throws IOException {
    Verdict v = AtomscaleClassifier.chunk(status, resource(body), Headers.of(), NOW, SENT);
    assertThat(v.getClass().getSimpleName()).isEqualTo(verdict);
  }

  @Test
  void partialNamesTheMissingChannel() throws IOException {
    Verdict v = AtomscaleClassifier.chunk(200, resource("chunk-one-channel-missing.json"), Headers.of(), NOW, SENT);
    assertThat(((Verdict.Partial) v).missing()).containsExactly("deposition_rate");
  }

  @Test
  void goneStreamIsMarked() {
    Verdict v = AtomscaleClassifier.chunk(404, "{\"detail\":\"Stream d-1 not found\"}", Headers.of(), NOW, SENT);
    assertThat(((Verdict.Reject) v).reason()).startsWith(AtomscaleClassifier.STREAM_GONE);
    Verdict bad = AtomscaleClassifier.chunk(422, "{\"detail\":\"bad\"}", Headers.of(), NOW, SENT);
    assertThat(((Verdict.Reject) bad).reason()).doesNotStartWith(AtomscaleClassifier.STREAM_GONE);
  }

  @Test
  void dataIdOfInitializeAnswer() {
    assertThat(AtomscaleClassifier.dataId("{\"data_id\":\"d290f1ee\",\"processed_data_id\":\"p\"}")).contains("d290f1ee");
    assertThat(AtomscaleClassifier.dataId("{\"processed_data_id\":\"p\"}")).isEmpty();
    assertThat(AtomscaleClassifier.dataId("{\"data_id\":")).isEmpty();
    assertThat(AtomscaleClassifier.dataId("")).isEmpty();
  }
}
