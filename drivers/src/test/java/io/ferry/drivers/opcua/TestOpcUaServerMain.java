package io.ferry.drivers.opcua;

import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@link TestOpcUaServer} as a process: {@code NODES} Double variables
 * {@code ns=2;s=Plant/Many/<i>}, every one changed once per second, MaxNodesPerRead
 * {@code MAX_READ}; optionally {@code HISTORY_NODES HISTORY_VALUES} historizing nodes {@code Plant/H<i>}. Prints {@code READY <url>} and stops when its standard input closes. The OPC UA
 * benchmark ({@code bench/run.sh opcua}) runs it in its own JVM so that the server's CPU and memory
 * are not counted against the driver.
 */
public final class TestOpcUaServerMain {
  private TestOpcUaServerMain() {}

  public static void main(String[] args) throws Exception {
    quietLogs();
    int nodes = Integer.parseInt(args[0]);
    int maxRead = Integer.parseInt(args[1]);
    // Optional: HISTORY_NODES HISTORY_VALUES: nodes Plant/H<i> keeping HISTORY_VALUES values each, one per
    // 100 ms ending now (the backfill benchmark); their current value carries the last one's time.
    int historyNodes = args.length > 3 ? Integer.parseInt(args[2]) : 0;
    int historyValues = args.length > 3 ? Integer.parseInt(args[3]) : 0;
    HistoryStore history = historyNodes > 0 ? new HistoryStore(0, false) : null;
    Map<String, Object> initial = new java.util.LinkedHashMap<>();
    java.time.Instant end = java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    for (int h = 0; h < historyNodes; h++) {
      java.time.Instant first = end.minusMillis(100L * (historyValues - 1));
      for (int v = 0; v < historyValues; v++) {
        history.add("H" + h, first.plusMillis(100L * v), v);
      }
      org.eclipse.milo.opcua.stack.core.types.builtin.DateTime t = new org.eclipse.milo.opcua.stack.core.types.builtin.DateTime(end);
      initial.put("H" + h, new org.eclipse.milo.opcua.stack.core.types.builtin.DataValue(
          new org.eclipse.milo.opcua.stack.core.types.builtin.Variant((double) historyValues - 1),
          org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode.GOOD, t, t));
    }
    TestOpcUaServer server = new TestOpcUaServer(new TestOpcUaServer.Options(maxRead, nodes, false), initial, history);
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
