package io.ferry.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code ferry plan} shows each channel's report: with the instrument's defaults applied. */
class PlanReportByExceptionTest {
  @TempDir Path dir;

  @Test
  void planShowsTheFilterInForcePerChannel() throws Exception {
    Files.createDirectories(dir.resolve("instruments.d"));
    Files.writeString(dir.resolve("agent.yaml"), """
        gatewayId: gw
        stateDir: %s
        uplinks:
          cloud: {type: jsonl, path: cloud.jsonl}
          archive: {type: jsonl, path: archive.jsonl}
        """.formatted(dir.resolve("state")));
    Files.writeString(dir.resolve("instruments.d/tank.yaml"), """
        id: tank
        driver: simulated
        poll: 2s
        uplinks: [cloud, archive]
        report: {deadbandPercent: 1, span: 250, heartbeat: 5m}
        channels:
          - {name: level, wave: sine}
          - {name: flow, wave: sine, report: {deadband: 0.5, keepEdges: true}, send: {cloud: [raw], archive: [raw-all]}}
          - {name: pump, wave: sine, report: off}
        """);
    StringWriter out = new StringWriter();
    CommandLine cl = new CommandLine(new Main());
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(out));
    assertThat(cl.execute("plan", "--config", dir.toString())).as(out.toString()).isZero();
    assertThat(out.toString())
        .contains("  report level: 1 % of span 250, heartbeat 5m, gap 3s\n")
        .contains("  report flow: deadband 0.5, heartbeat 5m, gap 3s, keepEdges; every sample to archive\n")
        .doesNotContain("report pump");
  }
}
