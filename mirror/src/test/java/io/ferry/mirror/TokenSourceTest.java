package io.ferry.mirror;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.core.testing.FakeClock;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TokenSourceTest {
  final FakeClock clock = new FakeClock(Instant.parse("2026-11-21T10:00:00Z"));
  MockWebServer server;
  TokenSource tokens;

  @BeforeEach
  void setUp() throws Exception {
    server = new MockWebServer();
    server.start(InetAddress.getByName("127.0.0.1"), 0);
    tokens = new TokenSource(MirrorTesting.plan(server.url("/"), List.of(), Optional.empty(), Duration.ofDays(1)),
        new OkHttpClient(), clock);
  }

  @AfterEach
  void tearDown() {
    server.close();
  }

  @Test
  void cachesUntilShortlyBeforeExpiryThenRefreshes() throws Exception {
    server.enqueue(ScriptedServer.json(200, "{\"access_token\":\"a\",\"expires_in\":3600}"));
    server.enqueue(ScriptedServer.json(200, "{\"access_token\":\"b\",\"expires_in\":\"3600\"}"));
    assertThat(tokens.token()).isEqualTo("a");
    RecordedRequest req = server.takeRequest();
    assertThat(req.getBody().utf8()).contains("grant_type=client_credentials", "client_id=ferry-test",
        "client_secret=" + ScriptedServer.CLIENT_SECRET, "scope=https%3A%2F%2Fexample.cognitedata.com%2F.default");
    clock.advance(Duration.ofMinutes(58).plusSeconds(59));
    assertThat(tokens.token()).isEqualTo("a"); // still more than a minute left
    clock.advance(Duration.ofSeconds(2));
    assertThat(tokens.token()).isEqualTo("b"); // within the last minute: renewed early
    assertThat(tokens.fetches()).isEqualTo(2);
  }

  @Test
  void invalidateDropsOnlyTheRejectedToken() throws Exception {
    server.enqueue(ScriptedServer.json(200, "{\"access_token\":\"a\",\"expires_in\":3600}"));
    server.enqueue(ScriptedServer.json(200, "{\"access_token\":\"b\",\"expires_in\":3600}"));
    assertThat(tokens.token()).isEqualTo("a");
    tokens.invalidate("a");
    assertThat(tokens.token()).isEqualTo("b");
    tokens.invalidate("a"); // a second worker reporting the same stale token does not refetch
    assertThat(tokens.token()).isEqualTo("b");
    assertThat(tokens.fetches()).isEqualTo(2);
  }

  @Test
  void errorsNameTheEndpointAndNeverTheSecret() {
    server.enqueue(ScriptedServer.json(401, "{\"error\":\"invalid_client\",\"error_description\":\"AADSTS7000215: Invalid client secret\"}"));
    assertThatThrownBy(tokens::token)
        .hasMessageContaining("HTTP 401").hasMessageContaining("invalid_client").hasMessageContaining("/token")
        .hasMessageNotContaining(ScriptedServer.CLIENT_SECRET)
        .satisfies(e -> assertThat(((TokenSource.TokenException) e).retryable).isFalse());
    server.enqueue(ScriptedServer.json(503, "busy"));
    assertThatThrownBy(tokens::token).satisfies(e -> assertThat(((TokenSource.TokenException) e).retryable).isTrue());
    server.enqueue(ScriptedServer.json(200, "{\"token_type\":\"Bearer\"}"));
    assertThatThrownBy(tokens::token).hasMessageContaining("without access_token");
  }
}
