package io.ferry.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code ferry check} as the unprivileged user {@code nobody} (uid 65534) over a configuration
 * that root wrote with modes nobody cannot get through: each is "permission denied", never "file
 * is missing" or "no instrument files". The tests run as root here, so a child JVM is started
 * under {@code setpriv --reuid=65534 --regid=65534 --clear-groups}; its classpath is copied into
 * a world-readable temporary directory (the Maven repository under /root is not readable by
 * nobody). Skipped, with a message naming the reason, when not root or without setpriv.
 */
class PermissionsAsNonRootTest {
  static Path root;
  static String classpath;

  static final String AGENT = "gatewayId: gw-test\nstateDir: /tmp/ferry-broken-config-never-written\n"
      + "uplinks:\n  local:\n    type: jsonl\n    path: out.jsonl\n";
  static final String SIM = "id: sim\ndriver: simulated\npoll: 1s\nuplinks: [local]\nchannels:\n  - {name: temp, wave: sine}\n";

  @BeforeAll
  static void worldReadableClasspath() throws IOException {
    assumeTrue("root".equals(System.getProperty("user.name")),
        "not running as root: cannot drop privileges to nobody, permission test skipped");
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")) || Files.isExecutable(Path.of("/bin/setpriv")),
        "setpriv (util-linux) is not installed: permission test skipped");
    root = Files.createTempDirectory("ferry-perm-");
    Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path cp = Files.createDirectories(root.resolve("cp"));
    List<String> entries = new ArrayList<>();
    int i = 0;
    for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
      Path src = Path.of(e);
      if (!Files.exists(src)) {
        continue;
      }
      Path dst = cp.resolve((i++) + "-" + src.getFileName());
      if (Files.isDirectory(src)) {
        try (Stream<Path> tree = Files.walk(src)) {
          for (Path p : (Iterable<Path>) tree::iterator) {
            Path to = dst.resolve(src.relativize(p).toString());
            if (Files.isDirectory(p)) {
              Files.createDirectories(to);
            } else {
              Files.copy(p, to, StandardCopyOption.REPLACE_EXISTING);
            }
          }
        }
      } else {
        Files.copy(src, dst);
      }
      entries.add(dst.toString());
    }
    try (Stream<Path> tree = Files.walk(cp)) {
      for (Path p : (Iterable<Path>) tree::iterator) {
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
      }
    }
    classpath = String.join(File.pathSeparator, entries);
  }

  @AfterAll
  static void cleanUp() throws IOException {
    if (root == null) {
      return;
    }
    try (Stream<Path> tree = Files.walk(root)) {
      for (Path p : tree.sorted(Comparator.reverseOrder()).toList()) {
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
        Files.delete(p);
      }
    }
  }

  /** A valid configuration written by root, readable by all, then one path's mode changed. */
  static Path config(String name, String path, String mode) throws IOException {
    Path dir = Files.createDirectories(root.resolve(name));
    Files.createDirectories(dir.resolve("instruments.d"));
    Files.writeString(dir.resolve("agent.yaml"), AGENT);
    Files.writeString(dir.resolve("instruments.d/sim.yaml"), SIM);
    try (Stream<Path> tree = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) tree::iterator) {
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
      }
    }
    Files.setPosixFilePermissions(path.equals(".") ? dir : dir.resolve(path), PosixFilePermissions.fromString(mode));
    return dir;
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(delimiter = '|', textBlock = """
      agent.yaml            | rw-------  | agent.yaml: the file cannot be read (permission denied)
      instruments.d         | rwx------  | instruments.d/: cannot list directory (permission denied)
      instruments.d         | rwx--x--x  | instruments.d/: cannot list directory (permission denied)
      instruments.d         | rwxr--r--  | instruments.d/sim.yaml: the file cannot be read (permission denied)
      instruments.d/sim.yaml| rw-------  | instruments.d/sim.yaml: the file cannot be read (permission denied)
      .                     | rwx------  | {dir}: the configuration directory cannot be read (permission denied for user nobody)
      """)
  void anUnreadablePathIsPermissionDeniedNotMissing(String path, String mode, String expected) throws Exception {
    Path dir = config("c" + System.nanoTime(), path, mode);
    Path out = root.resolve("out-" + System.nanoTime() + ".txt");
    Process p = new ProcessBuilder("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m", "-cp", classpath,
        Main.class.getName(), "check", "--config", dir.toString())
        .redirectErrorStream(true).redirectOutput(out.toFile()).start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("ferry check as nobody finished").isTrue();
    String text = Files.readString(out, StandardCharsets.UTF_8);
    List<String> lines = text.lines().toList();
    assertThat(p.exitValue()).as(text).isEqualTo(Main.EXIT_INVALID);
    assertThat(lines).as(text).hasSize(2);
    assertThat(lines.get(0)).isEqualTo(expected.replace("{dir}", dir.toString()));
    assertThat(lines.get(1)).isEqualTo("1 error in " + dir);
    assertThat(text).doesNotContain("missing").doesNotContain("no instrument files").doesNotContain("Exception");
  }
}
