package io.ferry.mirror;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ferry.core.RetryAfter;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/** Classifies an HTTP answer of {@code data/list} (status, headers, body) into a {@link PollOutcome}. Pure. */
public final class ResponseClassifier {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_MESSAGE = 300;

  private ResponseClassifier() {}

  /**
   * @param retryAfter the {@code Retry-After} header or null
   * @param autoRetryable true when the server sent {@code cdf-is-auto-retryable: true}
   * @param now to turn an HTTP-date Retry-After into a delay
   */
  public static PollOutcome classify(int code, String body, String requestId, String retryAfter, boolean autoRetryable, Instant now) {
    String rid = requestId == null ? "" : requestId;
    if (code >= 200 && code < 300) {
      try {
        return new PollOutcome.Data(BatchParser.parse(body), rid);
      } catch (BatchParser.MalformedResponseException e) {
        return new PollOutcome.RetryLater("unusable response body: " + e.getMessage(), Optional.empty(), rid);
      }
    }
    String message = errorMessage(body);
    if (code == 429 || code >= 500 || code == 408 || autoRetryable) {
      return new PollOutcome.RetryLater("HTTP " + code + (message.isEmpty() ? "" : ": " + message), RetryAfter.parse(retryAfter, now), rid);
    }
    if (code == 401) {
      return new PollOutcome.Unauthorized(message, rid);
    }
    if (code >= 400 && code < 500 && code != 403 && message.toLowerCase(Locale.ROOT).contains("cursor")) {
      return new PollOutcome.CursorRejected(code, message, rid);
    }
    return new PollOutcome.Failed(code, message, rid);
  }

  /** {@code error.message} (or a bare {@code error} string), else the body's start; never more than 300 characters. */
  static String errorMessage(String body) {
    if (body == null || body.isBlank()) {
      return "";
    }
    String msg;
    try {
      JsonNode root = JSON.readTree(body);
      JsonNode err = root == null ? null : root.get("error");
      if (err != null && err.isTextual()) {
        msg = err.asText();
      } else if (err != null && err.isObject() && err.has("message")) {
        msg = err.get("message").asText();
        if (err.has("missing")) {
          msg += " (missing: " + err.get("missing") + ")";
        }
      } else {
        msg = body.strip();
      }
    } catch (java.io.IOException e) {
      msg = body.strip();
    }
    msg = msg.replaceAll("\\s+", " ");
    return msg.length() > MAX_MESSAGE ? msg.substring(0, MAX_MESSAGE) + "..." : msg;
  }
}
