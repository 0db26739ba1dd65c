package io.ferry.bench;

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
import io.ferry.core.ValueKind;
import io.ferry.uplink.ChannelCatalog;
import io.ferry.uplink.Delivery;
import io.ferry.core.Sleeper;
import io.ferry.uplink.UplinkContext;
import io.ferry.uplink.UplinkPlan;
import io.ferry.uplink.UplinkRunner;
import io.ferry.uplink.UplinkService;
import io.ferry.uplink.grovestreams.GroveStreamsUplinkFactory;
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
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;

/**
 * bench/run.sh uplink many [BACKLOG_SECONDS] [STEADY_SECONDS]: a gateway of 50 instruments x 100
 * channels (5,000 channels) at 1 Hz against a local GroveStreams stand-in.
 *
 * <ol>
 *   <li><b>backlog</b>: BACKLOG_SECONDS (3,600 by default: 18 M samples) queued, then drained by
 *       (a) a lease+ack-only runner (baseline, append-order leases of 50,000) and (b) the real
 *       GroveStreams uplink with its defaults (2,000 streams, bodyCap 16 MiB) and minInterval 0.
 *       Reports samples per PUT and seconds per PUT as measured, and the catch-up time they imply
 *       at the real limit of one PUT per 10 s while 5,000 samples/s keep arriving (calculated,
 *       not waited for): backlog / (samples per PUT - 50,000) x 10 s.
 *   <li><b>steady</b>: 5,000 samples appended every wall-clock second for STEADY_SECONDS (180 by
 *       default), GroveStreams at its real minInterval of 10 s: the backlog sampled every second
 *       (max and last) must stay bounded by about one round of PUTs.
 * </ol>
 */
final class UplinkManyBench {
  static final int INSTRUMENTS = 50;
  static final int PER_INSTRUMENT = 100;
  static final int CHANNELS = INSTRUMENTS * PER_INSTRUMENT;

  private UplinkManyBench() {}

  static void run(String[] args) throws Exception {
    int backlogSeconds = args.length > 1 ? Integer.parseInt(args[1]) : 3600;
    int steadySeconds = args.length > 2 ? Integer.parseInt(args[2]) : 180;
    List<ChannelId> ids = new ArrayList<>();
    List<InstrumentInfo> instruments = new ArrayList<>();
    List<ChannelSpec> specs = new ArrayList<>();
    for (int i = 0; i < INSTRUMENTS; i++) {
      List<ChannelSpec> own = new ArrayList<>();
      for (int c = 0; c < PER_INSTRUMENT; c++) {
        Map<String, Set<Route>> routes = new LinkedHashMap<>();
        for (String u : List.of("baseline", "gs")) {
          routes.put(u, EnumSet.of(Route.RAW));
        }
        ChannelSpec spec =
            new ChannelSpec(ChannelId.of("inst" + i, "ch" + c), "degC", "", ValueKind.GAUGE, Optional.empty(), Optional.empty(), routes);
        own.add(spec);
        ids.add(spec.id());
      }
      specs.addAll(own);
      instruments.add(new InstrumentInfo("inst" + i, "simulated", "inst" + i + ".yaml", "Instrument " + i, Duration.ofSeconds(1),
          Duration.ofSeconds(1), List.of("baseline", "gs"), own));
    }
    UplinkBench.Counting server = new UplinkBench.Counting();
    Path dir = Files.createTempDirectory("ferry-uplink-many");
    try {
      backlog(dir.resolve("backlog.db"), ids, specs, instruments, backlogSeconds, server);
      steady(dir.resolve("steady.db"), ids, specs, instruments, steadySeconds, server);
    } finally {
      server.stop();
      try (var files = Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  static BufferOptions options(Path file) {
    return new BufferOptions(file, Synchronous.NORMAL, Duration.ofMillis(100), 50_000, 0, Duration.ZERO, Duration.ofMinutes(10));
  }

  static void backlog(Path file, List<ChannelId> ids, List<ChannelSpec> specs, List<InstrumentInfo> instruments, int seconds,
      UplinkBench.Counting server) throws Exception {
    long total = (long) seconds * CHANNELS;
    try (Buffer buffer = SqliteBuffer.open(options(file), specs, InstantSource.system())) {
      long t0 = System.nanoTime();
      long start = 1_767_225_600_000_000L; // 2026-01-01T00:00:00Z
      List<CompletableFuture<Void>> inFlight = new ArrayList<>();
      for (int s = 0; s < seconds; s += 10) {
        List<Sample> batch = new ArrayList<>(10 * CHANNELS);
        for (int t = s; t < Math.min(seconds, s + 10); t++) {
          for (int c = 0; c < CHANNELS; c++) {
            batch.add(Sample.of(ids.get(c), start + t * 1_000_000L, 20 + (c % 100) + Math.sin(t / 60.0)));
          }
        }
        inFlight.add(buffer.append(batch));
        if (inFlight.size() >= 4) {
          inFlight.remove(0).join();
        }
      }
      inFlight.forEach(CompletableFuture::join);
      buffer.flush();
      long bytes = Files.size(file);
      System.out.printf("backlog: %,d samples (%,d channels x 1 Hz x %,d s) appended in %.1f s; database %,d bytes (%.1f bytes/sample)%n",
          total, CHANNELS, seconds, (System.nanoTime() - t0) / 1e9, bytes, bytes / (double) total);
      System.out.println("| uplink | seconds | samples/s | PUTs | samples/PUT | s/PUT (lease+encode+send+ack) | body bytes/sample | peak heap MiB | vs baseline |");
      System.out.println("|---|---|---|---|---|---|---|---|---|");
      UplinkBench.Row base = UplinkBench.drain("baseline (lease 50,000 + ack)", buffer, total, server,
          ctx -> new UplinkRunner("baseline", "baseline", UplinkBench.settingsFor(), (lease, ex) -> new Delivery.Acked(0), ctx));
      printRow(base, base, total);
      GroveStreamsUplinkFactory gs = new GroveStreamsUplinkFactory();
      UplinkPlan plan = plan(gs, "url: http://127.0.0.1:" + server.port() + "\napiKey: ${env:BENCH_KEY}\nminInterval: 0s\n", instruments);
      UplinkBench.Row row = UplinkBench.drain("grovestreams (defaults, minInterval 0)", buffer, total, server, ctx -> gs.open(plan, ctx));
      printRow(row, base, total);
      double perPut = row.samples() / (double) row.calls();
      double net = perPut - 10.0 * CHANNELS;
      long hour = 3600L * CHANNELS;
      System.out.printf(
          "implied at the real limit (1 PUT / 10 s, %,d samples/s arriving): %,.0f samples per PUT, net %,.0f per 10 s:"
              + " a one-hour backlog (%,d samples) drains in %s; steady state needs %,d samples per PUT%n",
          CHANNELS, perPut, net, hour, net > 0 ? String.format("%.0f s (%.1f min)", hour / net * 10, hour / net * 10 / 60) : "never",
          10 * CHANNELS);
    }
  }

  static void printRow(UplinkBench.Row r, UplinkBench.Row base, long total) {
    System.out.printf("| %s | %.1f | %,.0f | %,d | %,.0f | %.2f | %.2f | %.1f | %.2fx |%n", r.name(), r.seconds(), r.samples() / r.seconds(),
        r.calls(), r.calls() == 0 ? 0.0 : r.samples() / (double) r.calls(), r.calls() == 0 ? 0.0 : r.seconds() / r.calls(),
        r.bytes() / (double) r.samples(), r.peakMiB(), r.seconds() / base.seconds());
  }

  static void steady(Path file, List<ChannelId> ids, List<ChannelSpec> specs, List<InstrumentInfo> instruments, int seconds,
      UplinkBench.Counting server) throws Exception {
    List<ChannelSpec> gsOnly = specs.stream()
        .map(s -> new ChannelSpec(s.id(), s.unit(), s.description(), s.kind(), s.rollup(), s.counter(), Map.of("gs", EnumSet.of(Route.RAW))))
        .toList();
    server.reset();
    try (Buffer buffer = SqliteBuffer.open(options(file), gsOnly, InstantSource.system())) {
      GroveStreamsUplinkFactory gs = new GroveStreamsUplinkFactory();
      UplinkPlan plan = plan(gs, "url: http://127.0.0.1:" + server.port() + "\napiKey: ${env:BENCH_KEY}\nminInterval: 10s\n", instruments);
      UplinkContext ctx = new UplinkContext(buffer, InstantSource.system(), new OkHttpClient(), Sleeper.system(), new SplittableRandom(1))
          .withCatalog(ChannelCatalog.of(instruments));
      ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor();
      long[] appended = {0};
      long maxBacklog = 0;
      long lastBacklog = 0;
      try (UplinkService s = gs.open(plan, ctx)) {
        s.start();
        poller.scheduleAtFixedRate(() -> {
          long now = System.currentTimeMillis() * 1000;
          List<Sample> round = new ArrayList<>(CHANNELS);
          for (int c = 0; c < CHANNELS; c++) {
            round.add(Sample.of(ids.get(c), now, c + Math.sin(now / 6e7)));
          }
          buffer.append(round).join();
          appended[0] += CHANNELS;
        }, 0, 1, TimeUnit.SECONDS);
        for (int t = 0; t < seconds; t++) {
          Thread.sleep(1000);
          lastBacklog = buffer.stats().uplinks().get("gs").samples();
          if (t >= 20) { // after the first PUTs: the start-up backlog is not the steady state
            maxBacklog = Math.max(maxBacklog, lastBacklog);
          }
        }
        poller.shutdownNow();
        System.out.printf(
            "steady: %,d channels at 1 Hz for %d s, grovestreams minInterval 10s: %,d appended, %,d delivered in %,d PUTs"
                + " (%,.0f samples/PUT); backlog max %,d (after the first 20 s), last %,d (%.1f s of ingest)%n",
            CHANNELS, seconds, appended[0], s.status().samplesDelivered(), server.calls.get(),
            s.status().samplesDelivered() / (double) Math.max(1, server.calls.get()), maxBacklog, lastBacklog,
            lastBacklog / (double) CHANNELS);
      } finally {
        poller.shutdownNow();
      }
    }
  }

  static UplinkPlan plan(GroveStreamsUplinkFactory factory, String yaml, List<InstrumentInfo> instruments) {
    Problems p = new Problems();
    ConfigContext ctx = ConfigContext.of(p, Map.of("BENCH_KEY", "bench-key"));
    Fields f = ctx.fields(YamlReader.read("agent.yaml", yaml, p).orElseThrow(), "uplinks.gs").orElseThrow();
    Fields agentFields = ctx.fields(YamlReader.read("agent.yaml", "{}", p).orElseThrow(), "").orElseThrow();
    AgentConfig agent = new AgentConfig("bench", Path.of("/tmp"), new BufferSettings(Path.of("/tmp/b.db"), "normal", Duration.ofMillis(100),
        10_000, 0, Duration.ZERO, Duration.ofMinutes(1)), Map.of(), Optional.empty(), Optional.empty(), agentFields);
    UplinkPlan plan = factory.plan(new UplinkSection("gs", "grovestreams", f), agent, instruments)
        .orElseThrow(() -> new IllegalStateException(p.toString()));
    if (!p.isEmpty()) {
      throw new IllegalStateException(p.toString());
    }
    return plan;
  }
}
