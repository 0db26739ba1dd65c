package io.ferry.bench;

import io.ferry.testsupport.mqtt.Broker;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * HiveMQ CE for the uplink bench, in a child JVM of its own (a broker is another machine in
 * production, and it must not share the bench's 64 MiB heap or be counted in its CPU time). The
 * child prints {@code ready} once it listens and stops when its stdin closes.
 */
final class BenchBroker implements AutoCloseable {
  private final Process process;
  private final int port;

  private BenchBroker(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  static BenchBroker start(Path dir) throws IOException, InterruptedException {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(java, "-Xmx1g", "-cp", System.getProperty("java.class.path"), BenchBroker.class.getName(),
        dir.toString(), Integer.toString(port)).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    String line;
    while ((line = out.readLine()) != null && !line.equals("ready")) {
      // HiveMQ's own start-up lines
    }
    if (line == null) {
      throw new IOException("the bench broker did not start (exit " + p.waitFor() + ")");
    }
    // Keep reading its log lines, or the child blocks on a full pipe.
    Thread drain = new Thread(() -> {
      try {
        while (out.readLine() != null) {
          // discarded
        }
      } catch (IOException ignored) {
        // the child exited
      }
    }, "bench-broker-output");
    drain.setDaemon(true);
    drain.start();
    return new BenchBroker(p, port);
  }

  int port() {
    return port;
  }

  @Override
  public void close() throws InterruptedException {
    try {
      process.getOutputStream().close();
    } catch (IOException ignored) {
      // the child is gone already
    }
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }

  /** The child: test-support's plain broker (no test extensions), the footprint bench's too. */
  public static void main(String[] args) throws Exception {
    Broker broker = Broker.plain(Path.of(args[0]), Integer.parseInt(args[1]));
    broker.start();
    System.out.println("ready");
    System.out.flush();
    while (System.in.read() != -1) {
      // until the bench closes our stdin
    }
    broker.stop();
    System.exit(0);
  }
}
