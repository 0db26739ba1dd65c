package io.ferry.agent.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.agent.cli.Main;
import io.ferry.agent.plan.AgentPlan;
import io.ferry.agent.plan.AgentPlanner;
import io.ferry.agent.plan.StandardComponents;
import io.ferry.agent.runtime.Agent;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/**
 * Everything an operator reads while parts fail says the cause in words, never a Java class name:
 * a simulated instrument that fails every other poll, an OPC UA endpoint and a Modbus device
 * that refuse connections (closed loopback ports), a GroveStreams uplink whose server refuses, a
 * JSON-lines uplink whose directory is a file and an MQTT uplink whose broker refuses. Once
 * every one of them has reported its failure, the status JSON, the status page, {@code /health},
 * {@code ferry status} and every log line at INFO or above are scanned for {@code Exception} and
 * {@code java.}.
 */
class NoExceptionNamesTest {
  @TempDir Path dir;
  private final HttpClient client = HttpClient.newHttpClient();

  /** A loopback port nobody listens on: connections to it are refused. */
  static int closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Test
  void failingInstrumentsAndUplinksAreReportedInWordsEverywhere() throws Exception {
    int opcua = closedPort();
    int modbus = closedPort();
    int gs = closedPort();
    int mqtt = closedPort();
    Path conf = dir.resolve("conf");
    Files.createDirectories(conf.resolve("instruments.d"));
    Files.writeString(dir.resolve("gs.key"), "words-key-01");
    Files.writeString(dir.resolve("a-file"), "a file where the JSON-lines uplink wants a directory");
    Files.writeString(conf.resolve("agent.yaml"), """
        gatewayId: gw-words
        stateDir: %s
        buffer: {commitInterval: 20ms}
        http: {listen: "127.0.0.1:0"}
        uplinks:
          gs: {type: grovestreams, url: "http://127.0.0.1:%d", apiKey: "${file:%s}", minInterval: 0s, backoffInitial: 50ms, backoffMax: 200ms}
          lines: {type: jsonl, path: "%s", backoffInitial: 50ms, backoffMax: 200ms}
          mq: {type: mqtt, url: "tcp://127.0.0.1:%d", topic: "ferry/{instrument}", backoffInitial: 50ms, backoffMax: 200ms}
        """.formatted(dir.resolve("state"), gs, dir.resolve("gs.key"), dir.resolve("a-file/out.jsonl"), mqtt));
    Files.writeString(conf.resolve("instruments.d/sim.yaml"), """
        id: sim
        driver: simulated
        poll: 100ms
        failEvery: 2
        uplinks: [gs, lines, mq]
        channels:
          - {name: temp, wave: sine}
        """);
    Files.writeString(conf.resolve("instruments.d/opc.yaml"), """
        id: opc
        driver: opcua
        mode: poll
        poll: 200ms
        connection: {endpoint: "opc.tcp://127.0.0.1:%d", securityPolicy: None, backoffInitial: 50ms, backoffMax: 200ms}
        uplinks: [gs]
        channels:
          - {name: x, node: "ns=2;s=X"}
        """.formatted(opcua));
    Files.writeString(conf.resolve("instruments.d/plc.yaml"), """
        id: plc
        driver: modbus-tcp
        poll: 200ms
        connection: {host: 127.0.0.1, port: %d, timeout: 500ms, backoffInitial: 50ms, backoffMax: 200ms}
        uplinks: [gs]
        channels:
          - {name: r, register: "holding:0", type: uint16}
        """.formatted(modbus));

    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    root.addAppender(logs);
    AgentPlanner.Result r = new AgentPlanner(StandardComponents.create(), Map.<String, String>of()::get).plan(conf);
    assertThat(r.problems()).isEmpty();
    AgentPlan plan = r.plan().orElseThrow();
    try (Observatory observatory = new Observatory(plan, plan.http().orElseThrow(), InstantSource.system(), Duration.ofMillis(100), 60);
        Agent agent = Agent.start(plan, InstantSource.system(), observatory)) {
      observatory.attach(agent::snapshot);
      try (StatusServer server = StatusServer.start(observatory)) {
        JsonNode[] status = new JsonNode[1];
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
          status[0] = StatusJson.JSON.readTree(get(server.uri(), "api/status"));
          assertThat(withoutError(status[0])).as("parts without a last error").isEmpty();
        });
        String json = get(server.uri(), "api/status");
        String page = get(server.uri(), "");
        String health = get(server.uri(), "health");
        StringWriter out = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(out));
        cl.execute("status", "--config", conf.toString(), "--url", server.uri().toString());

        // The causes are there, in words.
        assertThat(json).contains("simulated failure of sim").contains("connection refused").contains("a-file");
        for (String[] text : new String[][] {{"status JSON", json}, {"status page", page}, {"/health", health},
            {"ferry status", out.toString()}}) {
          assertThat(text[1]).as(text[0]).doesNotContain("Exception").doesNotContain("java.");
        }
      }
    } finally {
      root.detachAppender(logs);
    }
    List<String> lines = new ArrayList<>();
    for (ILoggingEvent e : List.copyOf(logs.list)) {
      if (e.getLevel().isGreaterOrEqual(Level.INFO)) {
        lines.add(e.getLevel() + " " + e.getLoggerName() + ": " + e.getFormattedMessage());
      }
    }
    assertThat(lines).as("log lines at INFO and above").isNotEmpty()
        .anySatisfy(l -> assertThat(l).contains("instrument sim: poll failed: simulated failure of sim"))
        .allSatisfy(l -> assertThat(l).doesNotContain("Exception").doesNotContain("java."));
  }

  /** The instruments and uplinks that show no last error yet. */
  private static List<String> withoutError(JsonNode status) {
    List<String> quiet = new ArrayList<>();
    for (String kind : List.of("instruments", "uplinks")) {
      for (String id : List.of("sim", "opc", "plc", "gs", "lines", "mq")) {
        for (JsonNode p : status.path(kind)) {
          if (id.equals(p.path(kind.equals("uplinks") ? "name" : "id").asText()) && p.path("lastError").asText("").isEmpty()) {
            quiet.add(id + ": " + p);
          }
        }
      }
    }
    if (status.path("instruments").size() + status.path("uplinks").size() != 6) {
      quiet.add("expected 3 instruments and 3 uplinks: " + status);
    }
    return quiet;
  }

  private String get(URI base, String path) throws IOException, InterruptedException {
    HttpResponse<String> resp = client.send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
    return resp.body();
  }
}
