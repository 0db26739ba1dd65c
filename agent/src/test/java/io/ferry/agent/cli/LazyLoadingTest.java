package io.ferry.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An agent without OPC UA or MQTT instruments never loads Milo, Bouncy Castle, Netty or Paho:
 * each costs metaspace, code cache and threads on a small gateway for nothing. Runs
 * {@code ferry demo} (simulated instruments, jsonl uplink) in a child JVM with
 * {@code -verbose:class} until it has uploaded samples, and reads what the JVM loaded.
 */
class LazyLoadingTest {
  private static final List<String> HEAVY = List.of("org.eclipse.milo.", "org.bouncycastle.", "io.netty.", "org.eclipse.paho.");

  @TempDir Path dir;

  @Test
  void aSimulatedOnlyAgentLoadsNoProtocolStack() throws Exception {
    List<String> loaded = loadedClassesOfDemo();
    // The check can fail: the classes the demo does use show up in the same log.
    assertThat(loaded).anyMatch(c -> c.startsWith("io.ferry.drivers.simulated."));
    assertThat(loaded).anyMatch(c -> c.startsWith("io.ferry.uplink.jsonl."));
    for (String heavy : HEAVY) {
      assertThat(loaded.stream().filter(c -> c.startsWith(heavy)).toList())
          .as("classes of %s loaded by a simulated-only agent", heavy).isEmpty();
    }
  }

  private List<String> loadedClassesOfDemo() throws IOException, InterruptedException {
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m",
            "-verbose:class", "-cp", System.getProperty("java.class.path"), Main.class.getName(), "demo", "--dir", dir.toString())
        .redirectError(dir.resolve("stderr.log").toFile())
        .start();
    List<String> loaded = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      boolean signalled = false;
      while ((line = r.readLine()) != null) {
        int at = line.indexOf("[class,load] ");
        if (at >= 0) {
          String rest = line.substring(at + "[class,load] ".length());
          loaded.add(rest.substring(0, Math.max(0, rest.indexOf(' '))));
        } else if (!signalled && line.matches(".*uploaded [1-9][0-9]* .*")) {
          p.toHandle().destroy(); // SIGTERM once samples went all the way through
          signalled = true;
        }
      }
    } finally {
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    }
    return loaded;
  }
}
