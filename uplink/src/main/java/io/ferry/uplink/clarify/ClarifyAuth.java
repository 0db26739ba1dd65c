package io.ferry.uplink.clarify;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.uplink.Delivery;
import io.ferry.uplink.Exchange;
import io.ferry.uplink.HttpClassifier;
import io.ferry.uplink.Redact;
import io.ferry.uplink.Verdict;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Base64;
import java.util.Optional;
import okhttp3.FormBody;
import okhttp3.Request;

/**
 * The {@code Authorization} header of Clarify calls. Basic is fixed; an OAuth 2.0 client
 * credentials token is fetched from {@code {apiUrl}oauth/token} on first use, kept until shortly
 * before it expires (Clarify rate-limits token fetches: "keep using it until it expires"), and
 * dropped when a call answers 401 so the next call fetches a new one. Used by the runner thread only.
 */
final class ClarifyAuth {
  /** A token is renewed this long before it expires (at most half its life). */
  static final Duration MARGIN = Duration.ofSeconds(60);

  private final ClarifyPlan plan;
  private final InstantSource clock;
  private String token;
  private Instant renewAt = Instant.MIN;

  ClarifyAuth(ClarifyPlan plan, InstantSource clock) {
    this.plan = plan;
    this.clock = clock;
  }

  /** Header value, or how the batch ends when no token could be had. */
  sealed interface Header {
    record Value(String value) implements Header {}

    record Failed(Delivery delivery) implements Header {}
  }

  boolean refreshable() {
    return plan.auth() instanceof ClarifyPlan.Auth.ClientCredentials;
  }

  /** Forgets the cached token (after a 401). */
  void invalidate() {
    token = null;
    renewAt = Instant.MIN;
  }

  Header header(Exchange exchange) throws InterruptedException {
    if (plan.auth() instanceof ClarifyPlan.Auth.Basic b) {
      String pair = b.username() + ":" + b.password().reveal();
      return new Header.Value("Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
    }
    ClarifyPlan.Auth.ClientCredentials c = (ClarifyPlan.Auth.ClientCredentials) plan.auth();
    if (token != null && clock.instant().isBefore(renewAt)) {
      return new Header.Value("Bearer " + token);
    }
    Request request = new Request.Builder().url(plan.tokenUrl())
        .post(new FormBody.Builder()
            .add("grant_type", "client_credentials")
            .add("client_id", c.clientId())
            .add("client_secret", c.clientSecret().reveal())
            .add("audience", c.audience())
            .build())
        .build();
    Exchange.Reply reply;
    try {
      reply = Redact.echo(exchange.send(request), plan.secrets());
    } catch (IOException e) {
      return new Header.Failed(new Delivery.Retry(Optional.empty(), "token request failed (" + Redact.describe(e) + ")"));
    }
    Instant now = clock.instant();
    int status = reply.status();
    if (status == 400 || status == 401 || status == 403) {
      // OAuth's invalid_client / unauthorized_client / access_denied: the credentials, not the url.
      Optional<JsonNode> root = HttpClassifier.parse(reply.body());
      if (root.isPresent() && root.get().has("error")) {
        return new Header.Failed(new Delivery.Unauthorized("token request refused: HTTP " + status + " "
            + root.get().path("error").asText() + " " + root.get().path("error_description").asText("")));
      }
      if (status != 400) {
        return new Header.Failed(new Delivery.Unauthorized("token request refused: HTTP " + status + HttpClassifier.snippet(reply.body())));
      }
    }
    Optional<Verdict> byStatus = HttpClassifier.byStatus(status, reply.body(), reply.headers(), now);
    if (byStatus.isPresent()) {
      Verdict v = byStatus.get();
      if (v instanceof Verdict.RetryAfter r) {
        return new Header.Failed(new Delivery.Retry(r.after(), "token request: " + r.reason()));
      } else if (v instanceof Verdict.Misconfigured m) {
        return new Header.Failed(new Delivery.Misconfigured("token request to " + plan.tokenUrl() + ": " + m.reason()));
      } else if (v instanceof Verdict.Unauthorized u) {
        return new Header.Failed(new Delivery.Unauthorized("token request refused: " + u.reason()));
      }
      return new Header.Failed(new Delivery.Retry(Optional.empty(), "token request: HTTP " + status));
    }
    Optional<JsonNode> root = HttpClassifier.parse(reply.body());
    JsonNode access = root.map(r -> r.get("access_token")).orElse(null);
    if (access == null || !access.isTextual() || access.asText().isEmpty()) {
      String why = root.isEmpty() ? HttpClassifier.notTheApi(status, reply.body(), reply.headers()).reason()
          : "HTTP " + status + " without an access_token (not an OAuth token endpoint)";
      return new Header.Failed(new Delivery.Misconfigured("token request to " + plan.tokenUrl() + ": " + why));
    }
    long expiresIn = root.get().path("expires_in").asLong(3600);
    Duration life = Duration.ofSeconds(Math.max(1, expiresIn));
    Duration margin = MARGIN.compareTo(life.dividedBy(2)) < 0 ? MARGIN : life.dividedBy(2);
    token = access.asText();
    renewAt = now.plus(life).minus(margin);
    return new Header.Value("Bearer " + token);
  }
}
