package io.ferry.uplink.atomscale;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.buffer.SampleRecord;
import io.ferry.core.ChannelId;
import io.ferry.core.Sample;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ChunkCutterTest {
  static List<SampleRecord> channel(String ch, long firstId, double... values) {
    List<SampleRecord> out = new ArrayList<>();
    for (int i = 0; i < values.length; i++) {
      out.add(new SampleRecord(firstId + i, Sample.of(ChannelId.of("dep", ch), 1_000_000L * (i + 1), values[i])));
    }
    return out;
  }

  @Test
  void cutsExactlyNPointsPerChannelAndWaitsForTheSlowestChannel() {
    List<SampleRecord> all = new ArrayList<>();
    all.addAll(channel("a", 1, 1, 2, 3, 4, 5));
    all.addAll(channel("b", 100, 10, 20, 30));
    ChunkCutter c = new ChunkCutter(all, List.of("a", "b"), 2);
    ChunkCutter.Chunk first = c.next(false).orElseThrow();
    assertThat(first.full()).isTrue();
    assertThat(first.points().get("a")).extracting(r -> r.sample().value()).containsExactly(1.0, 2.0);
    assertThat(first.points().get("b")).extracting(r -> r.sample().value()).containsExactly(10.0, 20.0);
    assertThat(c.next(false)).isEmpty(); // b has one point left: not a full chunk
  }

  @Test
  void nonFiniteValuesAreNeverSentButCoveredAndCounted() {
    List<SampleRecord> all = new ArrayList<>();
    all.addAll(channel("a", 1, 1, Double.NaN, 2, Double.POSITIVE_INFINITY, 3));
    all.addAll(channel("b", 100, 10, 20));
    ChunkCutter.Chunk chunk = new ChunkCutter(all, List.of("a", "b"), 2).next(false).orElseThrow();
    assertThat(chunk.points().get("a")).extracting(r -> r.sample().value()).containsExactly(1.0, 2.0);
    assertThat(chunk.dropped()).isEqualTo(1);
    assertThat(chunk.covered()).hasSize(5); // 1, NaN, 2 of a; 10, 20 of b
  }

  @Test
  void finalChunkTakesWhatRemainsAtMostNPerChannel() {
    List<SampleRecord> all = new ArrayList<>();
    all.addAll(channel("a", 1, 1, 2, 3));
    all.addAll(channel("b", 100, 10));
    ChunkCutter c = new ChunkCutter(all, List.of("a", "b"), 2);
    assertThat(c.next(false)).isEmpty();
    ChunkCutter.Chunk last = c.next(true).orElseThrow();
    assertThat(last.full()).isFalse();
    assertThat(last.points().get("a")).hasSize(2);
    assertThat(last.points().get("b")).hasSize(1);
    Optional<ChunkCutter.Chunk> rest = c.next(true);
    assertThat(rest.orElseThrow().points().get("a")).extracting(r -> r.sample().value()).containsExactly(3.0);
    assertThat(c.next(true)).isEmpty();
  }

  @Test
  void sameRecordsGiveTheSameSignature() {
    List<SampleRecord> all = channel("a", 7, 1, 2);
    String s1 = new ChunkCutter(all, List.of("a"), 2).next(false).orElseThrow().signature();
    String s2 = new ChunkCutter(new ArrayList<>(all), List.of("a"), 2).next(false).orElseThrow().signature();
    assertThat(s1).isEqualTo(s2).isEqualTo("7-8-2");
  }
}
