package io.ferry.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The exit codes of the whole {@code ferry} command line (as {@link Main#main} runs it): 0 ok,
 * 1 invalid configuration or failed check, 2 usage error, 3 runtime failure; and one line, not
 * a stack trace, for every failure.
 */
class CliExitCodesTest {
  static final String AGENT = "gatewayId: gw-test\nstateDir: %s\nuplinks:\n  local:\n    type: jsonl\n    path: out.jsonl\n";
  static final String SIM = "id: sim\ndriver: simulated\npoll: 1s\nuplinks: [local]\nchannels:\n  - {name: temp, wave: sine}\n";
  static final Path BROKEN = Path.of("src/test/resources/broken-configs/poll-without-unit");

  @TempDir static Path tmp;

  record Run(int exit, String out, String err) {
    String all() {
      return out + err;
    }
  }

  static Run ferry(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    var cl = Main.commandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int exit = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> cl.execute(args));
    return new Run(exit, out.toString(), err.toString());
  }

  static Path config(String name, String stateDir) throws IOException {
    Path dir = tmp.resolve(name);
    Files.createDirectories(dir.resolve("instruments.d"));
    Files.writeString(dir.resolve("agent.yaml"), AGENT.formatted(stateDir));
    Files.writeString(dir.resolve("instruments.d/sim.yaml"), SIM);
    return dir;
  }

  static int closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  static Stream<Arguments> usageErrors() {
    return Stream.of(
        Arguments.of((Object) new String[] {"--no-such-option"}),
        Arguments.of((Object) new String[] {"frobnicate"}),
        Arguments.of((Object) new String[] {"check", "--no-such-option"}),
        Arguments.of((Object) new String[] {"check", "--config"}),
        Arguments.of((Object) new String[] {"check", "extra-argument"}),
        Arguments.of((Object) new String[] {"plan", "--config"}),
        Arguments.of((Object) new String[] {"plan", "--bogus"}),
        Arguments.of((Object) new String[] {"run", "--bogus"}),
        Arguments.of((Object) new String[] {"run", "--status-every"}),
        Arguments.of((Object) new String[] {"run", "--status-every", "soon"}),
        Arguments.of((Object) new String[] {"run", "--status-every", "0s", "--config", "src/test/resources/broken-configs/poll-without-unit"}),
        Arguments.of((Object) new String[] {"run", "--status-every", "1ms", "--config", "src/test/resources/broken-configs/poll-without-unit"}),
        Arguments.of((Object) new String[] {"demo", "--duration", "-1s"}),
        Arguments.of((Object) new String[] {"demo", "--duration", "0s"}),
        Arguments.of((Object) new String[] {"demo", "extra"}),
        Arguments.of((Object) new String[] {"buffer"}),
        Arguments.of((Object) new String[] {"buffer", "stats", "--bogus"}),
        Arguments.of((Object) new String[] {"buffer", "frobnicate"}),
        Arguments.of((Object) new String[] {"probe", "modbus"}),
        Arguments.of((Object) new String[] {"probe", "modbus", "--register"}),
        Arguments.of((Object) new String[] {"browse", "opcua", "--bogus"}),
        Arguments.of((Object) new String[] {"opcua", "trust"}),
        Arguments.of((Object) new String[] {"atomscale", "finalize"}),
        Arguments.of((Object) new String[] {"mirror", "--bogus"}),
        Arguments.of((Object) new String[] {"version", "extra"}));
  }

  @ParameterizedTest
  @MethodSource("usageErrors")
  void usageErrorsExitTwo(String[] args) {
    Run r = ferry(args);
    assertThat(r.exit()).as(String.join(" ", args) + "\n" + r.all()).isEqualTo(Main.EXIT_USAGE);
    assertThat(r.all()).doesNotContain("Exception").doesNotContain("\tat ");
  }

  @Test
  void statusEveryBelowOneSecondIsRefusedWithTheReason() {
    Run r = ferry("run", "--status-every", "0s", "--config", BROKEN.toString());
    assertThat(r.err()).contains("--status-every must be at least 1s, got 0ms");
  }

  @Test
  void successExitsZero() throws IOException {
    Path good = config("good", tmp.resolve("state-good").toString());
    assertThat(ferry("check", "--config", good.toString()).exit()).isZero();
    Run plan = ferry("plan", "--config", good.toString());
    assertThat(plan.exit()).isZero();
    assertThat(plan.out()).contains("instrument sim (simulated");
    assertThat(ferry("version").exit()).isZero();
    assertThat(ferry("--help").exit()).isZero();
    Run demo = ferry("demo", "--dir", tmp.resolve("demo").toString(), "--duration", "1s");
    assertThat(demo.exit()).as(demo.all()).isZero();
  }

  @Test
  void badConfigurationExitsOne() {
    for (String command : new String[] {"check", "plan", "run"}) {
      Run r = ferry(command, "--config", BROKEN.toString());
      assertThat(r.exit()).as(command + "\n" + r.all()).isEqualTo(Main.EXIT_INVALID);
      assertThat(r.all()).contains("instruments.d/sim.yaml:3:7 poll: expected a duration");
    }
    // buffer commands read only agent.yaml's buffer section
    Run stats = ferry("buffer", "stats", "--config", "src/test/resources/broken-configs/buffer-synchronous-unknown");
    assertThat(stats.exit()).as(stats.all()).isEqualTo(Main.EXIT_INVALID);
    assertThat(stats.err()).contains("agent.yaml:8:16 buffer.synchronous: unknown synchronous \"sometimes\"");
  }

  @Test
  void aStateDirThatIsAFileIsOneLineAtCheckAndARuntimeFailureAtRun() throws IOException {
    Path file = Files.writeString(tmp.resolve("state-is-a-file"), "not a directory\n");
    Path dir = config("state-file", file.toString());
    Run check = ferry("check", "--config", dir.toString());
    assertThat(check.exit()).isEqualTo(Main.EXIT_INVALID);
    assertThat(check.out().lines().toList()).containsExactly(
        "agent.yaml:2:11 stateDir: stateDir " + file + " is not a directory", "1 error in " + dir);
    Run run = ferry("run", "--config", dir.toString());
    assertThat(run.exit()).isEqualTo(Main.EXIT_RUNTIME);
    assertThat(run.all()).doesNotContain("Exception").doesNotContain("lock");
  }

  @Test
  void aStateDirUnderARegularFileNamesTheFile() throws IOException {
    Path file = Files.writeString(tmp.resolve("plain-file"), "x\n");
    Path dir = config("state-under-file", file.resolve("state").toString());
    Run check = ferry("check", "--config", dir.toString());
    assertThat(check.exit()).isEqualTo(Main.EXIT_INVALID);
    assertThat(check.out()).startsWith(
        "agent.yaml:2:11 stateDir: stateDir " + file.resolve("state") + " cannot be created: " + file + " is not a directory\n");
    assertThat(ferry("run", "--config", dir.toString()).exit()).isEqualTo(Main.EXIT_RUNTIME);
    Run demo = ferry("demo", "--dir", file.resolve("demo").toString(), "--duration", "1s");
    assertThat(demo.exit()).isEqualTo(Main.EXIT_RUNTIME);
    assertThat(demo.err()).isEqualTo("ferry demo: --dir " + file.resolve("demo") + " cannot be created: " + file + " is not a directory\n");
  }

  @Test
  void runtimeFailuresExitThreeInOneLine() throws IOException {
    Run probe = ferry("probe", "modbus", "--host", "127.0.0.1", "--port", String.valueOf(closedPort()),
        "--register", "holding:0", "--timeout", "500");
    assertThat(probe.exit()).as(probe.all()).isEqualTo(Main.EXIT_RUNTIME);
    Run stats = ferry("buffer", "stats", "--db", tmp.resolve("no-such.db").toString());
    assertThat(stats.exit()).isEqualTo(Main.EXIT_RUNTIME);
    assertThat(probe.err()).contains("connection refused");
    assertThat(probe.all() + stats.all()).doesNotContain("Exception").doesNotContain("\tat ");
  }

  @Test
  void aStatusServerThatCannotListenIsAStartFailureInOneLine() throws Exception {
    Files.writeString(tmp.resolve("http.token"), "listen-test-token");
    try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      String[][] cases = {
          {"127.0.0.1:" + taken.getLocalPort(), "address already in use"},
          // TEST-NET-1 (RFC 5737): a valid address that is no interface of this machine
          {"192.0.2.1:9108", "cannot assign requested address"}};
      for (String[] c : cases) {
        Path dir = config("listen-" + c[1].replace(' ', '-'), tmp.resolve("state-listen").toString());
        Files.writeString(dir.resolve("agent.yaml"), "http: {listen: \"" + c[0] + "\", allowRemote: true, token: \"${file:"
            + tmp.resolve("http.token") + "}\"}\n", java.nio.file.StandardOpenOption.APPEND);
        // check does not try the port: see README (the agent being checked usually holds it itself)
        assertThat(ferry("check", "--config", dir.toString()).exit()).isZero();
        try (ChildFerry run = ChildFerry.start("run", "--config", dir.toString())) {
          assertThat(run.awaitExit(Duration.ofSeconds(60))).as(run.output()).isEqualTo(Main.EXIT_RUNTIME);
          assertThat(run.lines()).as(run.output()).filteredOn(l -> l.contains(" ERROR ")).singleElement().asString()
              .endsWith(" - cannot start: the status server cannot listen on " + c[0] + " (http.listen): " + c[1]);
          assertThat(run.output()).doesNotContain("ferry started").doesNotContain("Exception").doesNotContain("\tat ");
        }
      }
    }
  }
}
