package io.ferry.agent.cli;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * {@code ferry ARGS} in a child JVM on this test's class path (as ServiceProcessTest and
 * DemoProcessTest start it), stdout and stderr merged into one list of lines that a test waits on
 * line by line (no sleeps), and signals sent to it as systemd and a terminal send them.
 */
final class ChildFerry implements AutoCloseable {
  static final int SIGINT = 2;
  static final int SIGTERM = 15;
  static final int SIGKILL = 9;

  /** kill(2) from libc: Process.destroy sends only SIGTERM, and /bin/kill is not always installed. */
  interface CLib extends Library {
    CLib C = Native.load("c", CLib.class);

    int kill(int pid, int sig);
  }

  private final Process process;
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final BlockingQueue<String> unread = new LinkedBlockingQueue<>();
  private static final String END = new String("end of output");

  private ChildFerry(Process process) {
    this.process = process;
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = r.readLine(); line != null; line = r.readLine()) {
          lines.add(line);
          unread.add(line);
        }
      } catch (IOException e) {
        lines.add("(reading the child's output failed: " + e.getMessage() + ")");
      } finally {
        unread.add(END);
      }
    }, "child-ferry-output");
    reader.setDaemon(true);
    reader.start();
  }

  static ChildFerry start(String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    if (interruptIgnored()) {
      // A JVM that inherits an ignored SIGINT (a background job of a non-interactive shell) never sees Ctrl-C.
      cmd.addAll(List.of("env", "--default-signal=INT"));
    }
    cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m",
        "-cp", System.getProperty("java.class.path"), Main.class.getName()));
    cmd.addAll(List.of(args));
    return new ChildFerry(new ProcessBuilder(cmd).redirectErrorStream(true).start());
  }

  private static boolean interruptIgnored() {
    try {
      return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("SigIgn:"))
          .anyMatch(l -> (Long.parseUnsignedLong(l.substring(7).trim(), 16) & (1L << (SIGINT - 1))) != 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Waits for the next line (after those already waited for) that {@code wanted} accepts; fails with the output so far. */
  String awaitLine(Predicate<String> wanted, Duration atMost) throws InterruptedException {
    long deadline = System.nanoTime() + atMost.toNanos();
    while (true) {
      String line = unread.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (line == null || line == END) {
        unread.add(END);
        throw new AssertionError((line == null ? "timed out" : "output ended") + " waiting for a line; output:\n" + String.join("\n", lines));
      }
      if (wanted.test(line)) {
        return line;
      }
    }
  }

  void signal(int sig) {
    if (CLib.C.kill((int) process.pid(), sig) != 0) {
      throw new AssertionError("kill(" + process.pid() + ", " + sig + ") failed");
    }
  }

  /** The exit code, after all output was read. */
  int awaitExit(Duration atMost) throws InterruptedException {
    if (!process.waitFor(atMost.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("still running after " + atMost + "; output:\n" + String.join("\n", lines));
    }
    while (true) {
      String line = unread.poll(atMost.toMillis(), TimeUnit.MILLISECONDS);
      if (line == null || line == END) {
        break;
      }
    }
    return process.exitValue();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  List<String> lines() {
    return List.copyOf(lines);
  }

  String output() {
    return String.join("\n", lines);
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }
}
