package io.ferry.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.config.Secret;
import io.ferry.core.testing.FakeClock;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.OkHttpClient;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The one OAuth client-credentials client of the Clarify uplink and the mirror, against MockWebServer. */
class ClientCredentialsTest {
  static final String CLIENT_SECRET = "s3cret-client-value";
  final FakeClock clock = new FakeClock(Instant.parse("2026-11-21T10:00:00Z"));
  final OkHttpClient http = HttpPolicy.apply(new OkHttpClient.Builder()).build();
  final ClientCredentials.Transport transport = request -> {
    try (Response r = http.newCall(request).execute()) {
      return Reply.of(r);
    }
  };
  MockWebServer server;
  ClientCredentials tokens;

  @BeforeEach
  void setUp() throws Exception {
    server = new MockWebServer();
    server.start(InetAddress.getByName("127.0.0.1"), 0);
    tokens = new ClientCredentials(new ClientCredentials.Grant(server.url("/tenant/token"), "ferry-test",
        new Secret("env CLIENT_SECRET", CLIENT_SECRET), List.of("https://example.cognitedata.com/.default"),
        Optional.empty()), clock);
  }

  @AfterEach
  void tearDown() {
    server.close();
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
  }

  static MockResponse json(int code, String body) {
    return new MockResponse.Builder().code(code).addHeader("Content-Type", "application/json").body(body).build();
  }

  String granted() throws InterruptedException {
    ClientCredentials.Token t = tokens.token(transport);
    assertThat(t).isInstanceOf(ClientCredentials.Token.Granted.class);
    return ((ClientCredentials.Token.Granted) t).value();
  }

  Verdict refused() throws InterruptedException {
    ClientCredentials.Token t = tokens.token(transport);
    assertThat(t).isInstanceOf(ClientCredentials.Token.Refused.class);
    return ((ClientCredentials.Token.Refused) t).verdict();
  }

  @Test
  void cachesUntilShortlyBeforeExpiryThenRefreshes() throws Exception {
    server.enqueue(json(200, "{\"access_token\":\"a\",\"expires_in\":3600}"));
    server.enqueue(json(200, "{\"access_token\":\"b\",\"expires_in\":\"3600\"}"));
    assertThat(granted()).isEqualTo("a");
    RecordedRequest req = server.takeRequest();
    assertThat(req.getBody().utf8()).isEqualTo("grant_type=client_credentials&client_id=ferry-test&client_secret="
        + CLIENT_SECRET + "&scope=https%3A%2F%2Fexample.cognitedata.com%2F.default");
    clock.advance(Duration.ofMinutes(58).plusSeconds(59));
    assertThat(granted()).isEqualTo("a"); // still more than a minute left
    clock.advance(Duration.ofSeconds(2));
    assertThat(granted()).isEqualTo("b"); // within the last minute: renewed early
    assertThat(tokens.fetches()).isEqualTo(2);
  }

  @Test
  void aShortLivedTokenIsRenewedAtHalfItsLife() throws Exception {
    server.enqueue(json(200, "{\"access_token\":\"a\",\"expires_in\":100}"));
    server.enqueue(json(200, "{\"access_token\":\"b\",\"expires_in\":100}"));
    assertThat(granted()).isEqualTo("a");
    clock.advance(Duration.ofSeconds(49));
    assertThat(granted()).isEqualTo("a");
    clock.advance(Duration.ofSeconds(1));
    assertThat(granted()).isEqualTo("b");
  }

  @Test
  void invalidateDropsOnlyTheRejectedToken() throws Exception {
    server.enqueue(json(200, "{\"access_token\":\"a\",\"expires_in\":3600}"));
    server.enqueue(json(200, "{\"access_token\":\"b\",\"expires_in\":3600}"));
    assertThat(granted()).isEqualTo("a");
    tokens.invalidate("a");
    assertThat(granted()).isEqualTo("b");
    tokens.invalidate("a"); // a second worker reporting the same stale token does not refetch
    assertThat(granted()).isEqualTo("b");
    assertThat(tokens.fetches()).isEqualTo(2);
  }

  @Test
  void errorsNameTheEndpointAndNeverTheSecret() throws Exception {
    server.enqueue(json(401, "{\"error\":\"invalid_client\",\"error_description\":\"AADSTS7000215: Invalid client secret "
        + CLIENT_SECRET + "\"}"));
    assertThat(refused()).isInstanceOfSatisfying(Verdict.Unauthorized.class, u -> assertThat(u.reason())
        .contains("HTTP 401", "invalid_client", "/tenant/token").doesNotContain(CLIENT_SECRET));
    server.enqueue(new MockResponse.Builder().code(503).addHeader("Retry-After", "30").body("busy").build());
    assertThat(refused()).isInstanceOfSatisfying(Verdict.RetryAfter.class,
        r -> assertThat(r.after()).contains(Duration.ofSeconds(30)));
    server.enqueue(json(200, "{\"token_type\":\"Bearer\"}"));
    assertThat(refused()).isInstanceOfSatisfying(Verdict.Misconfigured.class,
        m -> assertThat(m.reason()).contains("without access_token"));
    server.enqueue(new MockResponse.Builder().code(404).addHeader("Content-Type", "text/html")
        .body("<html><body>Not Found</body></html>").build());
    assertThat(refused()).isInstanceOfSatisfying(Verdict.Misconfigured.class,
        m -> assertThat(m.reason()).contains("token request to", "HTTP 404 not found, an HTML page"));
    assertThat(tokens.fetches()).isZero();
  }
}
