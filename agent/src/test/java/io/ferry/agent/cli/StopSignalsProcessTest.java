package io.ferry.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Predicate;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * SIGTERM (systemctl stop) and SIGINT (Ctrl-C) at any moment of {@code ferry run} and
 * {@code ferry demo}, start-up included, end in the same clean stop: exit 0, the signal and the
 * stop logged, a final status line that is true (no "status unreadable" of a closed database).
 * Each case is a child JVM; the signal is sent when a given line appears (a latch on the output,
 * no sleeps). "start-up" lines come before the agent has started (the configuration is being
 * read, or the status server listens while the buffer opens).
 */
class StopSignalsProcessTest {
  private static final Duration LONG = Duration.ofSeconds(60);

  @TempDir Path dir;

  @ParameterizedTest(name = "run: {0} when \"{1}\"")
  @CsvSource(delimiter = '|', value = {
      "SIGTERM | starting: configuration",
      "SIGINT  | starting: configuration",
      "SIGTERM | status server listening on",
      "SIGINT  | status server listening on",
      "SIGTERM | ferry started: gateway",
      "SIGINT  | instruments | polled",
  })
  void runStopsCleanlyWithExitZero(String signal, String when) throws Exception {
    Path config = config();
    try (ChildFerry ferry = ChildFerry.start("run", "--config", config.toString(), "--status-every", "1s")) {
      ferry.awaitLine(l -> l.contains(when), LONG);
      ferry.signal(signal.equals("SIGTERM") ? ChildFerry.SIGTERM : ChildFerry.SIGINT);
      int exit = ferry.awaitExit(LONG);

      assertThat(exit).as("exit code; output:%n%s", ferry.output()).isZero();
      assertThat(ferry.lines()).as(ferry.output()).anyMatch(l -> l.contains(signal + " received: stopping"));
      Predicate<String> stopLine = l -> l.contains("stopped before the agent started (" + signal + ")")
          || l.contains("stopped: polled ");
      assertThat(ferry.lines()).as(ferry.output()).filteredOn(stopLine).hasSize(1);
      if (!when.startsWith("starting")) {
        // The agent ran: its final status line includes the mirror, read before its connection closed.
        assertThat(ferry.lines()).as(ferry.output()).anyMatch(l -> l.contains("stopped: polled ") && l.contains("mirror: stopped, "));
      }
      assertThat(ferry.output()).doesNotContain("status unreadable").doesNotContain("Exception").doesNotContain("\tat ");
      assertThat(dir.resolve("state").resolve("ferry.pid")).doesNotExist();
    }
  }

  @ParameterizedTest(name = "demo: {0} when \"{1}\"")
  @CsvSource(delimiter = '|', value = {
      "SIGINT  | Status page: ",
      "SIGTERM | Status page: ",
      "SIGINT  | polled ",
      "SIGTERM | polled ",
  })
  void demoStopsCleanlyWithExitZero(String signal, String when) throws Exception {
    try (ChildFerry ferry = ChildFerry.start("demo", "--dir", dir.resolve("demo").toString())) {
      ferry.awaitLine(l -> l.contains(when), LONG);
      ferry.signal(signal.equals("SIGTERM") ? ChildFerry.SIGTERM : ChildFerry.SIGINT);
      int exit = ferry.awaitExit(LONG);

      assertThat(exit).as("exit code (the help says 0); output:%n%s", ferry.output()).isZero();
      assertThat(ferry.lines()).as(ferry.output()).anyMatch(l -> l.contains(signal + " received: stopping"));
      assertThat(ferry.lines()).as(ferry.output()).filteredOn(l -> l.contains(" stopped: polled ")).hasSize(1);
      assertThat(ferry.output()).doesNotContain("status unreadable").doesNotContain("Exception");
    }
  }

  /** Simulated instruments, a jsonl uplink, the status server, and a mirror whose cloud refuses connections. */
  private Path config() throws IOException {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    Path config = dir.resolve("config");
    Files.createDirectories(config.resolve("instruments.d"));
    Files.writeString(dir.resolve("cdf.secret"), "stop-test-secret");
    Files.writeString(config.resolve("agent.yaml"), """
        gatewayId: stop-test
        stateDir: %s
        buffer: {synchronous: normal, commitInterval: 20ms}
        http: {listen: "127.0.0.1:0"}
        uplinks:
          local: {type: jsonl, path: %s}
        mirror:
          baseUrl: http://127.0.0.1:%d
          project: p
          subscription: s
          tokenUrl: http://127.0.0.1:%d/token
          clientId: c
          clientSecret: ${file:%s}
          scopes: [x]
        """.formatted(dir.resolve("state"), dir.resolve("uploaded.jsonl"), closedPort, closedPort, dir.resolve("cdf.secret")));
    Files.writeString(config.resolve("instruments.d").resolve("a.yaml"), """
        id: a
        driver: simulated
        poll: 200ms
        uplinks: [local]
        channels:
          - {name: level, wave: sine, amplitude: 1, period: 10s}
        """);
    return config;
  }
}
