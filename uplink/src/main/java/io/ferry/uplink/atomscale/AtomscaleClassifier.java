package io.ferry.uplink.atomscale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import io.ferry.http.HttpClassifier;
import io.ferry.http.Verdict;
import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import okhttp3.Headers;

/**
 * Classifies Atomscale answers (api-notes §1.3, §8.8). Pure. A chunk is idempotent per
 * (data_id, channel, chunk_index), so anything unclear on a 2xx is a retry of the same chunk.
 */
public final class AtomscaleClassifier {
  private static final ObjectMapper JSON = new ObjectMapper();

  private AtomscaleClassifier() {}

  /**
   * A chunk/multi answer: a 2xx JSON array naming every channel sent is acknowledged; an array
   * missing some is partial (resend the chunk); a truncated 2xx is a retry, any other 2xx body is
   * not Atomscale's answer ({@link Verdict.Misconfigured}). Only the API's own FastAPI error
   * ({@code {"detail": ...}}) says something about the chunk: on 400/422 it is a validation
   * refusal ({@link Verdict.Reject}); on 404/409/410 the stream no longer takes data
   * ({@link Verdict.Reject} with a reason starting {@link #STREAM_GONE}), except FastAPI's
   * route-level {@code "Not Found"}/{@code "Method Not Allowed"}, which mean a wrong url or
   * pathPrefix. Everything else follows the shared rules (never a dead letter).
   */
  public static Verdict chunk(int status, String body, Headers headers, Instant now, Set<String> channelsSent) {
    Optional<String> detail = detail(body);
    if (detail.isPresent() && (status == 404 || status == 409 || status == 410) && !ROUTE_ERRORS.contains(detail.get())) {
      return new Verdict.Reject(STREAM_GONE + "HTTP " + status + HttpClassifier.snippet(body));
    }
    if (detail.isPresent() && (status == 400 || status == 422)) {
      return new Verdict.Reject("Atomscale refused the chunk (HTTP " + status + ")" + HttpClassifier.snippet(body));
    }
    return HttpClassifier.json(status, body, headers, now, "chunk answer", JsonNodeType.ARRAY, root -> {
      Set<String> missing = new LinkedHashSet<>(channelsSent);
      for (JsonNode item : root) {
        missing.remove(item.path("channel_name").asText(""));
      }
      return missing.isEmpty() ? new Verdict.Acknowledged() : new Verdict.Partial(missing, "channels not acknowledged: " + missing);
    });
  }

  public static final String STREAM_GONE = "stream does not accept data: ";

  /** FastAPI's answers for a path or method it has no route for: the url is wrong, not the data. */
  private static final Set<String> ROUTE_ERRORS = Set.of("Not Found", "Method Not Allowed");

  /**
   * The {@code detail} of a FastAPI error body ({@code {"detail":"..."}} or a validation list),
   * as text; empty when the body is not that shape (an HTML page, a proxy's text).
   */
  static Optional<String> detail(String body) {
    Optional<JsonNode> root = HttpClassifier.parse(body);
    if (root.isEmpty() || !root.get().isObject() || !root.get().has("detail")) {
      return Optional.empty();
    }
    JsonNode d = root.get().get("detail");
    return Optional.of(d.isTextual() ? d.asText() : d.toString());
  }

  /** The {@code data_id} of a 2xx initialize answer, empty when absent or unreadable. */
  public static Optional<String> dataId(String body) {
    try {
      JsonNode root = JSON.readTree(body == null ? "" : body);
      JsonNode id = root == null ? null : root.get("data_id");
      return id != null && id.isTextual() && !id.asText().isBlank() ? Optional.of(id.asText()) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
