package io.ferry.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * {@code ferry check} over one broken configuration directory per mistake
 * ({@code src/test/resources/broken-configs/NAME/}, each with an {@code expect.txt}): exit 1,
 * exactly the expected error lines (file:line:column and key path where the mistake has a
 * place), no Java exception name, no stack trace, no secret value.
 *
 * <p>{@code expect.txt}: every line is one expected error line, exactly as printed; a line
 * starting with {@code ~ } is a prefix only (for messages that contain a temp path).
 */
class BrokenConfigsTest {
  static final Path ROOT = Path.of("src/test/resources/broken-configs");
  /** The test environment: the secret must never appear in the output. */
  static final String SECRET = "TOPSECRET-env-value-0815";
  static final Map<String, String> ENV = Map.of("FERRY_TEST_GS_KEY", SECRET, "FERRY_TEST_SHORT_TOKEN", "abcde");

  record Run(int exit, String out) {}

  static Run check(Path dir, Map<String, String> env) {
    StringWriter out = new StringWriter();
    CommandLine cl = new CommandLine(new Main());
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(out));
    CheckCommand check = cl.getSubcommands().get("check").getCommand();
    check.config.env = env::get;
    int exit = cl.execute("check", "--config", dir.toString());
    return new Run(exit, out.toString());
  }

  static Stream<String> cases() throws IOException {
    try (Stream<Path> s = Files.list(ROOT)) {
      return s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList().stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void eachMistakeIsOneClearLocatedError(String name) throws IOException {
    Path dir = ROOT.resolve(name);
    Run r = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> check(dir, ENV));
    List<String> lines = r.out().lines().toList();
    Path expectFile = dir.resolve("expect.txt");
    List<String> expected = Files.exists(expectFile) ? Files.readAllLines(expectFile, StandardCharsets.UTF_8) : List.of();
    assertThat(expected).as("%s/expect.txt lists the expected errors; got:%n%s", name, r.out()).isNotEmpty();

    assertThat(r.exit()).as(r.out()).isEqualTo(Main.EXIT_INVALID);
    List<String> errors = lines.subList(0, lines.size() - 1);
    assertThat(lines.get(lines.size() - 1)).as(r.out()).matches("\\d+ errors? in .*" + name);
    assertThat(errors).as(r.out()).hasSameSizeAs(expected);
    for (int i = 0; i < expected.size(); i++) {
      String e = expected.get(i);
      if (e.startsWith("~ ")) {
        assertThat(errors.get(i)).startsWith(e.substring(2));
      } else {
        assertThat(errors.get(i)).isEqualTo(e);
      }
    }
    assertThat(r.out())
        .doesNotContain("Exception")
        .doesNotContain("\tat ")
        .doesNotContain("java.")
        .doesNotContain(SECRET)
        .doesNotContain("TOPSECRET");
  }

  // ---- files that are not regular files, or too large: built at test time in a temp dir

  static final String AGENT = "gatewayId: gw-test\nstateDir: /tmp/ferry-broken-config-never-written\n"
      + "uplinks:\n  local:\n    type: jsonl\n    path: out.jsonl\n";
  static final String SIM = "id: sim\ndriver: simulated\npoll: 1s\nuplinks: [local]\nchannels:\n  - {name: temp, wave: sine}\n";

  @TempDir Path tmp;

  Path validDir() throws IOException {
    Files.createDirectories(tmp.resolve("instruments.d"));
    Files.writeString(tmp.resolve("agent.yaml"), AGENT);
    Files.writeString(tmp.resolve("instruments.d/sim.yaml"), SIM);
    assertThat(check(tmp, ENV).exit()).isZero();
    return tmp;
  }

  /** One file refused: exit 1 within the hang guard, exactly one error line naming it. */
  void assertRefused(Path dir, String expectedLine) {
    Run r = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> check(dir, ENV));
    assertThat(r.exit()).as(r.out()).isEqualTo(Main.EXIT_INVALID);
    assertThat(r.out().lines().toList()).as(r.out()).hasSize(2).first().isEqualTo(expectedLine);
    assertThat(r.out()).doesNotContain("Exception").doesNotContain("\tat ").doesNotContain(SECRET);
  }

  @Test
  void aNamedPipeAmongTheInstrumentsIsRefusedNotOpened() throws Exception {
    Path dir = validDir();
    Process mkfifo = new ProcessBuilder("mkfifo", dir.resolve("instruments.d/pipe.yaml").toString()).start();
    assertThat(mkfifo.waitFor()).isZero();
    assertRefused(dir, "instruments.d/pipe.yaml: the file is a named pipe (FIFO), not a regular file");
  }

  @Test
  void aLinkToDevZeroIsRefusedNotRead() throws Exception {
    Path dir = validDir();
    Files.createSymbolicLink(dir.resolve("instruments.d/zero.yaml"), Path.of("/dev/zero"));
    assertRefused(dir, "instruments.d/zero.yaml: the file is a character device, not a regular file");
  }

  @Test
  void aFileOverTheSizeCapIsRefusedWithoutReadingIt() throws Exception {
    Path dir = validDir();
    try (var ch = java.nio.channels.FileChannel.open(dir.resolve("agent.yaml"), java.nio.file.StandardOpenOption.WRITE)) {
      ch.write(java.nio.ByteBuffer.wrap(new byte[] {'#'}), 3L << 30); // a sparse 3 GiB file
    }
    assertRefused(dir, "agent.yaml: the file is too large (3.0 GiB; at most 1 MiB is read)");
  }

  @Test
  void aSymbolicLinkLoopAndADanglingLinkAreNamedAsSuch() throws Exception {
    Path dir = validDir();
    Files.createSymbolicLink(dir.resolve("instruments.d/a.yaml"), dir.resolve("instruments.d/b.yaml"));
    Files.createSymbolicLink(dir.resolve("instruments.d/b.yaml"), dir.resolve("instruments.d/a.yaml"));
    Run r = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> check(dir, ENV));
    assertThat(r.exit()).isEqualTo(Main.EXIT_INVALID);
    assertThat(r.out().lines().toList()).startsWith(
        "instruments.d/a.yaml: the file is a symbolic link loop",
        "instruments.d/b.yaml: the file is a symbolic link loop");
    Files.delete(dir.resolve("instruments.d/a.yaml"));
    Files.delete(dir.resolve("instruments.d/b.yaml"));
    Files.createSymbolicLink(dir.resolve("instruments.d/gone.yaml"), Path.of("/nonexistent/gone.yaml"));
    assertRefused(dir, "instruments.d/gone.yaml: the file is a symbolic link to /nonexistent/gone.yaml, which does not exist");
  }

  @Test
  void secretFilesThatAreDevicesPipesOrHugeAreRefusedWithoutTheirContent() throws Exception {
    Path dir = validDir();
    Path fifo = tmp.resolve("secret.pipe");
    assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
    Path big = tmp.resolve("big.secret");
    Files.writeString(big, SECRET.repeat(10_000));
    String agent = AGENT + "  gs:\n    type: grovestreams\n    apiKey: ${file:%s}\n";
    for (String[] c : new String[][] {
        {"/dev/zero", "agent.yaml:9:13 uplinks.gs.apiKey: secret file /dev/zero is a character device, not a regular file"},
        {fifo.toString(), "agent.yaml:9:13 uplinks.gs.apiKey: secret file " + fifo + " is a named pipe (FIFO), not a regular file"},
        {big.toString(), "agent.yaml:9:13 uplinks.gs.apiKey: secret file " + big + " is too large (234.4 KiB; at most 64 KiB is read)"}}) {
      Files.writeString(dir.resolve("agent.yaml"), agent.formatted(c[0]));
      assertRefused(dir, c[1]);
    }
  }

  @Test
  void aReferenceInAPlainValueIsResolvedNotUsedLiterally() throws Exception {
    Path dir = validDir();
    Files.writeString(dir.resolve("instruments.d/sim.yaml"), SIM.replace("poll: 1s", "poll: ${env:FERRY_TEST_POLL}"));
    StringWriter out = new StringWriter();
    CommandLine cl = new CommandLine(new Main());
    cl.setOut(new PrintWriter(out));
    PlanCommand plan = cl.getSubcommands().get("plan").getCommand();
    plan.config.env = Map.of("FERRY_TEST_POLL", "250ms")::get;
    assertThat(cl.execute("plan", "--config", dir.toString())).as(out.toString()).isZero();
    assertThat(out.toString()).contains("poll 250ms").doesNotContain("${env:");
  }
}
