package io.ferry.uplink.clarify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import io.ferry.core.RetryAfter;
import io.ferry.http.HttpClassifier;
import io.ferry.http.Verdict;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import okhttp3.Headers;

/**
 * Classifies a Clarify JSON-RPC answer (api-notes §2.3, §2.5; issues 11 and 17). Pure.
 *
 * <ul>
 *   <li>a JSON-RPC {@code result} holding {@code signalsByInput}: acknowledged;
 *   <li>a JSON-RPC {@code error} (whatever the HTTP status, except 401/403 and the transient
 *       ones): by code: {@code -32015} try again, {@code -32603}/{@code -32000} server trouble:
 *       retry; {@code -32602} invalid params, {@code -32001}/{@code -32002} invalid resource,
 *       {@code -32009} conflict, {@code -32021} partial failure: reject with the message and the
 *       details (the API refused this content); {@code -32003} forbidden: unauthorized;
 *       {@code -32700}/{@code -32600}/{@code -32601} (parse error, invalid request, unknown method:
 *       our request, not the data, e.g. a wrong API version): misconfigured; other codes: retry;
 *   <li>no JSON-RPC answer: the shared rules; 504 and other 5xx retry (a 504 may still be
 *       applied later: resending is harmless, the times are explicit); a redirect, 404, HTML or a
 *       2xx of another shape: misconfigured, never a dead letter.
 * </ul>
 */
public final class ClarifyClassifier {
  private static final List<Integer> TRANSIENT_OR_AUTH = List.of(401, 403, 408, 413, 425, 429);

  private ClarifyClassifier() {}

  public static Verdict classify(int status, String body, Headers headers, Instant now) {
    Optional<JsonNode> error = rpcError(body);
    if (error.isPresent() && status < 500 && !TRANSIENT_OR_AUTH.contains(status)) {
      return byCode(status, error.get(), headers, now);
    }
    return HttpClassifier.json(status, body, headers, now, "answer", JsonNodeType.OBJECT, root -> {
      if (!"2.0".equals(root.path("jsonrpc").asText()) || !root.has("result")) {
        return new Verdict.Misconfigured("HTTP " + status + " but the answer is not a JSON-RPC 2.0 result "
            + "(not Clarify's answer): check url and any proxy in front of the API" + HttpClassifier.snippet(root.toString()));
      }
      JsonNode result = root.get("result");
      if (!result.path("signalsByInput").isObject()) {
        return new Verdict.Misconfigured("HTTP " + status + " but the JSON-RPC result has no signalsByInput (not Clarify's "
            + "answer to insert/saveSignals)" + HttpClassifier.snippet(root.toString()));
      }
      return new Verdict.Acknowledged();
    });
  }

  /** The {@code error} object of a JSON-RPC 2.0 answer with a numeric code, if the body is one. */
  static Optional<JsonNode> rpcError(String body) {
    return HttpClassifier.parse(body)
        .filter(root -> root.isObject() && "2.0".equals(root.path("jsonrpc").asText()))
        .map(root -> root.get("error"))
        .filter(e -> e != null && e.isObject() && e.path("code").isIntegralNumber());
  }

  private static Verdict byCode(int status, JsonNode error, Headers headers, Instant now) {
    int code = error.path("code").asInt();
    String reason = "Clarify error " + code + " " + error.path("message").asText("") + details(error.path("data"))
        + (status == 200 ? "" : " (HTTP " + status + ")");
    return switch (code) {
      case -32015, -32603, -32000 -> new Verdict.RetryAfter(RetryAfter.parse(headers.get("Retry-After"), now), reason);
      case -32602, -32001, -32002, -32009, -32021 -> new Verdict.Reject(reason);
      case -32003 -> new Verdict.Unauthorized(reason);
      case -32700, -32600, -32601 -> new Verdict.Misconfigured(reason + ": Ferry's request was not understood (API version "
          + ClarifyPlan.API_VERSION + " at this url?)");
      default -> new Verdict.RetryAfter(Optional.empty(), reason);
    };
  }

  /** {@code data.params} and {@code data.invalidResources}, shortened, and the trace id. */
  private static String details(JsonNode data) {
    StringBuilder sb = new StringBuilder();
    if (data.has("params")) {
      sb.append(" params ").append(data.get("params"));
    }
    if (data.has("invalidResources")) {
      sb.append(" invalidResources ").append(data.get("invalidResources"));
    }
    if (data.hasNonNull("trace")) {
      sb.append(" (trace ").append(data.get("trace").asText()).append(')');
    }
    String s = sb.toString();
    return s.length() > 400 ? s.substring(0, 400) + "..." : s;
  }
}
