package io.ferry.mirror;

import java.time.Duration;
import java.util.Optional;

/** What one {@code data/list} request came to; decided by {@link ResponseClassifier}. */
public sealed interface PollOutcome {

  /** The id the server gave the request ({@code x-request-id}), for support tickets; "" if none. */
  String requestId();

  /** A usable batch: apply it, then store its cursors. */
  record Data(SubscriptionBatch batch, String requestId) implements PollOutcome {}

  /** 401: the token is no longer accepted; fetch a new one and repeat the request once. */
  record Unauthorized(String message, String requestId) implements PollOutcome {}

  /** A 4xx naming the cursor: it expired or is unknown; re-initialize from the last processed time. */
  record CursorRejected(int code, String message, String requestId) implements PollOutcome {}

  /** 429, 5xx, a transport error or an unreadable body: wait (Retry-After when given) and repeat. */
  record RetryLater(String reason, Optional<Duration> retryAfter, String requestId) implements PollOutcome {}

  /** Any other answer (403, subscription not found, bad request): reported, repeated slowly. */
  record Failed(int code, String message, String requestId) implements PollOutcome {}
}
