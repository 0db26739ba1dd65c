package io.ferry.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code ferry plan} states each instrument's staleness limit: written, defaulted, or none for streaming. */
class PlanStaleLimitTest {
  @TempDir Path dir;

  @Test
  void planShowsTheLimitInForce() throws Exception {
    Files.createDirectories(dir.resolve("instruments.d"));
    Files.writeString(dir.resolve("agent.yaml"), """
        gatewayId: gw
        stateDir: %s
        http: {listen: "127.0.0.1:0", instrumentFailures: 5}
        """.formatted(dir.resolve("state")));
    Files.writeString(dir.resolve("instruments.d/polled.yaml"),
        "id: polled\ndriver: simulated\npoll: 2s\npollTimeout: 1s\nchannels: [{name: x, wave: sine}]\n");
    Files.writeString(dir.resolve("instruments.d/written.yaml"),
        "id: written\ndriver: simulated\npoll: 2s\nstale: 1m\nchannels: [{name: x, wave: sine}]\n");
    Files.writeString(dir.resolve("instruments.d/feed.yaml"), """
        id: feed
        driver: mqtt
        connection: {url: "tcp://127.0.0.1:1883", clientId: f}
        subscriptions: [{topic: a, payload: number, channel: x}]
        channels: [{name: x}]
        """);
    StringWriter out = new StringWriter();
    CommandLine cl = new CommandLine(new Main());
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(out));
    assertThat(cl.execute("plan", "--config", dir.toString())).as(out.toString()).isZero();
    assertThat(out.toString())
        .contains("instrument polled (simulated, instruments.d/polled.yaml), poll 2s, timeout 1s, stale after 11s (5 polls + timeout)")
        .contains("instrument written (simulated, instruments.d/written.yaml), poll 2s, timeout 2s, stale after 1m,")
        .contains("instrument feed (mqtt, instruments.d/feed.yaml), streaming, no stale limit (streaming)");
  }
}
