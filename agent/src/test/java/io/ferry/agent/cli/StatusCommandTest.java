package io.ferry.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ferry.agent.http.RunningAgent;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class StatusCommandTest {
  @TempDir Path dir;

  record Result(int code, String out, String err) {}

  static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(new StatusCommand());
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int code = cl.execute(args);
    return new Result(code, out.toString(), err.toString());
  }

  @Test
  void showsInstrumentsUplinksBacklogAndCatchUpFromTheRunningAgent() throws Exception {
    try (RunningAgent agent = new RunningAgent(dir, true)) {
      // During the outage: unhealthy, exit 1, the uplink's backlog and problem shown.
      Result[] last = new Result[1];
      await().atMost(Duration.ofSeconds(30)).until(() -> (last[0] = run("--config", agent.conf.toString(), "--url",
          agent.uri().toString())).code() == 1);
      String out = last[0].out();
      assertThat(out).startsWith("ferry: UNHEALTHY");
      assertThat(out).containsPattern("(?m)^kiln\\s+(ok|starting)\\s").containsPattern("(?m)^press\\s+(ok|starting)\\s");
      assertThat(out).containsPattern("(?m)^gs\\s+\\S+\\s+[1-9]\\d*\\s+\\d+s\\s+(growing|not shrinking)\\s+never\\s+nothing delivered");
      assertThat(out).contains("maxSize 64.0 MiB");

      agent.down.set(false);
      await().atMost(Duration.ofSeconds(30)).until(() -> (last[0] = run("--config", agent.conf.toString(), "--url",
          agent.uri().toString())).code() == 0);
      assertThat(last[0].out()).startsWith("ferry: HEALTHY").containsPattern("(?m)^gs\\s+running\\s");
    }
  }

  @Test
  void withoutAStatusServerItReadsTheBacklogFromTheDatabase() throws Exception {
    Path conf = dir.resolve("conf");
    Files.createDirectories(conf.resolve("instruments.d"));
    Files.writeString(conf.resolve("agent.yaml"), "gatewayId: gw\nstateDir: " + dir.resolve("state") + "\n");
    Result r = run("--config", conf.toString());
    assertThat(r.out()).startsWith("agent.yaml has no http: section, so the agent serves no status; from the buffer database instead");
    // No buffer database yet: the database view says so, in the operator's words.
    assertThat(r.code()).isNotZero();
    assertThat(r.err() + r.out()).doesNotContain("Exception");
  }
}
