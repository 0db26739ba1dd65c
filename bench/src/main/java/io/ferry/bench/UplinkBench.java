package io.ferry.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.ferry.buffer.Buffer;
import io.ferry.buffer.BufferOptions;
import io.ferry.buffer.SqliteBuffer;
import io.ferry.buffer.Synchronous;
import io.ferry.config.AgentConfig;
import io.ferry.config.BufferSettings;
import io.ferry.config.ConfigContext;
import io.ferry.config.Fields;
import io.ferry.config.InstrumentInfo;
import io.ferry.config.Problems;
import io.ferry.config.UplinkSection;
import io.ferry.config.YamlReader;
import io.ferry.core.ChannelId;
import io.ferry.core.ChannelSpec;
import io.ferry.core.Route;
import io.ferry.core.Sample;
import io.ferry.core.Sleeper;
import io.ferry.core.ValueKind;
import io.ferry.uplink.BatchHandler;
import io.ferry.uplink.Delivery;
import io.ferry.uplink.UplinkContext;
import io.ferry.uplink.UplinkFactory;
import io.ferry.uplink.UplinkPlan;
import io.ferry.uplink.UplinkRunner;
import io.ferry.uplink.UplinkService;
import io.ferry.uplink.atomscale.AtomscaleUplinkFactory;
import io.ferry.uplink.clarify.ClarifyUplinkFactory;
import io.ferry.uplink.grovestreams.GroveStreamsUplinkFactory;
import io.ferry.uplink.mqtt.MqttUplinkFactory;
import io.ferry.uplink.sparkplug.SparkplugUplinkFactory;
import io.ferry.uplink.tempodb.TempoDbUplinkFactory;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import okhttp3.OkHttpClient;

/**
 * bench/run.sh uplink [HOURS] [clarify]: a backlog of 100 channels x 1 Hz x HOURS (24 by default: 8,640,000
 * samples) in a real SQLite buffer, drained by (1) a baseline runner that only leases and acks,
 * (2) the GroveStreams uplink, (3) the Atomscale uplink and (4) the TempoDB uplink, each to a local
 * JDK HTTP server that only counts what it receives, (5) the MQTT uplink (JSON) and (6) the Sparkplug
 * uplink (Tahu protobuf DDATA) to an embedded HiveMQ CE broker in a child JVM. Rate limits are lifted for the bench (GroveStreams minInterval 0
 * instead of 10 s). Reports seconds, samples/s, request-body bytes per sample and peak heap.
 * With {@code clarify}: (1) and the Clarify uplink instead, at Clarify's real limit of 1 request/s
 * (real clock) with the largest frames (8 MiB; {@code -Dclarify.batch}, default 450,000 records per
 * lease, which needs a larger heap than the other rows: FERRY_BENCH_JVM=-Xmx1g).
 * {@code bench/run.sh uplink many}: 5,000 channels, see {@link UplinkManyBench}.
 */
public final class UplinkBench {
  static final int CHANNELS = 100;

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("many")) {
      UplinkManyBench.run(args);
      return;
    }
    double hours = args.length > 0 ? Double.parseDouble(args[0]) : 24;
    boolean clarifyOnly = args.length > 1 && args[1].equals("clarify");
    int seconds = (int) Math.round(hours * 3600);
    long total = (long) seconds * CHANNELS;
    Path dir = Files.createTempDirectory("ferry-uplink-bench");
    Counting server = new Counting();
    try {
      List<ChannelSpec> specs = new ArrayList<>();
      for (int c = 0; c < CHANNELS; c++) {
        Map<String, Set<Route>> routes = new LinkedHashMap<>();
        List<String> uplinks = new ArrayList<>(List.of("baseline"));
        uplinks.addAll(clarifyOnly ? List.of("cl") : ROWS);
        for (String u : uplinks) {
          routes.put(u, EnumSet.of(Route.RAW));
        }
        specs.add(new ChannelSpec(ChannelId.of("plant", "ch" + c), "degC", "", ValueKind.GAUGE, Optional.empty(), Optional.empty(), routes));
      }
      BufferOptions options = new BufferOptions(dir.resolve("buffer.db"), Synchronous.NORMAL, Duration.ofMillis(100), 50_000, 0,
          Duration.ZERO, Duration.ofMinutes(10));
      try (Buffer buffer = SqliteBuffer.open(options, specs, InstantSource.system())) {
        long t0 = System.nanoTime();
        fill(buffer, seconds);
        double fill = (System.nanoTime() - t0) / 1e9;
        System.out.printf("backlog: %,d samples (%d channels x 1 Hz x %.1f h) appended in %.1f s; database %,d bytes%n", total, CHANNELS,
            hours, fill, Files.size(dir.resolve("buffer.db")));
        System.out.println("| uplink | seconds | samples/s | process CPU s | request-body bytes/sample | HTTP calls | peak heap MiB | vs baseline |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        Row base = drain("baseline (lease+ack only)", buffer, total, server,
            ctx -> new UplinkRunner("baseline", "baseline", settingsFor(), (lease, ex) -> new Delivery.Acked(0), ctx));
        print(base, base);
        if (clarifyOnly) {
          ClarifyUplinkFactory cl = new ClarifyUplinkFactory();
          int batch = Integer.getInteger("clarify.batch", 450_000);
          UplinkPlan clPlan = plan(cl, "cl", "clarify", String.join("\n", "url: http://127.0.0.1:" + server.port(),
              "integration: c0123456789abcdefghi", "auth: basic", "password: ${env:BENCH_KEY}", "batchSize: " + batch,
              "timeout: 5m", ""), specs);
          print(drain("clarify (1 request/s, frames up to 8 MiB, lease " + batch + ")", buffer, total, server, ctx -> cl.open(clPlan, ctx)),
              base);
          return;
        }
        GroveStreamsUplinkFactory gs = new GroveStreamsUplinkFactory();
        UplinkPlan gsPlan = plan(gs, "gs", "grovestreams", String.join("\n",
            "url: http://127.0.0.1:" + server.port(), "apiKey: ${env:BENCH_KEY}", "minInterval: 0s", "batchSize: 50000", ""), specs);
        if (ROWS.contains("gs")) {
          print(drain("grovestreams (gzip)", buffer, total, server, ctx -> gs.open(gsPlan, ctx)), base);
        }
        AtomscaleUplinkFactory as = new AtomscaleUplinkFactory();
        UplinkPlan asPlan = plan(as, "as", "atomscale", String.join("\n",
            "url: http://127.0.0.1:" + server.port(), "apiKey: ${env:BENCH_KEY}", "pointsPerChunk: 240", "batchSize: 24000", ""), specs);
        // Only full chunks go out while running (the partial tail waits for `ferry atomscale finalize`).
        long full = (long) (seconds / 240) * 240 * CHANNELS;
        if (ROWS.contains("as")) {
          print(drain("atomscale (240 points/chunk)", buffer, full, server, ctx -> as.open(asPlan, ctx)), base);
        }
        TempoDbUplinkFactory tdb = new TempoDbUplinkFactory();
        UplinkPlan tdbPlan = plan(tdb, "tdb", "tempodb", String.join("\n",
            "url: http://127.0.0.1:" + server.port(), "key: ${env:BENCH_KEY}", "secret: ${env:BENCH_KEY}", "batchSize: 50000", ""), specs);
        if (ROWS.contains("tdb")) {
          print(drain("tempodb (writes, multi/)", buffer, total, server, ctx -> tdb.open(tdbPlan, ctx)), base);
        }
        if (!ROWS.contains("mq") && !ROWS.contains("sp")) {
          return;
        }
        try (BenchBroker broker = BenchBroker.start(dir.resolve("broker"))) {
          if (ROWS.contains("mq")) {
            MqttUplinkFactory mq = new MqttUplinkFactory();
            UplinkPlan mqPlan = plan(mq, "mq", "mqtt", String.join("\n",
                "url: tcp://127.0.0.1:" + broker.port(), "batchSize: 50000", ""), specs);
            print(drain("mqtt (QoS 1, one message per lease, broker in a child JVM)", buffer, total, server, ctx -> mq.open(mqPlan, ctx)),
                base);
          }
          if (ROWS.contains("sp")) {
            // The defaults of the sparkplug uplink but the lease size of the other rows: DDATA at QoS 0
            // with 1,000 metrics each, a lease acknowledged after one round trip to the broker.
            SparkplugUplinkFactory sp = new SparkplugUplinkFactory();
            UplinkPlan spPlan = plan(sp, "sp", "sparkplug", String.join("\n",
                "url: tcp://127.0.0.1:" + broker.port(), "group: bench", "batchSize: 50000", ""), specs);
            print(drain("sparkplug (DDATA QoS 0, 1,000 metrics per message, one round trip per lease)", buffer, total, server,
                ctx -> sp.open(spPlan, ctx)), base);
          }
        }
      }
    } finally {
      server.stop();
      try (var files = Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /**
   * The rows after the baseline, in this order (-Duplink.rows=gs,as for the three rows of earlier
   * commits): the backlog is routed to each, and an uplink followed by others clears its bit on a
   * row instead of deleting it, so the row set changes what each row costs.
   */
  static final List<String> ROWS = List.of(System.getProperty("uplink.rows", "gs,as,tdb,mq,sp").split(","));

  static io.ferry.uplink.RunnerSettings settingsFor() {
    Problems p = new Problems();
    Fields f = ConfigContext.of(p, Map.of()).fields(YamlReader.read("bench.yaml", "batchSize: 50000\nminInterval: 0s\n", p).orElseThrow(), "")
        .orElseThrow();
    return io.ferry.uplink.RunnerSettings.read(f, 50_000, Duration.ZERO, Duration.ofSeconds(1));
  }

  static void fill(Buffer buffer, int seconds) {
    long start = 1_767_225_600_000_000L; // 2026-01-01T00:00:00Z
    List<ChannelId> ids = new ArrayList<>();
    for (int c = 0; c < CHANNELS; c++) {
      ids.add(ChannelId.of("plant", "ch" + c));
    }
    CompletableFuture<Void> last = CompletableFuture.completedFuture(null);
    List<CompletableFuture<Void>> inFlight = new ArrayList<>();
    for (int s = 0; s < seconds; s += 100) {
      List<Sample> batch = new ArrayList<>(100 * CHANNELS);
      for (int t = s; t < Math.min(seconds, s + 100); t++) {
        for (int c = 0; c < CHANNELS; c++) {
          batch.add(Sample.of(ids.get(c), start + t * 1_000_000L, 20 + c + Math.sin(t / 60.0)));
        }
      }
      inFlight.add(buffer.append(batch));
      if (inFlight.size() >= 8) {
        inFlight.remove(0).join();
      }
    }
    inFlight.forEach(CompletableFuture::join);
    last.join();
    buffer.flush();
  }

  static UplinkPlan plan(UplinkFactory factory, String name, String type, String yaml, List<ChannelSpec> specs) {
    Problems p = new Problems();
    ConfigContext ctx = ConfigContext.of(p, Map.of("BENCH_KEY", "bench-key"));
    Fields f = ctx.fields(YamlReader.read("agent.yaml", yaml, p).orElseThrow(), "uplinks." + name).orElseThrow();
    Fields agentFields = ctx.fields(YamlReader.read("agent.yaml", "{}", p).orElseThrow(), "").orElseThrow();
    AgentConfig agent = new AgentConfig("bench", Path.of("/tmp"), new BufferSettings(Path.of("/tmp/b.db"), "normal", Duration.ofMillis(100),
        10_000, 0, Duration.ZERO, Duration.ofMinutes(1)), Map.of(), Optional.empty(), Optional.empty(), agentFields);
    InstrumentInfo inst = new InstrumentInfo("plant", "simulated", "plant.yaml", "Plant", Duration.ofSeconds(1), Duration.ofSeconds(1),
        List.of(name), specs);
    UplinkPlan plan = factory.plan(new UplinkSection(name, type, f), agent, List.of(inst)).orElseThrow(() -> new IllegalStateException(p.toString()));
    if (!p.isEmpty()) {
      throw new IllegalStateException(p.toString());
    }
    return plan;
  }

  record Row(String name, double seconds, double cpuSeconds, long samples, long bytes, long calls, double peakMiB) {}

  interface Opener {
    UplinkService open(UplinkContext ctx);
  }

  static Row drain(String name, Buffer buffer, long total, Counting server, Opener opener) throws InterruptedException {
    System.gc();
    resetPeaks();
    server.reset();
    UplinkContext ctx = new UplinkContext(buffer, InstantSource.system(), new OkHttpClient(), Sleeper.system(), new SplittableRandom(1));
    long cpu0 = processCpuNanos();
    long t0 = System.nanoTime();
    try (UplinkService s = opener.open(ctx)) {
      s.start();
      while (s.status().samplesDelivered() < total) {
        Thread.sleep(20);
        if (System.nanoTime() - t0 > 600e9) {
          throw new IllegalStateException(name + " did not drain in 10 minutes: " + s.status());
        }
      }
      double secs = (System.nanoTime() - t0) / 1e9;
      double cpu = (processCpuNanos() - cpu0) / 1e9;
      // MQTT and Sparkplug do not go through the HTTP server: their status counts the payload bytes and
      // the leases sent (one per lease, however many messages it took).
      boolean http = server.calls.get() > 0;
      return new Row(name, secs, cpu, s.status().samplesDelivered(), http ? server.bytes.get() : s.status().bytesSent(),
          http ? server.calls.get() : s.status().calls(), peakHeapMiB());
    }
  }

  static void print(Row r, Row base) {
    System.out.printf("| %s | %.1f | %,.0f | %.1f | %.2f | %,d | %.1f | %.2fx |%n", r.name(), r.seconds(), r.samples() / r.seconds(),
        r.cpuSeconds(), r.bytes() / (double) r.samples(), r.calls(), r.peakMiB(), r.seconds() / base.seconds());
  }

  /** CPU time of the whole JVM (runner, buffer writer, counting server, GC): less noisy than seconds on a shared machine. */
  static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  static void resetPeaks() {
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP) {
        p.resetPeakUsage();
      }
    }
  }

  static double peakHeapMiB() {
    long sum = 0;
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP) {
        sum += p.getPeakUsage().getUsed();
      }
    }
    return sum / 1048576.0;
  }

  /** Counts request bodies (as sent: gzip stays compressed) and answers like the API would. */
  static final class Counting {
    final AtomicLong bytes = new AtomicLong();
    final AtomicLong calls = new AtomicLong();
    private final HttpServer server;
    private final byte[] chunkAnswer;

    Counting() throws IOException {
      // TCP_NODELAY on the server's sockets, as API front ends set it: without it the JDK server's
      // answer (headers, then body) waits for the client's delayed ACK, ~40 ms per call, which
      // measured the loopback's Nagle stall instead of the uplink. Read before the server starts.
      System.setProperty("sun.net.httpserver.nodelay", "true");
      StringBuilder sb = new StringBuilder("[");
      for (int c = 0; c < CHANNELS; c++) {
        sb.append(c == 0 ? "" : ",").append("{\"channel_name\":\"ch").append(c).append("\"}");
      }
      chunkAnswer = sb.append(']').toString().getBytes(StandardCharsets.UTF_8);
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
      server.setExecutor(Executors.newFixedThreadPool(2));
      server.createContext("/", this::handle);
      server.start();
    }

    int port() {
      return server.getAddress().getPort();
    }

    void reset() {
      bytes.set(0);
      calls.set(0);
    }

    void stop() {
      server.stop(0);
      ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }

    private void handle(HttpExchange ex) throws IOException {
      long n = 0;
      byte[] buf = new byte[64 * 1024];
      try (InputStream in = ex.getRequestBody()) {
        int r;
        while ((r = in.read(buf)) != -1) {
          n += r;
        }
      }
      bytes.addAndGet(n);
      calls.incrementAndGet();
      String path = ex.getRequestURI().getPath();
      byte[] answer = path.endsWith("/initialize") ? "{\"data_id\":\"bench-stream\"}".getBytes(StandardCharsets.UTF_8)
          : path.endsWith("/chunk/multi") ? chunkAnswer
          : path.endsWith("/v1/rpc") ? "{\"jsonrpc\":\"2.0\",\"id\":\"1\",\"result\":{\"signalsByInput\":{}}}".getBytes(StandardCharsets.UTF_8)
          : "{\"success\":true,\"message\":\"\"}".getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().add("Content-Type", "application/json");
      ex.sendResponseHeaders(200, answer.length);
      ex.getResponseBody().write(answer);
      ex.close();
    }
  }
}
