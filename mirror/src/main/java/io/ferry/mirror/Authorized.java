package io.ferry.mirror;

import io.ferry.http.ClientCredentials;
import java.util.Optional;
import java.util.function.Function;

/**
 * Runs a CDF call with the cached token; on 401/403 drops the token, fetches a fresh one and repeats
 * the call once. A second refusal stays {@link PollOutcome.Unauthorized}: the client lacks access,
 * not a fresh token, and the mirror pauses as an uplink does. A token that cannot be had is judged
 * as an uplink's is ({@link ClientCredentials}): busy (retry), refused (paused), or not a token
 * endpoint at all (misconfigured, paused).
 */
final class Authorized {
  private final ClientCredentials tokens;
  private final ClientCredentials.Transport transport;

  Authorized(ClientCredentials tokens, ClientCredentials.Transport transport) {
    this.tokens = tokens;
    this.transport = transport;
  }

  PollOutcome call(Function<String, PollOutcome> request) {
    for (int attempt = 0; ; attempt++) {
      ClientCredentials.Token t;
      try {
        t = tokens.token(transport);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return new PollOutcome.RetryLater("cancelled", Optional.empty(), "");
      }
      if (t instanceof ClientCredentials.Token.Refused r) {
        return ResponseClassifier.failed(r.verdict(), "");
      }
      String token = ((ClientCredentials.Token.Granted) t).value();
      PollOutcome o = request.apply(token);
      if (!(o instanceof PollOutcome.Unauthorized u)) {
        return o;
      }
      tokens.invalidate(token);
      if (attempt >= 1) {
        return new PollOutcome.Unauthorized(u.message() + " (a fresh token was refused too)", u.requestId());
      }
    }
  }
}
