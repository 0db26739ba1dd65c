package io.ferry.mirror;

import io.ferry.config.Secret;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import mockwebserver3.MockWebServer;
import okhttp3.HttpUrl;

/** Shared set-up of the mirror tests. */
final class MirrorTesting {
  private MirrorTesting() {}

  static MockWebServer start(ScriptedServer dispatcher) throws IOException {
    MockWebServer server = new MockWebServer();
    server.setDispatcher(dispatcher);
    server.start(InetAddress.getByName("127.0.0.1"), 0);
    return server;
  }

  static MirrorPlan plan(HttpUrl base, List<Integer> partitions, Optional<String> init, Duration retention) {
    return new MirrorPlan(base, ScriptedServer.PROJECT, ScriptedServer.SUBSCRIPTION, partitions,
        base.newBuilder().encodedPath("/token").build(), "ferry-test", new Secret("${env:TEST}", ScriptedServer.CLIENT_SECRET),
        List.of("https://example.cognitedata.com/.default"), Optional.empty(), init, Duration.ofSeconds(1), 100,
        retention, Duration.ofMinutes(15), false, false);
  }
}
