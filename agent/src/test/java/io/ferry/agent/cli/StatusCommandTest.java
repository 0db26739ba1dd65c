package io.ferry.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ferry.agent.http.RunningAgent;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
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

  @Test
  void aStatusServerOfAnotherAgentIsNamedAsSuchNotShownAsThisOne() throws Exception {
    try (RunningAgent other = new RunningAgent(dir.resolve("other"), false)) {
      // /health says which agent it is.
      JsonNode served = new ObjectMapper().readTree(java.net.http.HttpClient.newHttpClient().send(
          java.net.http.HttpRequest.newBuilder(other.uri().resolve("/health")).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString()).body()).path("agent");
      Path otherState = dir.resolve("other").resolve("state").toAbsolutePath().normalize();
      assertThat(served.path("gatewayId").asText()).isEqualTo("gw-obs");
      assertThat(served.path("stateDir").asText()).isEqualTo(otherState.toString());

      // This configuration: the same (default-like) gateway id, its own state, and the port the other agent took.
      Path conf = dir.resolve("conf");
      Files.createDirectories(conf.resolve("instruments.d"));
      Files.writeString(conf.resolve("agent.yaml"), "gatewayId: gw-obs\nstateDir: " + dir.resolve("state")
          + "\nhttp: {listen: \"127.0.0.1:" + other.uri().getPort() + "\"}\n");
      Result r = run("--config", conf.toString());
      assertThat(r.code()).as(r.out() + r.err()).isEqualTo(Main.EXIT_RUNTIME);
      assertThat(r.out().lines().findFirst().orElseThrow()).isEqualTo("the status server at " + other.uri()
          + " belongs to another agent (gateway gw-obs, stateDir " + otherState + "), not to the one configured in " + conf
          + " (gateway gw-obs, stateDir " + dir.resolve("state").toAbsolutePath().normalize()
          + "): two agents on one port?; from the buffer database instead (backlog only):");
      assertThat(r.out()).as("the other agent's instruments are not shown as ours").doesNotContain("kiln").doesNotContain("press");
      assertThat(r.out() + r.err()).doesNotContain("Exception");

      // Its own configuration, through the same port: shown.
      Result own = run("--config", other.conf.toString(), "--url", other.uri().toString());
      assertThat(own.code()).as(own.out()).isIn(Main.EXIT_OK, Main.EXIT_INVALID);
      assertThat(own.out()).startsWith("ferry: ").containsPattern("(?m)^kiln\\s");
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', nullValues = "-", value = {
      "same agent                      | {\"gatewayId\": \"gw\", \"stateDir\": \"/var/lib/ferry\"}   | -",
      "same state written differently  | {\"gatewayId\": \"gw\", \"stateDir\": \"/var/lib/./ferry\"} | -",
      "other state directory           | {\"gatewayId\": \"gw\", \"stateDir\": \"/var/lib/ferry-b\"} | belongs to another agent (gateway gw, stateDir /var/lib/ferry-b)",
      "other gateway id                | {\"gatewayId\": \"gw-b\", \"stateDir\": \"/var/lib/ferry\"} | belongs to another agent (gateway gw-b, stateDir /var/lib/ferry)",
      "no identity (older server)      | {}                                                 | does not say which agent it is",
  })
  void whichAgentAnswered(String name, String agentJson, String expected) throws Exception {
    Optional<String> other = StatusCommand.otherAgent(new ObjectMapper().readTree(agentJson), "gw", Path.of("/var/lib/ferry"),
        Path.of("/etc/ferry"));
    if (expected == null) {
      assertThat(other).isEmpty();
    } else {
      assertThat(other).hasValueSatisfying(o -> assertThat(o).contains(expected).contains("/etc/ferry (gateway gw, stateDir /var/lib/ferry)"));
    }
  }
}
