package io.ferry.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.config.Secret;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import okhttp3.FormBody;
import okhttp3.HttpUrl;
import okhttp3.Request;

/**
 * An OAuth 2.0 client-credentials token (RFC 6749 4.4), the one client of the Clarify uplink and
 * the mirror. The token is kept until {@link #MARGIN} before it expires (or half its life when that
 * is shorter; some APIs rate-limit token fetches: "keep using it until it expires"), and dropped by
 * {@link #invalidate} when an API answers 401, so the next call fetches a fresh one. Thread-safe:
 * the mirror's partition workers share one; a fetch holds the lock, so workers wait for one fetch
 * rather than each making their own. The secret never appears in a message: the token endpoint's
 * answer is passed through {@link Redact#echo} before anything quotes it.
 */
public final class ClientCredentials {
  /** A token is renewed this long before it expires (at most half its life). */
  public static final Duration MARGIN = Duration.ofSeconds(60);
  /** The life assumed when the answer gives no {@code expires_in}: short, so a wrong guess costs one fetch, not a refused call. */
  public static final Duration DEFAULT_LIFETIME = Duration.ofMinutes(5);

  /**
   * What is asked for. {@code scopes} (joined by spaces into {@code scope}) and {@code audience} are
   * sent when given.
   */
  public record Grant(HttpUrl tokenUrl, String clientId, Secret clientSecret, List<String> scopes, Optional<String> audience) {
    public Grant {
      // The plans that build a grant validated every field; only the list needs copying.
      scopes = List.copyOf(scopes);
    }
  }

  /** Sends the token request: an uplink's {@code Exchange::send} (paced, cancellable) or a plain client. */
  @FunctionalInterface
  public interface Transport {
    Reply send(Request request) throws IOException, InterruptedException;
  }

  /** A token, or why there is none. */
  public sealed interface Token {
    /** The access token, for {@code Authorization: Bearer}. */
    record Granted(String value) implements Token {}

    /**
     * No token: {@link Verdict.RetryAfter} (the endpoint is busy or unreachable), {@link
     * Verdict.Unauthorized} (the client's credentials were refused) or {@link Verdict.Misconfigured}
     * (the token URL does not answer as an OAuth token endpoint).
     */
    record Refused(Verdict verdict) implements Token {}
  }

  private final Grant grant;
  private final InstantSource clock;
  private String token;
  private Instant renewAt = Instant.MIN;
  private long fetches;

  public ClientCredentials(Grant grant, InstantSource clock) {
    this.grant = Objects.requireNonNull(grant, "grant");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** The cached token, or a fresh one fetched through {@code transport}. */
  public synchronized Token token(Transport transport) throws InterruptedException {
    if (token != null && clock.instant().isBefore(renewAt)) {
      return new Token.Granted(token);
    }
    String where = Redact.url(grant.tokenUrl().toString());
    Reply reply;
    try {
      reply = Redact.echo(transport.send(request()), grant.clientSecret());
    } catch (IOException e) {
      return new Token.Refused(new Verdict.RetryAfter(Optional.empty(), "token request to " + where + " failed ("
          + Redact.describe(e) + ")"));
    }
    Instant now = clock.instant();
    Optional<Verdict> failed = classify(reply, now, where);
    if (failed.isPresent()) {
      return new Token.Refused(failed.get());
    }
    JsonNode root = HttpClassifier.parse(reply.body()).orElseThrow();
    Duration life = lifetime(root.get("expires_in"));
    Duration margin = MARGIN.compareTo(life.dividedBy(2)) < 0 ? MARGIN : life.dividedBy(2);
    token = root.get("access_token").asText();
    renewAt = now.plus(life).minus(margin);
    fetches++;
    return new Token.Granted(token);
  }

  /** Drops {@code rejected} if it is still the cached token (another worker may have renewed it already). */
  public synchronized void invalidate(String rejected) {
    if (rejected != null && rejected.equals(token)) {
      token = null;
      renewAt = Instant.MIN;
    }
  }

  /** How many tokens were fetched. */
  public synchronized long fetches() {
    return fetches;
  }

  private Request request() {
    FormBody.Builder form = new FormBody.Builder()
        .add("grant_type", "client_credentials")
        .add("client_id", grant.clientId())
        .add("client_secret", grant.clientSecret().reveal());
    if (!grant.scopes().isEmpty()) {
      form.add("scope", String.join(" ", grant.scopes()));
    }
    grant.audience().ifPresent(a -> form.add("audience", a));
    return new Request.Builder().url(grant.tokenUrl()).post(form.build()).header("Accept", "application/json").build();
  }

  /**
   * Empty when the answer carries a token. Pure: OAuth's own refusal (invalid_client,
   * unauthorized_client, access_denied: a 400/401/403 with {@code error}) is about the credentials;
   * any other answer is judged by {@link HttpClassifier}, as every API call is.
   */
  static Optional<Verdict> classify(Reply reply, Instant now, String where) {
    int status = reply.status();
    if (status == 400 || status == 401 || status == 403) {
      Optional<JsonNode> root = HttpClassifier.parse(reply.body());
      if (root.isPresent() && root.get().has("error")) {
        return Optional.of(new Verdict.Unauthorized("token request to " + where + " refused: HTTP " + status + " ("
            + HttpClassifier.excerpt(root.get().path("error").asText() + describe(root.get())) + ")"));
      }
    }
    Optional<Verdict> byStatus = HttpClassifier.byStatus(status, reply.body(), reply.headers(), now);
    if (byStatus.isPresent()) {
      Verdict v = byStatus.get();
      if (v instanceof Verdict.RetryAfter r) {
        return Optional.of(new Verdict.RetryAfter(r.after(), "token request to " + where + ": " + r.reason()));
      } else if (v instanceof Verdict.Unauthorized u) {
        return Optional.of(new Verdict.Unauthorized("token request to " + where + " refused: " + u.reason()));
      } else if (v instanceof Verdict.Misconfigured m) {
        return Optional.of(new Verdict.Misconfigured("token request to " + where + ": " + m.reason()));
      }
      // 413 for a form of a few hundred bytes: a proxy's limit, not ours to split.
      return Optional.of(new Verdict.Misconfigured("token request to " + where + ": HTTP " + status
          + ": check tokenUrl and any proxy in front of it"));
    }
    Optional<JsonNode> root = HttpClassifier.parse(reply.body());
    JsonNode access = root.map(r -> r.get("access_token")).orElse(null);
    if (access == null || !access.isTextual() || access.asText().isEmpty()) {
      String why = root.isEmpty() ? HttpClassifier.notTheApi(status, reply.body(), reply.headers()).reason()
          : "HTTP " + status + " without access_token (not an OAuth token endpoint)";
      return Optional.of(new Verdict.Misconfigured("token request to " + where + ": " + why));
    }
    return Optional.empty();
  }

  private static String describe(JsonNode root) {
    String d = root.path("error_description").asText("");
    return d.isEmpty() ? "" : ": " + d;
  }

  /** {@code expires_in} in seconds (a number, or digits in a string), else {@link #DEFAULT_LIFETIME}. */
  private static Duration lifetime(JsonNode exp) {
    if (exp != null && exp.canConvertToLong() && exp.asLong() > 0) {
      return Duration.ofSeconds(exp.asLong());
    }
    if (exp != null && exp.isTextual() && exp.asText().matches("[0-9]{1,9}") && Long.parseLong(exp.asText()) > 0) {
      return Duration.ofSeconds(Long.parseLong(exp.asText()));
    }
    return DEFAULT_LIFETIME;
  }
}
