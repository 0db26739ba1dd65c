package io.ferry.uplink;

import static io.ferry.uplink.UplinkTesting.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ferry.buffer.Buffer;
import io.ferry.config.Problems;
import io.ferry.core.ChannelId;
import io.ferry.core.Sample;
import io.ferry.core.testing.FakeClock;
import io.ferry.uplink.UplinkTesting.FakeSleeper;
import io.ferry.uplink.grovestreams.GroveStreamsUplinkFactory;
import io.ferry.uplink.jsonl.JsonlUplinkFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A hung cloud API does not hold back another uplink reading the same buffer. */
class UplinkIsolationTest {
  @TempDir Path dir;

  @Test
  void aHangingUplinkDoesNotDelayAnother() throws Exception {
    FakeClock clock = new FakeClock(UplinkTesting.START);
    try (MockWebServer server = new MockWebServer();
        Buffer buffer = UplinkTesting.buffer(dir, List.of(UplinkTesting.raw("m1/x", "", "gs", "local")), clock)) {
      server.setDispatcher(new mockwebserver3.Dispatcher() {
        @Override
        public MockResponse dispatch(mockwebserver3.RecordedRequest r) {
          return new MockResponse.Builder().code(200).body("{\"success\":true}").headersDelay(30, TimeUnit.SECONDS).build();
        }
      });
      server.start(java.net.InetAddress.getLoopbackAddress(), 0);
      List<Sample> samples = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        samples.add(Sample.of(ChannelId.of("m1", "x"), T0 + i * 1_000_000L, i));
      }
      buffer.append(samples).join();
      Problems problems = new Problems();
      UplinkContext ctx = UplinkTesting.context(buffer, clock, new FakeSleeper(clock));
      var gsPlan = new GroveStreamsUplinkFactory().plan(UplinkTesting.section("gs", "grovestreams",
          "url: http://127.0.0.1:" + server.getPort() + "\napiKey: ${env:K}\ntimeout: 60s\nreadTimeout: 60s\n", problems, Map.of("K", "k-123456")),
          UplinkTesting.agent(dir, "gw"), List.of()).orElseThrow();
      var localPlan = new JsonlUplinkFactory().plan(UplinkTesting.section("local", "jsonl", "path: out.jsonl\n", problems, Map.of()),
          UplinkTesting.agent(dir, "gw"), List.of()).orElseThrow();
      try (UplinkService gs = new GroveStreamsUplinkFactory().open(gsPlan, ctx);
          UplinkService local = new JsonlUplinkFactory().open(localPlan, ctx)) {
        gs.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> server.getRequestCount() == 1); // gs is now stuck in its call
        local.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> local.status().recordsDelivered() == 100);
        assertThat(Files.readAllLines(dir.resolve("out.jsonl"))).hasSize(100);
        assertThat(gs.status().recordsDelivered()).isZero();
      }
    }
  }
}
