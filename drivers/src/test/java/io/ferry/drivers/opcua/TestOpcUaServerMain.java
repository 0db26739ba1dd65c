package io.ferry.drivers.opcua;

import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@link TestOpcUaServer} as a process: {@code NODES} Double variables
 * {@code ns=2;s=Plant/Many/<i>}, every one changed once per second, MaxNodesPerRead
 * {@code MAX_READ}. Prints {@code READY <url>} and stops when its standard input closes. The OPC UA
 * benchmark ({@code bench/run.sh opcua}) runs it in its own JVM so that the server's CPU and memory
 * are not counted against the driver.
 */
public final class TestOpcUaServerMain {
  private TestOpcUaServerMain() {}

  public static void main(String[] args) throws Exception {
    quietLogs();
    int nodes = Integer.parseInt(args[0]);
    int maxRead = Integer.parseInt(args[1]);
    TestOpcUaServer server = new TestOpcUaServer(new TestOpcUaServer.Options(maxRead, nodes, false), Map.of());
    ScheduledExecutorService updater = Executors.newSingleThreadScheduledExecutor();
    long[] tick = {0};
    updater.scheduleAtFixedRate(() -> {
      tick[0]++;
      for (int i = 0; i < nodes; i++) {
        server.set("Many/" + i, i + (tick[0] % 100) * 0.5);
      }
    }, 1, 1, TimeUnit.SECONDS);
    System.out.println("READY " + server.endpoint());
    System.out.flush();
    // Runs until the parent closes stdin (or dies).
    while (System.in.read() >= 0) {
      // ignore input
    }
    updater.shutdownNow();
    server.close();
    System.exit(0);
  }

  /** Logback's default is DEBUG to the console; Milo's frame logging would dominate the figures. */
  static void quietLogs() {
    if (org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME) instanceof ch.qos.logback.classic.Logger root) {
      root.setLevel(ch.qos.logback.classic.Level.WARN);
    }
  }
}
