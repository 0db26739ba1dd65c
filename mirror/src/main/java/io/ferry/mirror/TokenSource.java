package io.ferry.mirror;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ferry.core.RetryAfter;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Optional;
import okhttp3.FormBody;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * OAuth2 client-credentials token for the CDF API. The token is cached until shortly before it
 * expires (a minute, or a tenth of its lifetime when that is shorter) and dropped when the API
 * answers 401, so the next request fetches a fresh one. Thread-safe: partition workers share it.
 */
final class TokenSource {
  static final Duration DEFAULT_LIFETIME = Duration.ofMinutes(5);
  static final Duration MAX_EARLY = Duration.ofMinutes(1);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final MirrorPlan plan;
  private final OkHttpClient http;
  private final InstantSource clock;
  private String token;
  private Instant refreshAt = Instant.MIN;
  private long fetches;

  TokenSource(MirrorPlan plan, OkHttpClient http, InstantSource clock) {
    this.plan = plan;
    this.http = http;
    this.clock = clock;
  }

  /** The token could not be obtained; the message never contains the secret. */
  static final class TokenException extends Exception {
    final boolean retryable;
    final Optional<Duration> retryAfter;

    TokenException(String message, boolean retryable, Optional<Duration> retryAfter) {
      super(message);
      this.retryable = retryable;
      this.retryAfter = retryAfter;
    }
  }

  synchronized String token() throws TokenException {
    Instant now = clock.instant();
    if (token != null && now.isBefore(refreshAt)) {
      return token;
    }
    FormBody.Builder form = new FormBody.Builder()
        .add("grant_type", "client_credentials")
        .add("client_id", plan.clientId())
        .add("client_secret", plan.clientSecret().reveal());
    if (!plan.scopes().isEmpty()) {
      form.add("scope", String.join(" ", plan.scopes()));
    }
    plan.audience().ifPresent(a -> form.add("audience", a));
    Request req = new Request.Builder().url(plan.tokenUrl()).post(form.build()).header("Accept", "application/json").build();
    try (Response resp = http.newCall(req).execute()) {
      ResponseBody rb = resp.body();
      String body = rb == null ? "" : rb.string();
      if (!resp.isSuccessful()) {
        boolean retryable = resp.code() == 429 || resp.code() >= 500 || resp.code() == 408;
        throw new TokenException("token endpoint " + plan.tokenUrl() + " answered HTTP " + resp.code() + oauthError(body),
            retryable, RetryAfter.parse(resp.header("Retry-After"), now));
      }
      JsonNode root;
      try {
        root = JSON.readTree(body);
      } catch (IOException e) {
        throw new TokenException("token endpoint " + plan.tokenUrl() + " answered with a body that is not JSON", true, Optional.empty());
      }
      JsonNode at = root == null ? null : root.get("access_token");
      if (at == null || !at.isTextual() || at.asText().isEmpty()) {
        throw new TokenException("token endpoint " + plan.tokenUrl() + " answered without access_token", true, Optional.empty());
      }
      JsonNode exp = root.get("expires_in");
      Duration lifetime = exp != null && exp.canConvertToLong() && exp.asLong() > 0 ? Duration.ofSeconds(exp.asLong())
          : exp != null && exp.isTextual() && exp.asText().matches("[0-9]{1,9}") ? Duration.ofSeconds(Long.parseLong(exp.asText()))
          : DEFAULT_LIFETIME;
      Duration early = lifetime.dividedBy(10).compareTo(MAX_EARLY) < 0 ? lifetime.dividedBy(10) : MAX_EARLY;
      token = at.asText();
      refreshAt = now.plus(lifetime).minus(early);
      fetches++;
      return token;
    } catch (IOException e) {
      throw new TokenException("token endpoint " + plan.tokenUrl() + " unreachable (" + io.ferry.config.IoCauses.message(e) + ")", true, Optional.empty());
    }
  }

  /** Drops {@code rejected} if it is still the cached token (another worker may have renewed it already). */
  synchronized void invalidate(String rejected) {
    if (rejected != null && rejected.equals(token)) {
      token = null;
    }
  }

  synchronized long fetches() {
    return fetches;
  }

  private static String oauthError(String body) {
    try {
      JsonNode root = JSON.readTree(body);
      if (root != null && root.has("error")) {
        String d = root.has("error_description") ? ": " + root.get("error_description").asText() : "";
        String s = " (" + root.get("error").asText() + d + ")";
        return s.length() > 300 ? s.substring(0, 300) + "...)" : s;
      }
    } catch (IOException e) {
      // not JSON: say nothing more
    }
    return "";
  }
}
