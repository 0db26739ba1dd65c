package io.ferry.buffer;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.core.ChannelId;
import io.ferry.core.ChannelSpec;
import io.ferry.core.Quality;
import io.ferry.core.ReportSpec;
import io.ferry.core.RollupSpec;
import io.ferry.core.Route;
import io.ferry.core.Sample;
import io.ferry.core.Stat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Map;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Report by exception through the real buffer, for any sequence of values, qualities, poll
 * spacings and batch boundaries: what the filtered uplink receives is judged against the issue's
 * rules, independently of how {@code ReportFilter} is written, and the rollups and the unfiltered
 * uplink's raw samples equal those of a buffer without the filter fed the same batches.
 */
class ReportPropertyTest {
  static final ChannelId CH = ChannelId.of("tank", "level");
  static final Duration HEARTBEAT = Duration.ofSeconds(20);
  static final Duration GAP = Duration.ofMillis(2500);
  static final RollupSpec ROLLUP = new RollupSpec(Duration.ofSeconds(10), List.of(Stat.values()), Duration.ofSeconds(1), false);

  /** What a buffer handed out: the filtered uplink's and the archive's raw samples, the rollups. */
  record Seen(List<Sample> cloud, List<Sample> archive, List<List<Object>> rollups, BufferStats stats) {}

  @Property(tries = 60)
  void everySuppressedSampleIsWithinBandQualityAndHeartbeatOfTheLastReported(
      @ForAll @Size(min = 1, max = 300) List<@IntRange(min = 0, max = 99_999) Integer> steps,
      @ForAll @IntRange(min = 0, max = 3) int mode,
      @ForAll boolean keepEdges) throws IOException {
    ReportSpec spec = switch (mode) {
      case 0 -> new ReportSpec(0, 0, 0, HEARTBEAT, GAP, keepEdges); // on change
      case 1 -> new ReportSpec(0.5, 0, 0, HEARTBEAT, GAP, keepEdges);
      case 2 -> new ReportSpec(0, 1, 0, HEARTBEAT, GAP, keepEdges); // 1 % of the last reported value
      default -> new ReportSpec(0, 1, 200, HEARTBEAT, GAP, keepEdges); // 1 % of a 200 span
    };
    // Decode the steps: poll spacing (1-3 s, 3 s being a gap), value move, quality, batch end.
    List<List<Sample>> batches = new ArrayList<>();
    List<Sample> polled = new ArrayList<>();
    List<Sample> batch = new ArrayList<>();
    long t = 1_700_000_000_000_000L;
    double v = 50;
    for (int step : steps) {
      t += (step % 10 == 0 ? 3 : step % 10 < 3 ? 2 : 1) * 1_000_000L;
      int move = (step / 10) % 20;
      v += move < 16 ? (move - 8) * 0.1 : (move - 17.5) * 4;
      int q = (step / 200) % 25;
      Quality quality = q == 0 ? Quality.BAD : q == 1 ? Quality.UNCERTAIN : Quality.GOOD;
      Sample s = Sample.of(CH, t, v, quality);
      polled.add(s);
      batch.add(s);
      if ((step / 5_000) % 3 == 0) {
        batches.add(batch);
        batch = new ArrayList<>();
      }
    }
    if (!batch.isEmpty()) {
      batches.add(batch);
    }

    Seen filtered = run(Specs.reported(CH.toString(), spec, Optional.of(ROLLUP), List.of("cloud"), List.of("archive")), batches);
    Seen plain = run(Specs.rollup(CH.toString(), ROLLUP,
        Map.of("cloud", EnumSet.of(Route.RAW, Route.ROLLUP), "archive", EnumSet.of(Route.RAW))), batches);
    assertThat(plain.cloud()).as("without the filter").isEqualTo(polled);

    List<Sample> reported = filtered.cloud();
    assertThat(polled).containsAll(reported);
    assertThat(reported).isSortedAccordingTo((a, b) -> Long.compare(a.timeMicros(), b.timeMicros()));
    assertThat(reported).first().isEqualTo(polled.get(0));
    int r = 0; // index of the first reported sample after the one judged
    Sample last = null;
    Sample previous = null;
    for (Sample p : polled) {
      boolean isReported = r < reported.size() && reported.get(r).equals(p);
      if (isReported) {
        last = p;
        r++;
      } else {
        assertThat(Math.abs(p.value() - last.value())).as("%s within the band of %s", p, last)
            .isLessThanOrEqualTo(spec.band(last.value()));
        assertThat(p.timeMicros() - last.timeMicros()).as("%s less than a heartbeat after %s", p, last)
            .isLessThan(spec.heartbeatMicros());
        assertThat(p.quality()).as("quality of %s", p).isEqualTo(last.quality());
        assertThat(previous.quality()).as("quality change at %s", p).isEqualTo(p.quality());
        assertThat(p.timeMicros() - previous.timeMicros()).as("gap before %s", p).isLessThanOrEqualTo(spec.gapMicros());
      }
      previous = p;
    }
    assertThat(r).as("every reported sample was matched in order").isEqualTo(reported.size());

    assertThat(filtered.archive()).as("the unfiltered route gets every sample").isEqualTo(polled);
    assertThat(filtered.rollups()).as("rollups from every sample").isEqualTo(plain.rollups());
    if (polled.stream().anyMatch(p -> p.quality() != Quality.BAD)) {
      assertThat(filtered.rollups()).as("a usable sample makes a rollup").isNotEmpty();
    }
    assertThat(filtered.stats().reported()).containsEntry(CH.toString(),
        new BufferStats.Reported(polled.size(), polled.size() - reported.size()));
  }

  private static Seen run(ChannelSpec channel, List<List<Sample>> batches) throws IOException {
    Path dir = Files.createTempDirectory("ferry-report");
    MutableClock clock = new MutableClock(Instant.ofEpochSecond(1_700_000_000L));
    try (SqliteBuffer buffer = SqliteBuffer.open(RollupExactnessTest.fastOptions(dir.resolve("r.db")), List.of(channel), clock)) {
      for (List<Sample> b : batches) {
        clock.set(Instant.ofEpochSecond(0, b.get(b.size() - 1).timeMicros() * 1000));
        buffer.append(b).join();
      }
      clock.advance(Duration.ofHours(1));
      buffer.flush();
      Lease cloud = buffer.lease("cloud", LeaseRequest.of(100_000));
      Lease archive = buffer.lease("archive", LeaseRequest.of(100_000));
      List<List<Object>> rollups = cloud.rollups().stream()
          .map(x -> List.<Object>of(x.startMicros(), x.count(), x.first(), x.last(), x.min(), x.max(), x.sum(), x.twa()))
          .toList();
      return new Seen(samples(cloud), samples(archive), rollups, buffer.stats());
    } finally {
      try (var files = Files.list(dir)) {
        files.forEach(f -> f.toFile().delete());
      }
      Files.deleteIfExists(dir);
    }
  }

  private static List<Sample> samples(Lease lease) {
    return lease.samples().stream().map(SampleRecord::sample).toList();
  }
}
