package io.ferry.uplink.clarify;

import io.ferry.http.ClientCredentials;
import io.ferry.uplink.Delivery;
import io.ferry.uplink.Exchange;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * The {@code Authorization} header of Clarify calls. Basic is fixed; an OAuth 2.0 client
 * credentials token comes from {@code {apiUrl}oauth/token} through the one {@link ClientCredentials}
 * of Ferry (kept until shortly before it expires, dropped after a 401), fetched through the uplink's
 * {@link Exchange} so token calls are paced with the API calls. Used by the runner thread only.
 */
final class ClarifyAuth {
  private final ClarifyPlan plan;
  private final ClientCredentials tokens;
  private String bearer;

  ClarifyAuth(ClarifyPlan plan, InstantSource clock) {
    this.plan = plan;
    this.tokens = plan.auth() instanceof ClarifyPlan.Auth.ClientCredentials c
        ? new ClientCredentials(new ClientCredentials.Grant(plan.tokenUrl(), c.clientId(), c.clientSecret(), List.of(),
            Optional.of(c.audience())), clock)
        : null;
  }

  /** Header value, or how the batch ends when no token could be had. */
  sealed interface Header {
    record Value(String value) implements Header {}

    record Failed(Delivery delivery) implements Header {}
  }

  boolean refreshable() {
    return tokens != null;
  }

  /** Forgets the token the API just refused (after a 401). */
  void invalidate() {
    if (tokens != null) {
      tokens.invalidate(bearer);
    }
  }

  Header header(Exchange exchange) throws InterruptedException {
    if (plan.auth() instanceof ClarifyPlan.Auth.Basic b) {
      String pair = b.username() + ":" + b.password().reveal();
      return new Header.Value("Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
    }
    ClientCredentials.Token t = tokens.token(exchange::send);
    if (t instanceof ClientCredentials.Token.Granted g) {
      bearer = g.value();
      return new Header.Value("Bearer " + bearer);
    }
    return new Header.Failed(Delivery.ofFailed(((ClientCredentials.Token.Refused) t).verdict(), List::of));
  }
}
