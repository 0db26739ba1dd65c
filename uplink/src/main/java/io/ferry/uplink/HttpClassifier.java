package io.ferry.uplink;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import io.ferry.core.RetryAfter;
import java.io.IOException;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import okhttp3.Headers;

/**
 * The status-level part of classification that every HTTP API shares. Each API's classifier
 * calls {@link #byStatus} (or {@link #json}, which also parses a 2xx JSON body) and interprets
 * the body of a 2xx itself. Pure.
 */
public final class HttpClassifier {
  private static final ObjectMapper JSON = new ObjectMapper();

  private HttpClassifier() {}

  /**
   * Empty for a 2xx (the caller reads the body); otherwise the verdict: 401/403 unauthorized,
   * 413 too large, 408/425/429 and 5xx retry (honouring Retry-After), any other status reject.
   */
  public static Optional<Verdict> byStatus(int status, String body, Headers headers, Instant now) {
    if (status >= 200 && status < 300) {
      return Optional.empty();
    }
    String reason = "HTTP " + status + snippet(body);
    if (status == 401 || status == 403) {
      return Optional.of(new Verdict.Unauthorized(reason));
    }
    if (status == 413) {
      return Optional.of(new Verdict.TooLarge(reason));
    }
    if (status == 408 || status == 425 || status == 429 || status >= 500) {
      return Optional.of(new Verdict.RetryAfter(RetryAfter.parse(headers.get("Retry-After"), now), reason));
    }
    return Optional.of(new Verdict.Reject(reason));
  }

  /**
   * The shared classification of a JSON API: {@link #byStatus} for a non-2xx; for a 2xx, a retry
   * when the body is not JSON ("unreadable WHAT (HTTP n)") or not a JSON {@code shape} ("WHAT is
   * not a JSON array/object (HTTP n)"), else what {@code read} makes of the parsed body.
   *
   * @param what how messages name the answer ("answer", "chunk answer")
   * @param shape {@link JsonNodeType#ARRAY} or {@link JsonNodeType#OBJECT}
   */
  public static Verdict json(int status, String body, Headers headers, Instant now, String what, JsonNodeType shape,
      Function<JsonNode, Verdict> read) {
    Optional<Verdict> byStatus = byStatus(status, body, headers, now);
    if (byStatus.isPresent()) {
      return byStatus.get();
    }
    JsonNode root;
    try {
      root = JSON.readTree(body == null ? "" : body);
    } catch (IOException e) {
      return new Verdict.RetryAfter(Optional.empty(), "unreadable " + what + " (HTTP " + status + ")" + snippet(body));
    }
    if (root == null || root.getNodeType() != shape) {
      return new Verdict.RetryAfter(Optional.empty(), what + " is not a JSON " + shape.name().toLowerCase(Locale.ROOT)
          + " (HTTP " + status + ")" + snippet(body));
    }
    return read.apply(root);
  }

  /** A short, single-line excerpt of a body for error messages (bodies never echo our secrets). */
  public static String snippet(String body) {
    if (body == null || body.isBlank()) {
      return "";
    }
    String one = body.replaceAll("\\s+", " ").trim();
    return ": " + (one.length() > 200 ? one.substring(0, 200) + "..." : one);
  }
}
