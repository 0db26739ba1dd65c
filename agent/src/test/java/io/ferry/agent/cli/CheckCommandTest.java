package io.ferry.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code ferry check} on shipped configurations: the demo is valid, the broken directory reports every mistake. */
class CheckCommandTest {
  private static final Path BROKEN = Path.of("src/test/resources/broken-config");
  private static final Path DEMO = Path.of("../examples/demo");

  record Run(int exit, String out) {}

  static Run check(Path dir) {
    StringWriter out = new StringWriter();
    CommandLine cl = new CommandLine(new Main());
    cl.setOut(new PrintWriter(out));
    int exit = cl.execute("check", "--config", dir.toString());
    return new Run(exit, out.toString());
  }

  @Test
  void demoConfigurationIsValid() {
    Run r = check(DEMO);
    assertThat(r.out()).startsWith("configuration OK: ").contains("3 instruments");
    assertThat(r.exit()).isZero();
  }

  @Test
  void everyBrokenFileIsReportedWithFileLineAndColumnAndExitIsOne() throws IOException {
    Run r = check(BROKEN);
    assertThat(r.exit()).isEqualTo(1);
    List<String> lines = r.out().lines().toList();
    // one file per kind of mistake: each must be named in at least one error
    List<String> files;
    try (Stream<Path> s = Files.list(BROKEN.resolve("instruments.d"))) {
      files = s.map(p -> "instruments.d/" + p.getFileName()).sorted().toList();
    }
    for (String f : files) {
      if (f.endsWith("07-duplicate-id-first.yaml")) {
        continue; // the duplicate is reported on the second file, naming the first
      }
      assertThat(lines).as("errors naming " + f).anyMatch(l -> l.startsWith(f));
    }
    assertThat(lines).contains(
        "agent.yaml:5:16 buffer.synchronous: unknown synchronous \"sometimes\" (expected one of full, normal)",
        "instruments.d/01-unknown-key.yaml:3:1 polll: unknown key \"polll\", did you mean \"poll\"?",
        "instruments.d/02-bad-enum.yaml:5:21 channels[0].kind: unknown kind \"gaueg\", did you mean \"gauge\"?",
        "instruments.d/03-duration-without-unit.yaml:3:7 poll: expected a duration such as 500ms, 5s, 1m or 1h, got the number 5 (add a unit: 5s or 5ms)",
        "instruments.d/04-wrong-type.yaml:4:11 channels: expected a list, got the text \"temp\"",
        "instruments.d/05-tab-indentation.yaml:4:1: a tab is used for indentation; YAML allows only spaces",
        "instruments.d/08-duplicate-id-second.yaml:1:5 id: instrument id \"twin\" is also defined in instruments.d/07-duplicate-id-first.yaml; ids must be unique",
        "instruments.d/09-empty-file.yaml: the file is empty",
        "instruments.d/10-unknown-driver.yaml:2:9 driver: unknown driver \"simulatd\", did you mean \"simulated\"?",
        "instruments.d/12-missing-id.yaml:1:1 id: missing required key \"id\"",
        "instruments.d/14-wrong-boolean.yaml:4:10 enabled: expected true or false, got the text \"yes please\"");
    // every error line but the summary is file:line:column (or file: for whole-file problems)
    assertThat(lines.subList(0, lines.size() - 1)).allMatch(l -> l.matches("^(agent\\.yaml|instruments\\.d/[^:]+)(:\\d+:\\d+)?[ :].*"));
    assertThat(lines.get(lines.size() - 1)).matches("\\d+ errors in .*broken-config");
    assertThat(r.out()).doesNotContain("Exception").doesNotContain("\tat ");
  }

  @Test
  void clearTextCredentialsAndAShortKeyAreErrors(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
    Files.createDirectories(dir.resolve("instruments.d"));
    Files.writeString(dir.resolve("instruments.d/kiln.yaml"), "id: kiln\ndriver: simulated\nuplinks: [gs]\nchannels:\n  - {name: temp, wave: sine}\n");
    Files.writeString(dir.resolve("gs.key"), "a-real-looking-key\n");
    Files.writeString(dir.resolve("agent.yaml"), "stateDir: " + dir.resolve("state") + "\nuplinks:\n  gs:\n    type: grovestreams\n"
        + "    url: http://grovestreams.example\n    apiKey: ${file:" + dir.resolve("gs.key") + "}\n");
    Run clear = check(dir);
    assertThat(clear.exit()).as(clear.out()).isEqualTo(1);
    assertThat(clear.out()).contains("agent.yaml:5:10 uplinks.gs.url: must use https://: plain http:// would send the credentials"
        + " to grovestreams.example in clear text");
    Files.writeString(dir.resolve("agent.yaml"), Files.readString(dir.resolve("agent.yaml"))
        .replace("http://grovestreams.example", "https://grovestreams.example"));
    assertThat(check(dir).exit()).isZero();
    Files.writeString(dir.resolve("gs.key"), "abc\n");
    Run shortKey = check(dir);
    assertThat(shortKey.exit()).isEqualTo(1);
    assertThat(shortKey.out()).contains("uplinks.gs.apiKey: the secret from ${file:" + dir.resolve("gs.key")
        + "} is 3 characters long: too short to be a real credential (at least 8)").doesNotContain("abc\n");
  }

  @Test
  void missingDirectoryIsOneClearError() {
    Run r = check(Path.of("does/not/exist"));
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out()).contains("does/not/exist: configuration directory does not exist or is not a directory");
  }
}
