package io.ferry.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.agent.http.Observatory;
import io.ferry.agent.http.StatusServer;
import io.ferry.agent.plan.AgentPlan;
import io.ferry.agent.plan.AgentPlanner;
import io.ferry.agent.plan.StandardComponents;
import io.ferry.agent.runtime.Agent;
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
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code ferry write} through a running agent's {@code POST /api/write} to a Modbus TCP slave
 * (the digitalpetri server), {@code ferry writes} reading the audit, also after a restart; and
 * without a running service nothing reaches the device.
 */
class WriteCommandTest {
  @TempDir Path dir;
  ModbusSlave slave;
  List<String> writes;
  Path conf;
  int httpPort;

  @BeforeEach
  void start() throws Exception {
    slave = ModbusSlave.start();
    writes = slave.writes;
    int port = slave.port();
    httpPort = freePort();
    conf = dir.resolve("conf");
    Files.createDirectories(conf.resolve("instruments.d"));
    Files.writeString(dir.resolve("token"), "write-token-0123456789");
    Files.writeString(conf.resolve("agent.yaml"), """
        gatewayId: gw-w
        stateDir: %s
        http: {listen: "127.0.0.1:%d", token: "${file:%s}", writeApi: true}
        writes: {retention: 30d}
        uplinks:
          local: {type: jsonl, path: %s}
        """.formatted(dir.resolve("state"), httpPort, dir.resolve("token"), dir.resolve("out.jsonl")));
    Files.writeString(conf.resolve("instruments.d/plc1.yaml"), """
        id: plc1
        driver: modbus-tcp
        poll: 1s
        connection: {host: 127.0.0.1, port: %d, unit: 1, timeout: 3s}
        uplinks: [local]
        channels:
          - {name: setpoint, register: 'holding:0', type: float32, order: CDAB, write: {min: 0, max: 80, verify: readBack}}
          - {name: temp, register: 'holding:4', type: int16}
        """.formatted(port));
  }

  @AfterEach
  void stop() throws Exception {
    slave.close();
  }

  static int freePort() throws Exception {
    try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return ss.getLocalPort();
    }
  }

  record Run(int exit, String out, String err) {}

  Run ferry(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(new Main());
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int exit = cl.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  /** The agent as {@code ferry run} starts it: status server with the write API. */
  final class Running implements AutoCloseable {
    final Observatory observatory;
    final Agent agent;
    final StatusServer server;

    Running() throws Exception {
      AgentPlanner.Result r = new AgentPlanner(StandardComponents.create(), Map.<String, String>of()::get).plan(conf);
      assertThat(r.problems()).isEmpty();
      AgentPlan plan = r.plan().orElseThrow();
      observatory = new Observatory(plan, plan.http().orElseThrow(), InstantSource.system(), Duration.ofMillis(200), 60);
      agent = Agent.start(plan, InstantSource.system(), observatory);
      observatory.attach(agent::snapshot);
      observatory.attachWrites(agent.writes());
      server = StatusServer.start(observatory);
    }

    @Override
    public void close() {
      server.close();
      observatory.close();
      agent.close();
    }
  }

  @Test
  void checkListsTheWritableChannelsAndPlanTheirRequests() {
    Run check = ferry("check", "--config", conf.toString());
    assertThat(check.exit()).as(check.out() + check.err()).isZero();
    assertThat(check.out().lines().toList()).contains("1 writable channel:", "  plc1/setpoint: setpoint, 0 to 80, read back within 0");
    Run plan = ferry("plan", "--config", conf.toString());
    assertThat(plan.exit()).as(plan.err()).isZero();
    assertThat(plan.out()).contains("write holding:0 with function 16 (write multiple registers), 2 registers float32 CDAB <- setpoint");
    assertThat(writes).as("neither touches the device").isEmpty();
  }

  @Test
  void withoutARunningServiceNothingIsWritten() {
    Run r = ferry("write", "--config", conf.toString(), "--channel", "plc1/setpoint", "--value", "42.5");
    assertThat(r.exit()).as(r.err()).isEqualTo(Main.EXIT_RUNTIME);
    assertThat(r.err()).contains("no Ferry service answers on http://127.0.0.1:" + httpPort + "/api/write (is it running?); "
        + "the device was not touched");
    assertThat(writes).isEmpty();
  }

  @Test
  void writesGoThroughTheServiceAndTheAuditSurvivesARestart() throws Exception {
    try (Running running = new Running()) {
      Run ok = ferry("write", "--config", conf.toString(), "--channel", "plc1/setpoint", "--value", "42.5");
      assertThat(ok.exit()).as(ok.out() + ok.err()).isZero();
      assertThat(ok.out()).startsWith("plc1/setpoint = 42.5: applied (the device acknowledged write fc16 holding:0 2 registers "
          + "[00 00 42 2A] to unit 1 and read back 42.5)");
      assertThat(writes).containsExactly("0: 00 00 42 2A");

      Run high = ferry("write", "--config", conf.toString(), "--channel", "plc1/setpoint", "--value", "81");
      assertThat(high.exit()).isEqualTo(WriteCommand.EXIT_REJECTED);
      assertThat(high.out()).contains("rejected (81 is outside the range allowed for plc1/setpoint (0 to 80))");
      Run readOnly = ferry("write", "--config", conf.toString(), "--channel", "plc1/temp", "--value", "1");
      assertThat(readOnly.exit()).isEqualTo(WriteCommand.EXIT_REJECTED);
      assertThat(readOnly.out()).contains("is not writable");
      assertThat(writes).as("refusals send nothing").hasSize(1);

      HttpClient client = HttpClient.newHttpClient();
      URI api = running.server.uri().resolve("/api/write");
      HttpResponse<String> noToken = client.send(HttpRequest.newBuilder(api)
          .POST(HttpRequest.BodyPublishers.ofString("{\"channel\":\"plc1/setpoint\",\"value\":1}")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(noToken.statusCode()).as("the token is needed even on loopback").isEqualTo(401);
      HttpResponse<String> status = client.send(HttpRequest.newBuilder(running.server.uri().resolve("/api/status"))
          .header("Authorization", "Bearer write-token-0123456789").build(), HttpResponse.BodyHandlers.ofString());
      assertThat(status.body()).as("the status page shows the writes").contains("\"recentWrites\"", "\"channel\":\"plc1/setpoint\"",
          "\"outcome\":\"applied\"");
      HttpResponse<String> otherAgent = client.send(HttpRequest.newBuilder(api).header("Authorization", "Bearer write-token-0123456789")
          .POST(HttpRequest.BodyPublishers.ofString("{\"channel\":\"plc1/setpoint\",\"value\":1,"
              + "\"agent\":{\"gatewayId\":\"gw-other\",\"stateDir\":\"/var/lib/other\"}}")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(otherAgent.statusCode()).as("a write meant for another agent is refused").isEqualTo(409);
      assertThat(writes).hasSize(1);
      // metrics read a snapshot at most a quarter second old
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        HttpResponse<String> metrics = client.send(HttpRequest.newBuilder(running.server.uri().resolve("/metrics"))
            .header("Authorization", "Bearer write-token-0123456789").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(metrics.body()).contains("ferry_writes_total{outcome=\"applied\"} 1.0", "ferry_writes_total{outcome=\"rejected\"} 2.0");
      });
    }
    assertThat(writes).hasSize(1);

    Run audit = ferry("writes", "--config", conf.toString());
    assertThat(audit.exit()).as(audit.err()).isZero();
    List<String> lines = audit.out().lines().toList();
    assertThat(lines).hasSize(3);
    assertThat(lines.get(0)).contains(" cli plc1/setpoint = 42.5 applied in ");
    assertThat(lines.get(1)).contains(" cli plc1/setpoint = 81 rejected in ");
    assertThat(lines.get(2)).contains(" cli plc1/temp = 1 rejected in ");

    try (Running again = new Running()) {
      Run afterRestart = ferry("writes", "--config", conf.toString());
      assertThat(afterRestart.out().lines().toList()).isEqualTo(lines);
    }
  }

  @Test
  void healthAnswersWhileAWriteWaitsOnASlaveThatDoesNotAnswer() throws Exception {
    // A second instrument with a long timeout: its write waits as long as the slave holds the answer.
    Files.writeString(conf.resolve("instruments.d/plc2.yaml"), """
        id: plc2
        driver: modbus-tcp
        poll: 1m
        connection: {host: 127.0.0.1, port: %d, unit: 1, timeout: 60s}
        uplinks: [local]
        channels:
          - {name: valve, register: 'holding:8', type: float32, write: {min: 0, max: 100}}
        """.formatted(slave.port()));
    java.util.concurrent.CountDownLatch answer = new java.util.concurrent.CountDownLatch(1);
    slave.holdWrites = answer;
    try (Running running = new Running()) {
      HttpClient client = HttpClient.newHttpClient();
      java.util.concurrent.CompletableFuture<HttpResponse<String>> write = client.sendAsync(
          HttpRequest.newBuilder(running.server.uri().resolve("/api/write")).header("Authorization", "Bearer write-token-0123456789")
              .POST(HttpRequest.BodyPublishers.ofString("{\"channel\":\"plc2/valve\",\"value\":12}")).build(),
          HttpResponse.BodyHandlers.ofString());
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> writes.contains("8: 41 40 00 00"));

      HttpResponse<String> health = client.send(HttpRequest.newBuilder(running.server.uri().resolve("/health"))
          .header("Authorization", "Bearer write-token-0123456789").timeout(Duration.ofSeconds(30)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(health.body()).as("health answers (whatever its verdict)").contains("\"gatewayId\" : \"gw-w\"");
      assertThat(write).as("while the write still waits for the slave").isNotDone();

      answer.countDown();
      HttpResponse<String> done = write.get(30, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(done.statusCode()).isEqualTo(200);
      assertThat(done.body()).contains("\"outcome\" : \"applied\"");
    } finally {
      answer.countDown();
    }
  }
}
