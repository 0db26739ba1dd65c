package io.ferry.mirror;

import java.time.Duration;
import java.util.Optional;

/** What one {@code data/list} request came to; decided by {@link ResponseClassifier}. */
public sealed interface PollOutcome {

  /** The id the server gave the request ({@code x-request-id}), for support tickets; "" if none. */
  String requestId();

  /** A usable batch: apply it, then store its cursors. */
  record Data(SubscriptionBatch batch, String requestId) implements PollOutcome {}

  /**
   * 401/403: the token is not accepted; fetch a new one and repeat the request once, then pause as an
   * uplink does ({@code PAUSED_AUTH}): the client lacks access.
   */
  record Unauthorized(String message, String requestId) implements PollOutcome {}

  /** A 4xx naming the cursor: it expired or is unknown; re-initialize from the last processed time. */
  record CursorRejected(int code, String message, String requestId) implements PollOutcome {}

  /** 429, 5xx, a transport error or an unreadable body: wait (Retry-After when given) and repeat. */
  record RetryLater(String reason, Optional<Duration> retryAfter, String requestId) implements PollOutcome {}

  /**
   * The answer did not come from the API: a redirect, a 404/405/410, an HTML page, a 2xx that is not
   * the API's JSON. {@code baseUrl} (or a proxy) is wrong: pause as an uplink does ({@code
   * PAUSED_CONFIG}), look again every {@link io.ferry.http.HttpPolicy#CONFIG_RETRY}.
   */
  record Misconfigured(String message, String requestId) implements PollOutcome {}

  /** The API's own refusal (subscription not found, bad request): reported, repeated slowly. */
  record Failed(int code, String message, String requestId) implements PollOutcome {}
}
