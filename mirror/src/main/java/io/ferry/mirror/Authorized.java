package io.ferry.mirror;

import java.util.function.Function;

/**
 * Runs a CDF call with the cached token; on 401 drops the token, fetches a fresh one and repeats
 * the call once. A second 401 is reported as a failure (the client lacks access, not a stale token).
 */
final class Authorized {
  private final TokenSource tokens;

  Authorized(TokenSource tokens) {
    this.tokens = tokens;
  }

  PollOutcome call(Function<String, PollOutcome> request) {
    for (int attempt = 0; ; attempt++) {
      String token;
      try {
        token = tokens.token();
      } catch (TokenSource.TokenException e) {
        return e.retryable
            ? new PollOutcome.RetryLater(e.getMessage(), e.retryAfter, "")
            : new PollOutcome.Failed(0, e.getMessage(), "");
      }
      PollOutcome o = request.apply(token);
      if (!(o instanceof PollOutcome.Unauthorized u)) {
        return o;
      }
      tokens.invalidate(token);
      if (attempt >= 1) {
        return new PollOutcome.Failed(401, "a fresh token was refused too; check the client's access"
            + " (timeSeriesSubscriptionsAcl:READ and READ on the member time series)"
            + (u.message().isEmpty() ? "" : ": " + u.message()), u.requestId());
      }
    }
  }
}
