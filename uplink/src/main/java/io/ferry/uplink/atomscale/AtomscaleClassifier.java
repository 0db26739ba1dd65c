package io.ferry.uplink.atomscale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import io.ferry.uplink.HttpClassifier;
import io.ferry.uplink.Verdict;
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
   * missing some is partial (resend the chunk); anything else on a 2xx is a retry. 404/409/410
   * mean the stream no longer takes data: {@link Verdict.Reject} with a reason starting
   * {@link #STREAM_GONE}. Other statuses follow the shared rules.
   */
  public static Verdict chunk(int status, String body, Headers headers, Instant now, Set<String> channelsSent) {
    if (status == 404 || status == 409 || status == 410) {
      return new Verdict.Reject(STREAM_GONE + "HTTP " + status + HttpClassifier.snippet(body));
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
