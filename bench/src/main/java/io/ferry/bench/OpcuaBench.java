package io.ferry.bench;

import io.ferry.config.ConfigContext;
import io.ferry.config.ConfigLoader;
import io.ferry.config.Problems;
import io.ferry.core.Sample;
import io.ferry.drivers.opcua.OpcUaDriverFactory;
import io.ferry.drivers.spi.Driver;
import io.ferry.drivers.spi.DriverContext;
import io.ferry.drivers.spi.DriverMetrics;
import io.ferry.drivers.spi.DriverPlan;
import io.ferry.drivers.spi.PollingDriver;
import io.ferry.drivers.spi.StreamingDriver;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code bench/run.sh opcua [SECONDS]}: CPU and memory of the OPC UA driver side.
 *
 * <p>The server runs in a child JVM ({@code TestOpcUaServerMain} from the drivers test-jar, changing every
 * value once per second), so this JVM holds only the drivers (run it with {@code -Xmx64m}, see
 * {@code bench/jvm/opcua.opts}). CPU is this process's total CPU time
 * ({@code ProcessHandle.current().info().totalCpuDuration()}: all threads, JIT and GC included)
 * over a measured window after a warm-up, scaled to CPU seconds per minute; memory is VmRSS and
 * VmHWM from {@code /proc/self/status} and the heap used after the window. Three phases in one
 * run: idle baseline (JVM with nothing to do), poll (1,000 nodes read every second, MaxNodesPerRead
 * 500: two Reads per tick), subscribe (10,000 monitored items, publishing and sampling 1 s).
 */
public final class OpcuaBench {
  /** In the drivers test-jar (runtime scope here): the bench never links against test code. */
  static final String SERVER_MAIN = "io.ferry.drivers.opcua.TestOpcUaServerMain";

  private OpcuaBench() {}

  record Figures(String phase, double cpuSecondsPerMinute, long samples, double seconds, long rssKb, long hwmKb, long heapUsedKb) {
    @Override
    public String toString() {
      return String.format("%-34s cpu %6.2f s/min  samples %,10d (%,.0f/s)  rss %,7d KiB  peak rss %,7d KiB  heap used %,7d KiB",
          phase, cpuSecondsPerMinute, samples, samples / seconds, rssKb, hwmKb, heapUsedKb);
    }
  }

  public static void main(String[] args) throws Exception {
    quietLogs();
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 60;
    int warmup = Math.max(5, seconds / 6);
    System.out.println("# driver JVM: " + ManagementFactory.getRuntimeMXBean().getInputArguments() + ", window " + seconds + " s after " + warmup + " s warm-up");
    Process serverJvm = new ProcessBuilder(javaBin(), "-Xmx768m", "-cp", System.getProperty("java.class.path"),
        SERVER_MAIN, "10000", "500").redirectError(ProcessBuilder.Redirect.DISCARD).start();
    try {
      String endpoint = awaitReady(serverJvm);
      Path dir = Files.createTempDirectory("ferry-opcua-bench");
      System.out.println(measureIdle(seconds));
      System.out.println(measurePoll(dir, endpoint, 1000, seconds, warmup));
      System.out.println(measureSubscribe(dir, endpoint, 10_000, seconds, warmup));
    } finally {
      serverJvm.getOutputStream().close();
      if (!serverJvm.waitFor(20, TimeUnit.SECONDS)) {
        serverJvm.destroyForcibly();
      }
    }
  }

  private static Figures measureIdle(int seconds) throws Exception {
    System.gc();
    long cpu0 = cpuNanos();
    long t0 = System.nanoTime();
    Thread.sleep(seconds * 1000L);
    return figures("idle baseline", cpu0, t0, 0);
  }

  private static Figures measurePoll(Path dir, String endpoint, int nodes, int seconds, int warmup) throws Exception {
    DriverPlan plan = plan(dir.resolve("poll"), endpoint, "poll", nodes);
    AtomicLong samples = new AtomicLong();
    try (Driver driver = new OpcUaDriverFactory().open(plan, new DriverContext(InstantSource.system(), dir.resolve("state-poll"), DriverMetrics.NOOP))) {
      PollingDriver poller = (PollingDriver) driver;
      // Connect first, outside the schedule: a slow first connection would otherwise make the
      // fixed-rate schedule run the missed ticks back to back inside the measured window.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
      while (true) {
        try {
          poller.poll();
          break;
        } catch (Exception e) {
          if (System.nanoTime() > deadline) {
            throw e;
          }
          Thread.sleep(500);
        }
      }
      ScheduledExecutorService tick = Executors.newSingleThreadScheduledExecutor();
      tick.scheduleAtFixedRate(() -> {
        long start = System.nanoTime();
        try {
          List<Sample> got = poller.poll();
          samples.addAndGet(got.size());
          if (Boolean.getBoolean("bench.trace")) {
            System.out.printf("poll %d samples in %d ms%n", got.size(), (System.nanoTime() - start) / 1_000_000);
          }
        } catch (Exception e) {
          System.out.println("poll failed: " + e);
        }
      }, 1, 1, TimeUnit.SECONDS);
      Thread.sleep(warmup * 1000L);
      samples.set(0);
      long cpu0 = cpuNanos();
      long t0 = System.nanoTime();
      Thread.sleep(seconds * 1000L);
      Figures f = figures("poll " + nodes + " nodes every 1 s", cpu0, t0, samples.get());
      tick.shutdownNow();
      return f;
    }
  }

  private static Figures measureSubscribe(Path dir, String endpoint, int nodes, int seconds, int warmup) throws Exception {
    DriverPlan plan = plan(dir.resolve("sub"), endpoint, "subscribe", nodes);
    AtomicLong samples = new AtomicLong();
    try (Driver driver = new OpcUaDriverFactory().open(plan, new DriverContext(InstantSource.system(), dir.resolve("state-sub"), DriverMetrics.NOOP))) {
      ((StreamingDriver) driver).start(batch -> {
        samples.addAndGet(batch.size());
        return CompletableFuture.completedFuture(null);
      });
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
      while (samples.get() < nodes && System.nanoTime() < deadline) {
        Thread.sleep(200);
      }
      Thread.sleep(warmup * 1000L);
      samples.set(0);
      long cpu0 = cpuNanos();
      long t0 = System.nanoTime();
      Thread.sleep(seconds * 1000L);
      return figures("subscribe " + nodes + " items, 1 s", cpu0, t0, samples.get());
    }
  }

  private static DriverPlan plan(Path dir, String endpoint, String mode, int nodes) throws Exception {
    StringBuilder yaml = new StringBuilder("id: bench\ndriver: opcua\nmode: " + mode + "\npoll: 1s\nconnection:\n  endpoint: " + endpoint + "\n");
    if (mode.equals("subscribe")) {
      yaml.append("subscription: {publishingInterval: 1s, samplingInterval: 1s, queueSize: 2}\n");
    }
    yaml.append("channels:\n");
    for (int i = 0; i < nodes; i++) {
      yaml.append("  - {name: n").append(i).append(", node: \"ns=2;s=Plant/Many/").append(i).append("\"}\n");
    }
    return planned(dir, yaml);
  }

  /** Plans {@code yaml} as the one OPC UA instrument of a fresh configuration in {@code dir}, as {@code ferry check} would. */
  static DriverPlan planned(Path dir, CharSequence yaml) throws Exception {
    Files.createDirectories(dir.resolve("instruments.d"));
    Files.writeString(dir.resolve("agent.yaml"), "gatewayId: bench\n");
    Files.writeString(dir.resolve("instruments.d/bench.yaml"), yaml);
    Problems problems = new Problems();
    ConfigContext ctx = ConfigContext.ofSystem(problems);
    var loaded = new ConfigLoader(ctx, Set.of("opcua"), Set.of()).load(dir);
    DriverPlan plan = new OpcUaDriverFactory().plan(loaded.instruments().get(0)).orElseThrow(() -> new IllegalStateException(problems.toString()));
    ctx.finish();
    if (!problems.isEmpty()) {
      throw new IllegalStateException(problems.toString());
    }
    return plan;
  }

  private static Figures figures(String phase, long cpu0, long t0, long samples) throws Exception {
    double secs = (System.nanoTime() - t0) / 1e9;
    double cpuSecs = (cpuNanos() - cpu0) / 1e9;
    Runtime rt = Runtime.getRuntime();
    return new Figures(phase, cpuSecs * 60 / secs, samples, secs, status("VmRSS:"), status("VmHWM:"), (rt.totalMemory() - rt.freeMemory()) / 1024);
  }

  private static long cpuNanos() {
    return ProcessHandle.current().info().totalCpuDuration().map(Duration::toNanos).orElseThrow();
  }

  private static long status(String key) throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith(key)) {
        return Long.parseLong(line.substring(key.length()).trim().split("\\s+")[0]);
      }
    }
    return -1;
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

  /** Logback's default is DEBUG to the console; Milo's frame logging would dominate the figures. */
  static void quietLogs() {
    if (org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME) instanceof ch.qos.logback.classic.Logger root) {
      root.setLevel(ch.qos.logback.classic.Level.WARN);
    }
    if (Boolean.getBoolean("bench.trace")) {
      ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("io.ferry")).setLevel(ch.qos.logback.classic.Level.DEBUG);
    }
  }
}
