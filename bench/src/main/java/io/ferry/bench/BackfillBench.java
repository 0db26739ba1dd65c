package io.ferry.bench;

import io.ferry.buffer.BufferOptions;
import io.ferry.buffer.SqliteBuffer;
import io.ferry.core.ChannelId;
import io.ferry.core.ChannelSpec;
import io.ferry.core.Route;
import io.ferry.core.Sample;
import io.ferry.core.Ticker;
import io.ferry.core.ValueKind;
import io.ferry.drivers.opcua.OpcUaDriverFactory;
import io.ferry.drivers.spi.DriverContext;
import io.ferry.drivers.spi.DriverMetrics;
import io.ferry.drivers.spi.DriverPlan;
import io.ferry.drivers.spi.HeldSourceTimes;
import io.ferry.drivers.spi.PollingDriver;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code bench/run.sh backfill [VALUES] [SECONDS]}: does an OPC UA history backfill disturb the
 * live poll? The server (its own JVM, {@code TestOpcUaServerMain}) has 100 polled nodes and 10
 * historizing nodes holding {@code VALUES} values in all (default 100,000). The driver polls all 110
 * nodes every 200 ms on a fixed-rate tick thread of the bench, into a real SQLite buffer; the tick
 * offset is how late each poll started against its schedule, the poll time how long it took. Phase
 * 1: backfill off, {@code SECONDS} (default 30). Phase 2: backfill on (nothing held: every value is
 * read, 1,000 per node and call), measured from the first poll until the backfill is complete.
 */
public final class BackfillBench {
  static final int POLLED = 100;
  static final int HISTORY_NODES = 10;
  static final long PERIOD_MS = 200;

  private BackfillBench() {}

  record Ticks(long[] lateMicros, long[] pollMicros, long polls) {
    String describe() {
      return String.format("%,d polls; tick offset p50 %s, p99 %s, max %s; poll time p50 %s, p99 %s, max %s", polls,
          ms(pct(lateMicros, 50)), ms(pct(lateMicros, 99)), ms(pct(lateMicros, 100)),
          ms(pct(pollMicros, 50)), ms(pct(pollMicros, 99)), ms(pct(pollMicros, 100)));
    }
  }

  public static void main(String[] args) throws Exception {
    OpcuaBench.quietLogs();
    int values = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 30;
    Process serverJvm = new ProcessBuilder(javaBin(), "-Xmx768m", "-cp", System.getProperty("java.class.path"),
        OpcuaBench.SERVER_MAIN, String.valueOf(POLLED), "1000", String.valueOf(HISTORY_NODES), String.valueOf(values / HISTORY_NODES))
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    try {
      String endpoint = awaitReady(serverJvm);
      Path dir = Files.createTempDirectory("ferry-backfill-bench");
      System.out.println("# " + POLLED + " + " + HISTORY_NODES + " nodes polled every " + PERIOD_MS + " ms; history " + values
          + " values in " + HISTORY_NODES + " nodes; server in its own JVM");
      System.out.println("without backfill: " + run(dir.resolve("off"), endpoint, false, seconds, new AtomicLong()).describe());
      AtomicLong backfilled = new AtomicLong();
      long t0 = System.nanoTime();
      Ticks on = run(dir.resolve("on"), endpoint, true, seconds, backfilled);
      double secs = (System.nanoTime() - t0) / 1e9;
      System.out.println("during backfill:  " + on.describe());
      System.out.printf("backfill: %,d values stored in %.1f s (%,.0f values/s, including the first connection)%n", backfilled.get(), secs,
          backfilled.get() / secs);
    } finally {
      serverJvm.getOutputStream().close();
      if (!serverJvm.waitFor(20, TimeUnit.SECONDS)) {
        serverJvm.destroyForcibly();
      }
    }
  }

  private static Ticks run(Path dir, String endpoint, boolean backfill, int seconds, AtomicLong backfilled) throws Exception {
    DriverPlan plan = plan(dir, endpoint, backfill);
    List<ChannelSpec> specs = new ArrayList<>();
    for (int i = 0; i < POLLED; i++) {
      specs.add(spec("n" + i));
    }
    for (int h = 0; h < HISTORY_NODES; h++) {
      specs.add(spec("h" + h));
    }
    Map<String, Long> gauges = new ConcurrentHashMap<>();
    DriverMetrics metrics = new DriverMetrics() {
      @Override
      public void increment(String counter, long delta) {
        if (counter.equals("backfilled")) {
          backfilled.addAndGet(delta);
        }
      }

      @Override
      public void gauge(String name, long value) {
        gauges.put(name, value);
      }

      @Override
      public void state(String state) {}
    };
    try (SqliteBuffer buffer = SqliteBuffer.open(BufferOptions.defaults(dir.resolve("buffer.db")), specs, InstantSource.system())) {
      HeldSourceTimes held = new HeldSourceTimes() {
        @Override
        public Map<ChannelId, Long> newest(String instrument) {
          return buffer.newestSourceTimes(instrument);
        }

        @Override
        public Map<ChannelId, Long> backfilled(String instrument) {
          return buffer.historySourceTimes(instrument);
        }
      };
      DriverContext context = new DriverContext(InstantSource.system(), dir.resolve("state"), metrics, Ticker.system(), new SplittableRandom())
          .withHistory(held, buffer::appendHistory);
      Files.createDirectories(context.stateDir());
      try (PollingDriver driver = (PollingDriver) new OpcUaDriverFactory().open(plan, context)) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        // Connected first, outside the measured schedule (as OpcuaBench): with backfill on, this
        // first poll starts the backfill, and the measured ticks run alongside it.
        while (true) {
          try {
            buffer.append(driver.poll());
            break;
          } catch (Exception e) {
            if (System.nanoTime() > deadline) {
              throw e;
            }
            Thread.sleep(100);
          }
        }
        long[] late = new long[1 << 16];
        long[] took = new long[1 << 16];
        int n = 0;
        long start = System.nanoTime();
        long end = start + TimeUnit.SECONDS.toNanos(seconds);
        for (long k = 1; ; k++) {
          long due = start + TimeUnit.MILLISECONDS.toNanos(PERIOD_MS * k);
          long wait = due - System.nanoTime();
          if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
          }
          long begin = System.nanoTime();
          List<Sample> got = driver.poll();
          buffer.append(got);
          long done = System.nanoTime();
          if (n < late.length) {
            late[n] = (begin - due) / 1000;
            took[n] = (done - begin) / 1000;
            n++;
          }
          boolean finished = backfill ? gauges.getOrDefault("backfillPending", 1L) == 0 && backfilled.get() > 0 : done > end;
          if (finished) {
            break;
          }
        }
        return new Ticks(Arrays.copyOf(late, n), Arrays.copyOf(took, n), n);
      }
    }
  }

  private static ChannelSpec spec(String name) {
    return new ChannelSpec(new ChannelId("bench", name), "", "", ValueKind.GAUGE, Optional.empty(), Optional.empty(),
        Map.of("cloud", EnumSet.of(Route.RAW)));
  }

  private static DriverPlan plan(Path dir, String endpoint, boolean backfill) throws Exception {
    StringBuilder yaml = new StringBuilder("id: bench\ndriver: opcua\npoll: 1s\nconnection:\n  endpoint: " + endpoint + "\n");
    yaml.append("backfill: {enabled: ").append(backfill).append(", maxAge: 24h, valuesPerCall: 1000}\n");
    yaml.append("channels:\n");
    for (int i = 0; i < POLLED; i++) {
      yaml.append("  - {name: n").append(i).append(", node: \"ns=2;s=Plant/Many/").append(i).append("\"}\n");
    }
    for (int h = 0; h < HISTORY_NODES; h++) {
      yaml.append("  - {name: h").append(h).append(", node: \"ns=2;s=Plant/H").append(h).append("\"}\n");
    }
    return OpcuaBench.planned(dir, yaml);
  }

  static long pct(long[] v, int p) {
    if (v.length == 0) {
      return 0;
    }
    long[] s = v.clone();
    Arrays.sort(s);
    int i = (int) Math.min(s.length - 1, Math.max(0, Math.ceil(p / 100.0 * s.length) - 1));
    return s[i];
  }

  static String ms(long micros) {
    return String.format("%.1f ms", micros / 1000.0);
  }

  private static String awaitReady(Process p) throws Exception {
    BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    String line;
    while ((line = r.readLine()) != null) {
      if (line.startsWith("READY ")) {
        return line.substring(6).trim();
      }
    }
    throw new IllegalStateException("the server JVM exited before it was ready");
  }

  private static String javaBin() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }
}
