package io.ferry.drivers.testsupport;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;

/** Two connected pseudo terminals made by socat; tests that need one skip when socat is not installed. */
public final class PtyPair implements AutoCloseable {
  private final Process process;
  private final Path a;
  private final Path b;

  private PtyPair(Process process, Path a, Path b) {
    this.process = process;
    this.a = a;
    this.b = b;
  }

  public static boolean socatInstalled() {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
      if (Files.isExecutable(Path.of(dir, "socat"))) {
        return true;
      }
    }
    return false;
  }

  /** Starts socat, or skips the test (naming socat) when it is absent. */
  public static PtyPair open(Path dir) throws IOException {
    Assumptions.assumeTrue(socatInstalled(), "socat is not installed: serial pty tests need it (apt-get install socat)");
    Path a = dir.resolve("ptyA");
    Path b = dir.resolve("ptyB");
    Process p = new ProcessBuilder("socat", "pty,raw,echo=0,link=" + a, "pty,raw,echo=0,link=" + b)
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(a) && Files.exists(b));
    return new PtyPair(p, a, b);
  }

  /** The device path of one end (resolved: jSerialComm wants the real /dev/pts/N). */
  public String a() throws IOException {
    return a.toRealPath().toString();
  }

  public String b() throws IOException {
    return b.toRealPath().toString();
  }

  @Override
  public void close() {
    process.destroy();
    try {
      process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
