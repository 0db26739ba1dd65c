package io.ferry.uplink.grovestreams;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.buffer.RollupRecord;
import io.ferry.buffer.SampleRecord;
import io.ferry.config.InstrumentInfo;
import io.ferry.config.Problems;
import io.ferry.core.ChannelId;
import io.ferry.core.ChannelSpec;
import io.ferry.core.RollupSpec;
import io.ferry.core.Route;
import io.ferry.core.Sample;
import io.ferry.core.Stat;
import io.ferry.core.ValueKind;
import io.ferry.uplink.ChannelCatalog;
import io.ferry.uplink.JsonBody;
import io.ferry.uplink.UplinkTesting;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FeedBatchTest {
  static final ChannelId TEMP = ChannelId.of("boiler1", "temp");
  @TempDir Path dir;

  static final InstrumentInfo INST = new InstrumentInfo("boiler1", "simulated", "b.yaml", "", Duration.ofSeconds(1),
      Duration.ofSeconds(1), List.of("gs"), List.of(new ChannelSpec(TEMP, "degC", "Supply temperature", ValueKind.GAUGE,
          Optional.of(new RollupSpec(Duration.ofMinutes(1), List.of(Stat.AVG, Stat.MAX, Stat.COUNT), Duration.ZERO, false)),
          Optional.empty(), Map.of("gs", EnumSet.of(Route.RAW, Route.ROLLUP)))));
  static final ChannelCatalog CATALOG = ChannelCatalog.of(List.of(INST));

  GroveStreamsPlan plan(String extra) {
    Problems problems = new Problems();
    var plan = new GroveStreamsUplinkFactory().plan(UplinkTesting.section("gs", "grovestreams",
        "apiKey: ${env:K}\n" + extra, problems, Map.of("K", "key-12345")), UplinkTesting.agent(dir, "gw"), List.of(INST));
    assertThat(problems.all()).isEmpty();
    return (GroveStreamsPlan) plan.orElseThrow();
  }

  static RollupRecord rollup(long id, long startSeconds, double avg, double max, long count) {
    return new RollupRecord(id, TEMP, startSeconds * 1_000_000L, 60_000_000L, count, 0, 0, 0, max, avg * count, avg, avg, 0);
  }

  @Test
  void rollupsGoToIntervalStreamsPerStatisticWithTheirCycle() throws Exception {
    List<RollupRecord> rollups = List.of(rollup(1, 1_767_225_600L, 20.5, 22, 60), rollup(2, 1_767_225_660L, 21.0, 23, 60));
    FeedBatch b = FeedBatch.plan(plan("cycles: {1m: min}\nrollupCalendarId: standard\n"), CATALOG, List.of(), rollups, k -> k.endsWith("_avg"), null);
    assertThat(b.runs()).extracting(FeedBatch.StreamRun::stream).containsExactly("temp_avg", "temp_max", "temp_count");
    assertThat(b.covered()).hasSize(2);
    assertThat(JsonBody.toJson(b::write)).isEqualTo("{\"feed\":{\"component\":[{\"componentId\":\"boiler1\",\"defaults\":{\"name\":\"boiler1\"},"
        + "\"stream\":[{\"streamId\":\"temp_avg\",\"defaults\":{\"name\":\"temp avg per 1m\",\"description\":\"Supply temperature, avg per 1m\","
        + "\"streamType\":\"intvl_stream\",\"valueType\":\"DOUBLE\",\"unitId\":\"degC\",\"baseCycleId\":\"min\",\"rollupCalendarId\":\"standard\"},"
        + "\"time\":[1767225600000,1767225660000],\"data\":[20.5,21.0]},"
        + "{\"streamId\":\"temp_max\",\"time\":[1767225600000,1767225660000],\"data\":[22.0,23.0]},"
        + "{\"streamId\":\"temp_count\",\"time\":[1767225600000,1767225660000],\"data\":[60,60]}]}]}}");
  }

  @Test
  void wholeChannelsOnlyWithinTheStreamLimit() {
    List<SampleRecord> samples = List.of(new SampleRecord(1, Sample.of(TEMP, 1_000_000L, 1)));
    List<RollupRecord> rollups = List.of(rollup(1, 0, 1, 1, 1));
    FeedBatch b = FeedBatch.plan(plan("maxStreams: 3\n"), CATALOG, samples, rollups, k -> false, null);
    // 1 raw stream + 3 rollup streams > 3: the rollups wait for the next PUT, the raw sample goes.
    assertThat(b.truncated()).isTrue();
    assertThat(b.coveredSize()).isEqualTo(1);
    assertThat(b.covered()).containsExactly(samples.get(0));
    // Built once: the handler compares covered records by identity across calls.
    assertThat(b.covered()).isSameAs(b.covered());
    assertThat(b.runs()).extracting(FeedBatch.StreamRun::stream).containsExactly("temp");
  }

  @Test
  void nonFiniteSamplesAreLeftOutAndCounted() throws Exception {
    List<SampleRecord> samples = List.of(new SampleRecord(1, Sample.of(TEMP, 1_000_000L, 1)), new SampleRecord(2, Sample.of(TEMP, 2_000_000L, Double.NaN)),
        new SampleRecord(3, Sample.text(TEMP, 3_000_000L, "OFF", io.ferry.core.Quality.GOOD)));
    FeedBatch b = FeedBatch.plan(plan(""), CATALOG, samples, List.of(), k -> false, null);
    assertThat(JsonBody.toJson(b::write)).contains("\"time\":[1000,3000],\"data\":[1.0,\"OFF\"]");
    assertThat(b.dropped()).isEqualTo(1);
    assertThat(b.covered()).hasSize(3);
  }
}
