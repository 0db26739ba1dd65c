package io.ferry.mirror;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import io.ferry.core.RetryAfter;
import io.ferry.http.HttpClassifier;
import io.ferry.http.Reply;
import io.ferry.http.Verdict;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/**
 * Classifies an HTTP answer of the CDF API into a {@link PollOutcome}. The API's own words come
 * first (its {@code cdf-is-auto-retryable} header, a rejected cursor, an error in its JSON shape);
 * everything else is decided by {@link HttpClassifier}, the rules the uplinks follow, so the same
 * answer (a 403, a redirect, a proxy's HTML 404, a 429 with Retry-After) means the same thing to the
 * mirror as to an uplink. Pure.
 */
public final class ResponseClassifier {
  private ResponseClassifier() {}

  /**
   * @param reply the answer, its body already passed through {@link io.ferry.http.Redact#echo}
   * @param now to turn an HTTP-date Retry-After into a delay
   */
  public static PollOutcome classify(Reply reply, Instant now) {
    return classify(reply, now, "answer", body -> {
      try {
        return new PollOutcome.Data(BatchParser.parse(body), requestId(reply));
      } catch (BatchParser.MalformedResponseException e) {
        return new PollOutcome.RetryLater("unusable response body: " + e.getMessage(), Optional.empty(), requestId(reply));
      }
    });
  }

  /** What a 2xx JSON object means to this call ({@code body} is the answer's text). */
  interface Success {
    PollOutcome read(String body);
  }

  /**
   * The shared part: {@code success} reads a 2xx whose body is a JSON object; every other answer is
   * classified here.
   *
   * @param what how messages name the answer ("answer", "subscriptions/byids answer")
   */
  static PollOutcome classify(Reply reply, Instant now, String what, Success success) {
    int code = reply.status();
    String rid = requestId(reply);
    boolean ok = code >= 200 && code < 300;
    String message = ok ? "" : errorMessage(reply.body());
    String said = "HTTP " + code + (message.isEmpty() ? "" : ": " + message);
    if (!ok && "true".equalsIgnoreCase(reply.header("cdf-is-auto-retryable"))) {
      return new PollOutcome.RetryLater(said, RetryAfter.parse(reply.header("Retry-After"), now), rid);
    }
    Optional<JsonNode> apiError = ok ? Optional.empty() : cdfError(reply.body());
    if (apiError.isPresent() && code >= 400 && code < 500 && !sharedRule(code)) {
      // The API's own refusal: a cursor it no longer knows, or a request it will not serve.
      return message.toLowerCase(Locale.ROOT).contains("cursor")
          ? new PollOutcome.CursorRejected(code, message, rid)
          : new PollOutcome.Failed(code, message, rid);
    }
    Verdict v = HttpClassifier.json(code, reply.body(), reply.headers(), now, what, JsonNodeType.OBJECT,
        root -> new Verdict.Acknowledged());
    if (v instanceof Verdict.Acknowledged) {
      return success.read(reply.body());
    } else if (apiError.isPresent() && v instanceof Verdict.RetryAfter r) {
      return new PollOutcome.RetryLater(said, r.after(), rid);
    } else if (apiError.isPresent() && v instanceof Verdict.Unauthorized) {
      return new PollOutcome.Unauthorized(said, rid);
    }
    return failed(v, rid);
  }

  /** The outcome of a verdict that is not an acknowledgment, kind for kind (as {@code Delivery.ofFailed} for uplinks). */
  static PollOutcome failed(Verdict v, String rid) {
    if (v instanceof Verdict.RetryAfter r) {
      return new PollOutcome.RetryLater(r.reason(), r.after(), rid);
    } else if (v instanceof Verdict.Unauthorized u) {
      return new PollOutcome.Unauthorized(u.reason(), rid);
    } else if (v instanceof Verdict.Misconfigured m) {
      return new PollOutcome.Misconfigured(m.reason(), rid);
    } else if (v instanceof Verdict.TooLarge t) {
      // A mirror request is a few hundred bytes: a 413 is a proxy's limit, not the data's size.
      return new PollOutcome.Misconfigured(t.reason() + ": a proxy in front of the API refuses even a small request", rid);
    }
    // Acknowledged, Partial and Reject speak of records sent; the mirror sends none.
    throw new IllegalStateException("a failed answer cannot be " + v);
  }

  /** Statuses whose meaning is the same for every API (credentials, throttling, size, server errors). */
  private static boolean sharedRule(int code) {
    return code == 401 || code == 403 || code == 408 || code == 413 || code == 425 || code == 429;
  }

  /** The CDF error object ({@code {"error": {"code": n, "message": "..."}}} or a bare {@code {"error": "..."}}), if that is the body. */
  private static Optional<JsonNode> cdfError(String body) {
    return HttpClassifier.parse(body).map(root -> root.get("error"))
        .filter(err -> err.isTextual() || (err.isObject() && err.has("message")));
  }

  private static String requestId(Reply reply) {
    String rid = reply.header("x-request-id");
    return rid == null ? "" : rid;
  }

  /** {@code error.message} (or a bare {@code error} string), else the body's start; one line, at most {@link HttpClassifier#MAX_EXCERPT} characters. */
  static String errorMessage(String body) {
    Optional<JsonNode> err = cdfError(body);
    if (err.isEmpty()) {
      return HttpClassifier.excerpt(body);
    }
    if (err.get().isTextual()) {
      return HttpClassifier.excerpt(err.get().asText());
    }
    String msg = err.get().get("message").asText();
    if (err.get().has("missing")) {
      msg += " (missing: " + err.get().get("missing") + ")";
    }
    return HttpClassifier.excerpt(msg);
  }
}
