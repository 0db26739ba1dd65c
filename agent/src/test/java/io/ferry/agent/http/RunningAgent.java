package io.ferry.agent.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.agent.plan.AgentPlan;
import io.ferry.agent.plan.AgentPlanner;
import io.ferry.agent.plan.StandardComponents;
import io.ferry.agent.runtime.Agent;
import io.ferry.uplink.FeedServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;

/**
 * A real agent for the status server tests: simulated instruments (one failing every fourth
 * poll), the SQLite buffer, a GroveStreams uplink to a MockWebServer feed store that answers 503
 * while {@link #down} is set, the observatory looking every 200 ms, and the status server on a free
 * loopback port.
 */
public final class RunningAgent implements AutoCloseable {
  final MockWebServer cloud = new MockWebServer();
  public final AtomicBoolean down = new AtomicBoolean();
  final AtomicInteger unavailable = new AtomicInteger();
  final FeedServer feed;
  final AgentPlan plan;
  final Observatory observatory;
  final Agent agent;
  final StatusServer server;
  private final HttpClient client = HttpClient.newHttpClient();

  public final Path conf;

  public RunningAgent(Path dir, boolean startDown) throws IOException {
    down.set(startDown);
    feed = new FeedServer(InstantSource.system(), (n, body) -> {
      if (down.get()) {
        unavailable.incrementAndGet();
        return new MockResponse.Builder().code(503).body("down for maintenance").build();
      }
      return null;
    });
    cloud.setDispatcher(feed);
    cloud.start(java.net.InetAddress.getLoopbackAddress(), 0);
    conf = dir.resolve("conf");
    Files.createDirectories(conf.resolve("instruments.d"));
    Files.writeString(dir.resolve("gs.key"), "obs-key-01");
    Files.writeString(conf.resolve("agent.yaml"), """
        gatewayId: gw-obs
        stateDir: %s
        buffer: {commitInterval: 20ms, maxSize: 64MiB}
        http: {listen: "127.0.0.1:0", instrumentFailures: 20, uplinkStall: 1s}
        uplinks:
          gs: {type: grovestreams, url: "http://127.0.0.1:%d", apiKey: "${file:%s}", batchSize: 200, minInterval: 0s, backoffInitial: 50ms, backoffMax: 200ms}
        """.formatted(dir.resolve("state"), cloud.getPort(), dir.resolve("gs.key")));
    Files.writeString(conf.resolve("instruments.d/kiln.yaml"), """
        id: kiln
        driver: simulated
        poll: 100ms
        uplinks: [gs]
        channels:
          - {name: temp, wave: sine, amplitude: 50, offset: 900, period: 10m}
          - {name: fan, wave: ramp, slope: 2, max: 100}
        """);
    Files.writeString(conf.resolve("instruments.d/press.yaml"), """
        id: press
        driver: simulated
        poll: 200ms
        failEvery: 4
        uplinks: [gs]
        channels:
          - {name: force, wave: random-walk, seed: 3}
        """);
    AgentPlanner.Result r = new AgentPlanner(StandardComponents.create(), Map.<String, String>of()::get).plan(conf);
    assertThat(r.problems()).isEmpty();
    plan = r.plan().orElseThrow();
    observatory = new Observatory(plan, plan.http().orElseThrow(), InstantSource.system(), Duration.ofMillis(200), 600);
    agent = Agent.start(plan, InstantSource.system(), observatory);
    observatory.attach(agent::snapshot);
    server = StatusServer.start(observatory);
  }

  HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return client.send(HttpRequest.newBuilder(server.uri().resolve(path)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Waits for {@code /health} to answer {@code code} and returns that answer's JSON. */
  JsonNode awaitHealth(int code) {
    JsonNode[] seen = new JsonNode[1];
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
      HttpResponse<String> r = get("health");
      seen[0] = StatusJson.JSON.readTree(r.body());
      return r.statusCode() == code;
    });
    return seen[0];
  }

  public URI uri() {
    return server.uri();
  }

  @Override
  public void close() throws IOException {
    server.close();
    observatory.close();
    agent.close();
    cloud.close();
  }
}
