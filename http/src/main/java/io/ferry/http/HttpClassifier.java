package io.ferry.http;

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
 * The status-level part of classification that every HTTP API shares, uplinks and the mirror
 * alike: the same answer gets the same {@link Verdict}. Each API's classifier recognises its own
 * error shape first, then calls {@link #byStatus} (or {@link #json}, which also parses a 2xx JSON
 * body) and interprets the body of a 2xx itself. Pure.
 */
public final class HttpClassifier {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** The most characters of a server's body that any message quotes. */
  public static final int MAX_EXCERPT = 200;

  private HttpClassifier() {}

  /**
   * Empty for a 2xx (the caller reads the body); otherwise the verdict: 401/403 unauthorized,
   * 413 too large, 408/425/429 and 5xx retry (honouring Retry-After); everything else (3xx, 404,
   * 405, 410, any other 4xx, an HTML page with a 4xx) is {@link Verdict.Misconfigured}: this
   * function cannot know an API's error shape, so it never rejects records. Each API's classifier
   * recognises its own content rejections first and calls this for the rest (issue 17).
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
      // A proxy's 502/503 page is transient too: retrying keeps the data either way.
      return Optional.of(new Verdict.RetryAfter(RetryAfter.parse(headers.get("Retry-After"), now), reason));
    }
    return Optional.of(notTheApi(status, body, headers));
  }

  /**
   * Why an answer that is not the API's own word about the data pauses the uplink: a redirect names
   * where it points ("the server redirects to https://...: set url to that"; Ferry never follows it:
   * the credentials must not travel to another host), an HTML page says so, a 404/405/410 says the
   * address is wrong.
   */
  public static Verdict.Misconfigured notTheApi(int status, String body, Headers headers) {
    if (status >= 300 && status < 400) {
      String location = headers.get("Location");
      return new Verdict.Misconfigured("HTTP " + status + ": the server redirects to "
          + (location == null || location.isBlank() ? "(no Location given)" : Redact.url(location.trim()))
          + ": set url to that (Ferry never follows redirects)");
    }
    String what = switch (status) {
      case 404 -> "not found";
      case 405 -> "method not allowed";
      case 410 -> "gone";
      default -> status >= 200 && status < 300 ? "but the answer is not the API's" : "without the API's error shape";
    };
    String page = isHtml(body, headers) ? "an HTML page (a proxy or web server, not the API)" : "";
    return new Verdict.Misconfigured("HTTP " + status + " " + what + (page.isEmpty() ? "" : ", " + page)
        + ": check url and any proxy in front of the API" + snippet(body));
  }

  /** True when the answer is an HTML page (by Content-Type or by its first character). */
  public static boolean isHtml(String body, Headers headers) {
    String type = headers.get("Content-Type");
    if (type != null && type.toLowerCase(Locale.ROOT).contains("html")) {
      return true;
    }
    return body != null && body.stripLeading().startsWith("<");
  }

  /**
   * The shared classification of a JSON API: {@link #byStatus} for a non-2xx; for a 2xx, a retry
   * when the JSON stops short (a truncated answer: "unreadable WHAT (HTTP n)"), {@link
   * Verdict.Misconfigured} when the body is not JSON at all (an HTML page) or not a JSON {@code
   * shape}, else what {@code read} makes of the parsed body.
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
      // JSON that stops short is a truncated answer (retry: resending is harmless); anything else
      // (an HTML page, plain text) did not come from a JSON API.
      String start = body == null ? "" : body.stripLeading();
      if (start.startsWith("{") || start.startsWith("[")) {
        return new Verdict.RetryAfter(Optional.empty(), "unreadable " + what + " (HTTP " + status + ")" + snippet(body));
      }
      return notTheApi(status, body, headers);
    }
    if (root == null || root.isMissingNode()) {
      return new Verdict.RetryAfter(Optional.empty(), "empty " + what + " (HTTP " + status + ")");
    }
    if (root.getNodeType() != shape) {
      return new Verdict.Misconfigured("HTTP " + status + " but the " + what + " is not a JSON "
          + shape.name().toLowerCase(Locale.ROOT) + " (not the API's answer): check url and any proxy in front of the API"
          + snippet(body));
    }
    return read.apply(root);
  }

  /** The body parsed as JSON, empty when it is not JSON (an error body of unknown shape). */
  public static Optional<JsonNode> parse(String body) {
    try {
      JsonNode root = JSON.readTree(body == null ? "" : body);
      return root == null || root.isMissingNode() ? Optional.empty() : Optional.of(root);
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /**
   * A short, single-line excerpt of a body for error messages ({@code ": "} and the {@link #excerpt},
   * or nothing for an empty body). Callers pass bodies through {@link Redact#echo} before
   * classifying, so an excerpt never carries a secret the server echoed.
   */
  public static String snippet(String body) {
    String one = excerpt(body);
    return one.isEmpty() ? "" : ": " + one;
  }

  /** The text on one line, cut after {@link #MAX_EXCERPT} characters: the most of a server's words any message quotes. */
  public static String excerpt(String text) {
    if (text == null || text.isBlank()) {
      return "";
    }
    String one = text.replaceAll("\\s+", " ").trim();
    return one.length() > MAX_EXCERPT ? one.substring(0, MAX_EXCERPT) + "..." : one;
  }
}
