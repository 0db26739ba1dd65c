package io.ferry.bench;

import io.ferry.buffer.BufferOptions;
import io.ferry.buffer.BufferStats;
import io.ferry.buffer.Lease;
import io.ferry.buffer.LeaseRequest;
import io.ferry.buffer.SqliteBuffer;
import io.ferry.buffer.Synchronous;
import io.ferry.core.ChannelId;
import io.ferry.core.ChannelSpec;
import io.ferry.core.ReportFilter;
import io.ferry.core.ReportSpec;
import io.ferry.core.Route;
import io.ferry.core.Sample;
import io.ferry.core.ValueKind;
import io.ferry.uplink.grovestreams.GroveStreamsPlan;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

/**
 * Volume of report by exception on a realistic signal: {@code CHANNELS} channels polled at 1 Hz
 * for {@code HOURS} simulated hours, each a slow drift (a sine of 2-10 % of its level over 30 min
 * to 4 h) plus Gaussian noise of 0.1 % of its level, filtered with {@code deadbandPercent: 1}
 * (of the last reported value) and {@code heartbeat: 5m}, through the real SQLite buffer.
 *
 * <p>Four uplinks lease from the same buffer: a GroveStreams-like and a Clarify-like one taking
 * the filtered raw samples, and the same two with {@code raw-all} (every sample, the "without"
 * case). Requests are counted two ways: paced as the engine sends (one request per
 * {@code minInterval} whenever anything waits: 10 s for GroveStreams, 1 s for Clarify, capped by
 * their batch sizes), and as full batches (samples / batch size: what a catch-up after an outage,
 * or a longer minInterval, costs). Time is simulated (an injected clock), so the figures do not
 * depend on the machine.
 *
 * <p>Usage: {@code bench/run.sh report [HOURS] [CHANNELS]} (defaults 1 and 100).
 */
public final class ReportBench {
  static final long T0 = 1_800_000_000L; // seconds since the epoch
  static final Duration HEARTBEAT = Duration.ofMinutes(5);
  static final ReportSpec SPEC = new ReportSpec(0, 1, 0, HEARTBEAT, Duration.ofMillis(1500), false);
  static final int GS_INTERVAL = 10;
  static final int CLARIFY_INTERVAL = 1;
  static final int CLARIFY_BATCH = 100_000; // the Clarify uplink's default batchSize
  static final List<String> UPLINKS = List.of("gs", "gs-all", "clarify", "clarify-all");

  /** One channel's signal: level, drift amplitude (fraction), period (s), phase, noise (fraction). */
  record Signal(double level, double amplitude, double period, double phase) {
    double at(long t, Random noise) {
      return level * (1 + amplitude * Math.sin(2 * Math.PI * t / period + phase)) + level * 0.001 * noise.nextGaussian();
    }
  }

  public static void main(String[] args) throws Exception {
    double hours = args.length > 0 ? Double.parseDouble(args[0]) : 1;
    int channels = args.length > 1 ? Integer.parseInt(args[1]) : 100;
    long seconds = Math.round(hours * 3600);
    Random rnd = new Random(26);
    List<ChannelId> ids = new ArrayList<>();
    List<Signal> signals = new ArrayList<>();
    List<ChannelSpec> specs = new ArrayList<>();
    for (int c = 0; c < channels; c++) {
      ChannelId id = ChannelId.of("plant" + c / 10, "ch" + c % 10);
      ids.add(id);
      signals.add(new Signal(20 + 180 * rnd.nextDouble(), 0.02 + 0.08 * rnd.nextDouble(), 1800 + 12_600 * rnd.nextDouble(),
          2 * Math.PI * rnd.nextDouble()));
      Map<String, Set<Route>> routes = new LinkedHashMap<>();
      UPLINKS.forEach(u -> routes.put(u, EnumSet.of(Route.RAW)));
      specs.add(new ChannelSpec(id, "", "", ValueKind.GAUGE, Optional.empty(), Optional.empty(), routes, Optional.of(SPEC),
          Set.of("gs-all", "clarify-all")));
    }
    long gsBatch = Math.min(500_000, (GroveStreamsPlan.defaultBodyCap(Runtime.getRuntime().maxMemory()) - 512L * channels) / 40);

    Path dir = Files.createTempDirectory("ferry-report-bench");
    Path file = dir.resolve("report.db");
    Instant[] now = {Instant.ofEpochSecond(T0)};
    InstantSource clock = () -> now[0];
    Map<String, long[]> seen = new LinkedHashMap<>(); // uplink -> {samples, paced requests}
    UPLINKS.forEach(u -> seen.put(u, new long[2]));
    // The pure filter beside the buffer: reasons, and a cross-check of the buffer's count.
    Map<ReportFilter.Reason, Long> reasons = new EnumMap<>(ReportFilter.Reason.class);
    ReportFilter.State[] states = new ReportFilter.State[channels];
    Random noise = new Random(1);
    long started = System.nanoTime();
    BufferStats stats;
    try (SqliteBuffer buffer = SqliteBuffer.open(
        new BufferOptions(file, Synchronous.NORMAL, Duration.ofMillis(1), 100_000, 0, Duration.ZERO, Duration.ofMinutes(5)),
        specs, clock)) {
      for (long t = 0; t < seconds; t++) {
        now[0] = Instant.ofEpochSecond(T0 + t);
        List<Sample> batch = new ArrayList<>(channels);
        for (int c = 0; c < channels; c++) {
          Sample s = Sample.of(ids.get(c), (T0 + t) * 1_000_000L, signals.get(c).at(T0 + t, noise));
          batch.add(s);
          ReportFilter.Decision d = ReportFilter.decide(SPEC, states[c], s);
          if (d instanceof ReportFilter.Decision.Report r) {
            reasons.merge(r.reason(), 1L, Long::sum);
          }
          states[c] = d.next();
        }
        buffer.append(batch).join();
        if ((t + 1) % GS_INTERVAL == 0) {
          send(buffer, "gs", gsBatch, seen);
          send(buffer, "gs-all", gsBatch, seen);
        }
        if ((t + 1) % CLARIFY_INTERVAL == 0) {
          send(buffer, "clarify", CLARIFY_BATCH, seen);
          send(buffer, "clarify-all", CLARIFY_BATCH, seen);
        }
      }
      stats = buffer.stats();
    } finally {
      try (var files = Files.list(dir)) {
        files.forEach(f -> f.toFile().delete());
      }
      Files.deleteIfExists(dir);
    }
    double wall = (System.nanoTime() - started) / 1e9;

    long polled = stats.reported().values().stream().mapToLong(BufferStats.Reported::polled).sum();
    long suppressed = stats.reported().values().stream().mapToLong(BufferStats.Reported::suppressed).sum();
    long reportedPure = reasons.values().stream().mapToLong(Long::longValue).sum();
    double perHour = 3600.0 / seconds;
    System.out.printf("# %d channels at 1 Hz for %.2f h (simulated clock, %.1f s wall): slow drift (2-10 %% over 30 min-4 h)"
        + " + 0.1 %% noise; deadbandPercent: 1 (of the last reported value), heartbeat: 5m%n", channels, hours, wall);
    System.out.printf("# buffer counted %,d polled, %,d suppressed; the pure filter beside it reported %,d (%s)%n",
        polled, suppressed, reportedPure, reasons);
    System.out.printf("# GroveStreams: minInterval 10 s, %,d samples per PUT at most (min(batchSize 500,000, (bodyCap %,d - 512 x %d streams) / 40));"
        + " Clarify: minInterval 1 s, batchSize %,d%n", gsBatch,
        GroveStreamsPlan.defaultBodyCap(Runtime.getRuntime().maxMemory()), channels, CLARIFY_BATCH);
    System.out.println("| raw samples | delivered per hour | per channel per hour | GroveStreams PUTs/h paced (10 s) | GroveStreams PUTs/h in full batches"
        + " | Clarify inserts/h paced (1 s) | Clarify inserts/h in full batches |");
    System.out.println("|---|---|---|---|---|---|---|");
    row("without filter (raw-all)", seen.get("gs-all"), seen.get("clarify-all"), gsBatch, channels, perHour);
    row("with filter", seen.get("gs"), seen.get("clarify"), gsBatch, channels, perHour);
    System.out.printf("ratio without / with: %.1fx fewer raw samples delivered%n",
        (double) seen.get("gs-all")[0] / seen.get("gs")[0]);
    if (seen.get("gs")[0] != polled - suppressed || seen.get("gs-all")[0] != polled || reportedPure != polled - suppressed) {
      System.out.println("MISMATCH: delivered counts differ from the buffer's or the pure filter's");
      System.exit(1);
    }
  }

  private static void send(SqliteBuffer buffer, String uplink, long batch, Map<String, long[]> seen) {
    Lease lease = buffer.lease(uplink, LeaseRequest.of((int) Math.min(Integer.MAX_VALUE, batch)));
    if (lease.isEmpty()) {
      lease.release();
      return;
    }
    seen.get(uplink)[0] += lease.samples().size();
    seen.get(uplink)[1]++;
    lease.ack();
  }

  private static void row(String name, long[] gs, long[] clarify, long gsBatch, int channels, double perHour) {
    System.out.printf("| %s | %,.0f | %,.1f | %,.0f | %,.1f | %,.0f | %,.1f |%n", name, gs[0] * perHour, gs[0] * perHour / channels,
        gs[1] * perHour, Math.ceil(gs[0] / (double) gsBatch) * perHour, clarify[1] * perHour,
        Math.ceil(clarify[0] / (double) CLARIFY_BATCH) * perHour);
  }
}
