package io.ferry.uplink.tempodb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ferry.http.HttpClassifier;
import io.ferry.http.Verdict;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import okhttp3.Headers;

/**
 * Classifies TempoDB's answer to a write or increment request of {@code sent} points. Pure.
 *
 * <ul>
 *   <li>2xx other than 207 with an empty or JSON body: every point stored;
 *   <li>2xx whose body is not JSON (a proxy's or captive portal's page): not TempoDB's answer,
 *       {@link Verdict.Misconfigured} (issue 17: pause, never dead-letter);
 *   <li>207 Multi-Status with {@code {"multistatus":[{"status":n,"messages":[...]}, ...]}} holding
 *       one entry per point sent, in order: per point, 2xx stored, 408/425/429/5xx retry, any other
 *       status refused for good with its messages (the API rejected that point's content);
 *   <li>207 that cannot be matched to the points (unreadable, wrong count): {@link Answer.Unmapped};
 *       some points may have been applied;
 *   <li>anything else: the shared status rules of {@link HttpClassifier#byStatus}. TempoDB's error
 *       bodies are plain text with no shape of their own, so no whole-request answer is taken as a
 *       rejection of the data: 3xx, 404, 405, 410 and every other 4xx pause the uplink
 *       ({@link Verdict.Misconfigured}); only a 207's per-point statuses dead-letter points.
 * </ul>
 */
final class TempoDbClassifier {
  private static final ObjectMapper JSON = new ObjectMapper();

  private TempoDbClassifier() {}

  /** What one point of a 207 answer says. */
  enum PointStatus { STORED, RETRY, REJECT }

  record PointAnswer(PointStatus status, String reason) {}

  /** What the whole answer says. */
  sealed interface Answer {
    /** Every point stored. */
    record Stored() implements Answer {}

    /** A 207 answer, one entry per point sent, in the order sent. */
    record PerPoint(List<PointAnswer> points) implements Answer {
      public PerPoint {
        points = List.copyOf(points);
      }
    }

    /** A 207 answer that cannot be matched to the points: which of them were applied is unknown. */
    record Unmapped(String reason) implements Answer {}

    /** Nothing stored (or nothing known to be): the shared verdict. */
    record Failed(Verdict verdict) implements Answer {}
  }

  static Answer classify(int status, String body, Headers headers, Instant now, int sent) {
    if (status == 207) {
      return multiStatus(body, sent);
    }
    Optional<Verdict> byStatus = HttpClassifier.byStatus(status, body, headers, now);
    if (byStatus.isPresent()) {
      return new Answer.Failed(byStatus.get());
    }
    if (body == null || body.isBlank() || readJson(body).isPresent()) {
      return new Answer.Stored();
    }
    return new Answer.Failed(HttpClassifier.notTheApi(status, body, headers));
  }

  private static Answer multiStatus(String body, int sent) {
    Optional<JsonNode> root = readJson(body);
    JsonNode list = root.map(r -> r.get("multistatus")).orElse(null);
    if (list == null || !list.isArray()) {
      return new Answer.Unmapped("HTTP 207 without a readable multistatus list" + HttpClassifier.snippet(body));
    }
    if (list.size() != sent) {
      return new Answer.Unmapped("HTTP 207 with " + list.size() + " multistatus entries for " + sent + " points sent");
    }
    List<PointAnswer> out = new ArrayList<>(sent);
    for (JsonNode entry : list) {
      JsonNode s = entry.get("status");
      if (s == null || !s.canConvertToInt()) {
        return new Answer.Unmapped("HTTP 207 with a multistatus entry without a status: " + entry);
      }
      int code = s.asInt();
      List<String> messages = new ArrayList<>();
      entry.path("messages").forEach(m -> messages.add(m.asText()));
      String reason = "TempoDB " + code + (messages.isEmpty() ? "" : ": " + String.join("; ", messages));
      if (code >= 200 && code < 300) {
        out.add(new PointAnswer(PointStatus.STORED, ""));
      } else if (code == 408 || code == 425 || code == 429 || code >= 500) {
        out.add(new PointAnswer(PointStatus.RETRY, reason));
      } else {
        out.add(new PointAnswer(PointStatus.REJECT, reason));
      }
    }
    return new Answer.PerPoint(out);
  }

  private static Optional<JsonNode> readJson(String body) {
    try {
      return Optional.ofNullable(JSON.readTree(body));
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
