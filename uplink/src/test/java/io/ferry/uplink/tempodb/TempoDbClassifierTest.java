package io.ferry.uplink.tempodb;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.http.Verdict;
import io.ferry.uplink.tempodb.TempoDbClassifier.Answer;
import io.ferry.uplink.tempodb.TempoDbClassifier.PointAnswer;
import io.ferry.uplink.tempodb.TempoDbClassifier.PointStatus;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import okhttp3.Headers;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TempoDbClassifierTest {
  static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

  static Stream<Arguments> answers() {
    return Stream.of(
        Arguments.of(200, "", 3, "Stored"),
        Arguments.of(200, "{}", 3, "Stored"),
        Arguments.of(204, "", 1, "Stored"),
        Arguments.of(200, "<html>proxy</html>", 1, "Misconfigured"),
        Arguments.of(200, "Welcome to the hotel wifi", 1, "Misconfigured"),
        Arguments.of(301, "", 1, "Misconfigured"),
        Arguments.of(307, "", 1, "Misconfigured"),
        Arguments.of(400, "series key is invalid", 1, "Misconfigured"),
        Arguments.of(404, "<html>404 Not Found</html>", 1, "Misconfigured"),
        Arguments.of(405, "", 1, "Misconfigured"),
        Arguments.of(410, "", 1, "Misconfigured"),
        Arguments.of(401, "bad key", 1, "Unauthorized"),
        Arguments.of(403, "", 1, "Unauthorized"),
        Arguments.of(413, "", 1, "TooLarge"),
        Arguments.of(429, "", 1, "RetryAfter"),
        Arguments.of(503, "down", 1, "RetryAfter"),
        Arguments.of(207, "not json", 2, "Unmapped"),
        Arguments.of(207, "{\"multistatus\":{}}", 2, "Unmapped"),
        Arguments.of(207, "{\"multistatus\":[{\"status\":200}]}", 2, "Unmapped"),
        Arguments.of(207, "{\"multistatus\":[{\"status\":200},{\"messages\":[]}]}", 2, "Unmapped"),
        Arguments.of(207, "{\"multistatus\":[{\"status\":200},{\"status\":400}]}", 2, "PerPoint"));
  }

  @ParameterizedTest(name = "HTTP {0} {1} for {2} points: {3}")
  @MethodSource("answers")
  void classifies(int status, String body, int sent, String expected) {
    Answer a = TempoDbClassifier.classify(status, body, Headers.of(), NOW, sent);
    String kind = a instanceof Answer.Failed f ? f.verdict().getClass().getSimpleName() : a.getClass().getSimpleName();
    assertThat(kind).isEqualTo(expected);
  }

  @ParameterizedTest(name = "entry status {0}: {1}")
  @MethodSource("points")
  void mapsEachMultiStatusEntry(int code, PointStatus expected) {
    Answer a = TempoDbClassifier.classify(207,
        "{\"multistatus\":[{\"status\":" + code + ",\"messages\":[\"m1\",\"m2\"]}]}", Headers.of(), NOW, 1);
    assertThat(a).isInstanceOf(Answer.PerPoint.class);
    PointAnswer p = ((Answer.PerPoint) a).points().get(0);
    assertThat(p.status()).isEqualTo(expected);
    if (expected != PointStatus.STORED) {
      assertThat(p.reason()).isEqualTo("TempoDB " + code + ": m1; m2");
    }
  }

  static Stream<Arguments> points() {
    return Stream.of(
        Arguments.of(200, PointStatus.STORED), Arguments.of(201, PointStatus.STORED),
        Arguments.of(400, PointStatus.REJECT), Arguments.of(404, PointStatus.REJECT), Arguments.of(422, PointStatus.REJECT),
        Arguments.of(408, PointStatus.RETRY), Arguments.of(429, PointStatus.RETRY), Arguments.of(500, PointStatus.RETRY),
        Arguments.of(503, PointStatus.RETRY));
  }

  @org.junit.jupiter.api.Test
  void retryAfterIsHonoured() {
    Answer a = TempoDbClassifier.classify(503, "", Headers.of("Retry-After", "7"), NOW, 1);
    assertThat(((Verdict.RetryAfter) ((Answer.Failed) a).verdict()).after()).contains(java.time.Duration.ofSeconds(7));
    assertThat(List.of(a)).hasSize(1);
  }
}
