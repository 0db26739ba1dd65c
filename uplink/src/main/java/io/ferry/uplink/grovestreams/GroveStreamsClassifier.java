package io.ferry.uplink.grovestreams;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import io.ferry.http.HttpClassifier;
import io.ferry.http.Verdict;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import okhttp3.Headers;

/**
 * Classifies a feed PUT answer (DESIGN.md, api-notes §8.1-2). Pure.
 *
 * <ul>
 *   <li>a 4xx other than 401/403/404/405/408/410/413/425/429 whose body is GroveStreams' own JSON
 *       error ({@code {"success":false,"message":...}}): reject, with the message (the API refused
 *       this content);
 *   <li>any other non-2xx: the shared status rules (401/403 pause, 413 split, 429/5xx retry
 *       honouring Retry-After, everything else {@link Verdict.Misconfigured}: never a dead letter);
 *   <li>2xx truncated: retry (a PUT with explicit times is harmless to resend); a 2xx that is not a
 *       JSON object, or one without GroveStreams' boolean {@code success}: misconfigured;
 *   <li>{@code success} not {@code true}: retry, carrying {@code message};
 *   <li>{@code success: true}: every array found under a key containing "missing"
 *       (case-insensitive), anywhere in the answer, names streams that were NOT stored: partial,
 *       with keys {@code componentId/streamId} ({@code * /streamId} when no component is named).
 *       Both shapes are understood: {@code "missingStreams":[{"componentId":"c1","streamIds":["s1"]}]}
 *       and {@code "missing":{"c1":["s1"]}}.
 * </ul>
 */
public final class GroveStreamsClassifier {
  /** Component key used when a missing stream is listed without its component. */
  public static final String ANY_COMPONENT = "*";

  private GroveStreamsClassifier() {}

  public static Verdict classify(int status, String body, Headers headers, Instant now) {
    if (isContentRejection(status, body)) {
      String message = HttpClassifier.parse(body).orElseThrow().path("message").asText("");
      return new Verdict.Reject("GroveStreams refused the feed (HTTP " + status + ")" + (message.isEmpty() ? "" : ": " + message));
    }
    return HttpClassifier.json(status, body, headers, now, "answer", JsonNodeType.OBJECT, GroveStreamsClassifier::readAnswer);
  }

  /**
   * A 4xx that GroveStreams itself sent about the request's content: its JSON envelope with
   * {@code success:false}. Statuses that say the address is wrong (404/405/410) or that are
   * transient or about credentials never count, whatever the body.
   */
  static boolean isContentRejection(int status, String body) {
    if (status < 400 || status >= 500 || List.of(401, 403, 404, 405, 408, 410, 413, 425, 429).contains(status)) {
      return false;
    }
    Optional<JsonNode> root = HttpClassifier.parse(body);
    return root.isPresent() && root.get().isObject() && root.get().path("success").isBoolean()
        && !root.get().path("success").booleanValue();
  }

  /** A 2xx JSON object: {@code success} and what it says is missing. */
  private static Verdict readAnswer(JsonNode root) {
    JsonNode success = root.get("success");
    if (success == null || !success.isBoolean()) {
      return new Verdict.Misconfigured("HTTP 2xx without GroveStreams' \"success\" field: the answer is not GroveStreams'; "
          + "check url and any proxy in front of the API" + HttpClassifier.snippet(root.toString()));
    }
    if (!success.booleanValue()) {
      String message = root.path("message").asText("");
      return new Verdict.RetryAfter(Optional.empty(), "GroveStreams answered success=" + (success == null ? "absent" : success.toString())
          + (message.isEmpty() ? "" : ": " + message));
    }
    Set<String> missing = new LinkedHashSet<>();
    collectMissing(root, null, missing);
    if (missing.isEmpty()) {
      return new Verdict.Acknowledged();
    }
    return new Verdict.Partial(missing, "streams missing on the server: " + missing);
  }

  private static void collectMissing(JsonNode node, String component, Set<String> out) {
    if (node.isObject()) {
      String here = componentOf(node).orElse(component);
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (e.getKey().toLowerCase(Locale.ROOT).contains("missing")) {
          readMissing(e.getValue(), here, out);
        } else {
          collectMissing(e.getValue(), here, out);
        }
      }
    } else if (node.isArray()) {
      node.forEach(n -> collectMissing(n, component, out));
    }
  }

  /** Reads what sits under a "missing" key: an array of ids or of objects, or a map component to ids. */
  private static void readMissing(JsonNode value, String component, Set<String> out) {
    if (value.isArray()) {
      for (JsonNode item : value) {
        if (item.isTextual()) {
          out.add(key(component, item.asText()));
        } else if (item.isObject()) {
          String c = componentOf(item).orElse(component);
          Optional<String> single = text(item, "streamId", "stream", "id", "streamUid");
          single.ifPresent(s -> out.add(key(c, s)));
          for (Iterator<Map.Entry<String, JsonNode>> it = item.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getValue().isArray()) {
              readMissing(e.getValue(), c, out);
            }
          }
        }
      }
    } else if (value.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (e.getValue().isArray()) {
          readMissing(e.getValue(), e.getKey(), out);
        } else if (e.getValue().isTextual()) {
          out.add(key(e.getKey(), e.getValue().asText()));
        }
      }
    } else if (value.isTextual()) {
      out.add(key(component, value.asText()));
    }
  }

  private static Optional<String> componentOf(JsonNode node) {
    return text(node, "componentId", "compId", "componentUid");
  }

  private static Optional<String> text(JsonNode node, String... keys) {
    for (String k : keys) {
      JsonNode v = node.get(k);
      if (v != null && v.isTextual() && !v.asText().isEmpty()) {
        return Optional.of(v.asText());
      }
    }
    return Optional.empty();
  }

  static String key(String component, String stream) {
    return (component == null ? ANY_COMPONENT : component) + "/" + stream;
  }
}
