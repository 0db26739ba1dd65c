package io.ferry.buffer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.core.ChannelId;
import io.ferry.core.ChannelSpec;
import io.ferry.core.Quality;
import io.ferry.core.Sample;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@link Buffer} contract as uplinks and drivers rely on it. Subclass and override
 * {@link #open} to run it against another implementation.
 */
class BufferContractTest {
  static final ChannelId A = ChannelId.of("boiler1", "temp");
  static final ChannelId B = ChannelId.of("boiler1", "flow");
  static final ChannelId C = ChannelId.of("alpha", "x");
  static final long T0 = 1_700_000_000_000_000L;

  @TempDir Path dir;
  final MutableClock clock = new MutableClock(Instant.ofEpochSecond(1_700_000_000L));
  final List<Buffer> opened = new ArrayList<>();

  List<ChannelSpec> specs =
      List.of(Specs.raw("boiler1/temp", "cloud", "local"), Specs.raw("boiler1/flow", "cloud"), Specs.raw("alpha/x", "cloud"));

  Buffer open(BufferOptions options, List<ChannelSpec> channels) {
    Buffer b = SqliteBuffer.open(options, channels, clock);
    opened.add(b);
    return b;
  }

  Buffer open() {
    return open(BufferOptions.defaults(dir.resolve("buffer.db")), specs);
  }

  @AfterEach
  void closeAll() {
    opened.forEach(Buffer::close);
  }

  static Sample s(ChannelId ch, long offsetMicros, double v) {
    return Sample.of(ch, T0 + offsetMicros, v);
  }

  @Test
  void appendCompletesOnCommitWithoutFlush() throws Exception {
    Buffer b = open();
    CompletableFuture<Void> f = b.append(List.of(s(A, 0, 1)));
    f.get(5, TimeUnit.SECONDS);
    assertThat(b.stats().rawSamples()).isEqualTo(1);
    assertThat(b.stats().appended()).isEqualTo(1);
  }

  @Test
  void aLeaseSaysWhetherItTookAllThereWas() {
    Buffer b = open();
    b.append(List.of(s(A, 1, 1), s(A, 2, 2), s(B, 1, 3))).join();
    Lease partOfIt = b.lease("cloud", LeaseRequest.of(2));
    assertThat(partOfIt.size()).isEqualTo(2);
    assertThat(partOfIt.drained()).as("two of three records: more wait").isFalse();
    Lease rest = b.lease("cloud", LeaseRequest.of(100));
    assertThat(rest.size()).isEqualTo(1);
    assertThat(rest.drained()).as("the last record").isTrue();
    partOfIt.ack();
    rest.ack();
    b.append(List.of(s(A, 3, 1), s(A, 4, 2), s(B, 2, 3))).join();
    Lease byBytes = b.lease("cloud", new LeaseRequest(100, 1, Duration.ofMinutes(1)));
    assertThat(byBytes.size()).isLessThan(3);
    assertThat(byBytes.drained()).as("stopped by the byte budget").isFalse();
    byBytes.release();
    Lease byChannel = b.lease("cloud", new LeaseRequest(100, Long.MAX_VALUE, Duration.ofMinutes(1), 10, 0));
    assertThat(byChannel.size()).isEqualTo(3);
    assertThat(byChannel.drained()).as("a by-channel scan never claims it").isFalse();
    byChannel.ack();
    assertThat(b.lease("cloud", LeaseRequest.of(100)).drained()).as("an empty lease").isTrue();
  }

  @Test
  void leaseOrdersByChannelThenTimeAndAckDeletes() {
    Buffer b = open();
    b.append(List.of(s(B, 3, 30), s(A, 2, 20), s(C, 1, 10), s(A, 1, 11), s(B, 1, 31))).join();
    Lease l = b.lease("cloud", LeaseRequest.of(100));
    assertThat(l.samples()).extracting(r -> r.sample().channel() + "@" + (r.sample().timeMicros() - T0))
        .containsExactly("alpha/x@1", "boiler1/flow@1", "boiler1/flow@3", "boiler1/temp@1", "boiler1/temp@2");
    l.ack();
    assertThat(b.lease("cloud", LeaseRequest.of(100)).isEmpty()).isTrue();
    // boiler1/temp is also routed to "local": two rows wait for it, nothing else.
    assertThat(b.stats().rawSamples()).isEqualTo(2);
    Lease local = b.lease("local", LeaseRequest.of(100));
    assertThat(local.samples()).extracting(r -> r.sample().value()).containsExactly(11.0, 20.0);
    local.ack();
    assertThat(b.stats().rawSamples()).isZero();
  }

  @Test
  void eachUplinkAcknowledgesOnItsOwn() {
    Buffer b = open();
    b.append(List.of(s(A, 0, 1), s(A, 1, 2))).join();
    b.lease("local", LeaseRequest.of(10)).ack();
    assertThat(b.lease("local", LeaseRequest.of(10)).isEmpty()).isTrue();
    Lease cloud = b.lease("cloud", LeaseRequest.of(10));
    assertThat(cloud.samples()).hasSize(2);
    assertThat(b.stats().uplinks().get("cloud").samples()).isEqualTo(2);
    assertThat(b.stats().uplinks().get("local").samples()).isZero();
    cloud.ack();
    assertThat(b.stats().rawSamples()).isZero();
  }

  @Test
  void liveLeasesDoNotOverlapAndReleaseMakesRowsLeasableAgain() {
    Buffer b = open();
    b.append(IntStream.range(0, 10).mapToObj(i -> s(B, i, i)).toList()).join();
    Lease first = b.lease("cloud", LeaseRequest.of(4));
    Lease second = b.lease("cloud", LeaseRequest.of(100));
    assertThat(first.samples()).hasSize(4);
    assertThat(second.samples()).hasSize(6);
    assertThat(ids(first)).doesNotContainAnyElementsOf(ids(second));
    assertThat(b.lease("cloud", LeaseRequest.of(100)).isEmpty()).isTrue();
    first.release();
    Lease third = b.lease("cloud", LeaseRequest.of(100));
    assertThat(ids(third)).containsExactlyElementsOf(ids(first));
    assertThatThrownBy(first::ack).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void leaseExpiresAfterItsTtlSoACrashedSenderResends() {
    Buffer b = open();
    b.append(List.of(s(B, 0, 1))).join();
    Lease l = b.lease("cloud", new LeaseRequest(10, Long.MAX_VALUE, Duration.ofSeconds(30)));
    clock.advance(Duration.ofSeconds(29));
    assertThat(b.lease("cloud", LeaseRequest.of(10)).isEmpty()).isTrue();
    clock.advance(Duration.ofSeconds(2));
    Lease again = b.lease("cloud", LeaseRequest.of(10));
    assertThat(ids(again)).isEqualTo(ids(l));
  }

  @Test
  void partialAckReleasesTheRestAndRejectCountsDeadLetters() {
    Buffer b = open();
    b.append(IntStream.range(0, 6).mapToObj(i -> s(B, i, i)).toList()).join();
    Lease l = b.lease("cloud", LeaseRequest.of(10));
    l.ack(List.of(l.samples().get(0), l.samples().get(2), l.samples().get(3)));
    Lease rest = b.lease("cloud", LeaseRequest.of(10));
    assertThat(rest.samples()).extracting(r -> r.sample().value()).containsExactly(1.0, 4.0, 5.0);
    rest.reject(List.of(rest.samples().get(1)), "bad value");
    Lease last = b.lease("cloud", LeaseRequest.of(10));
    assertThat(last.samples()).extracting(r -> r.sample().value()).containsExactly(1.0, 5.0);
    assertThat(b.stats().dropped()).containsEntry("boiler1/flow rejected", 1L);
  }

  @Test
  void leaseIsBoundedByRecordsAndBytes() {
    Buffer b = open();
    b.append(IntStream.range(0, 100).mapToObj(i -> s(B, i, i)).toList()).join();
    assertThat(b.lease("cloud", LeaseRequest.of(7)).samples()).hasSize(7);
    Lease bySize = b.lease("cloud", new LeaseRequest(1000, 10 * BufferStore.SAMPLE_BYTES, Duration.ofMinutes(1)));
    assertThat(bySize.samples()).hasSize(10);
  }

  @Test
  void unroutedChannelsAreCountedNotStored() {
    Buffer b = open();
    b.append(List.of(s(ChannelId.of("ghost", "x"), 0, 1), s(A, 0, 1))).join();
    BufferStats st = b.stats();
    assertThat(st.rawSamples()).isEqualTo(1);
    assertThat(st.dropped()).containsEntry("ghost/x unrouted", 1L);
  }

  @Test
  void textNanAndQualitySurviveTheRoundTrip() {
    Buffer b = open();
    b.append(
            List.of(
                Sample.text(B, T0, "RUNNING", Quality.UNCERTAIN),
                Sample.of(B, T0 + 1, Double.NaN, Quality.BAD),
                Sample.of(B, T0 + 2, -0.5, Quality.GOOD)))
        .join();
    List<Sample> got = b.lease("cloud", LeaseRequest.of(10)).samples().stream().map(SampleRecord::sample).toList();
    assertThat(got.get(0)).isEqualTo(Sample.text(B, T0, "RUNNING", Quality.UNCERTAIN));
    assertThat(got.get(1).value()).isNaN();
    assertThat(got.get(1).quality()).isEqualTo(Quality.BAD);
    assertThat(got.get(1).isText()).isFalse();
    assertThat(got.get(2)).isEqualTo(Sample.of(B, T0 + 2, -0.5, Quality.GOOD));
  }

  @Test
  void restartKeepsUnackedRowsForgetsLeasesAndNeverReusesIds() {
    BufferOptions options = BufferOptions.defaults(dir.resolve("buffer.db"));
    Buffer b = open(options, specs);
    b.append(List.of(s(B, 0, 1), s(B, 1, 2), s(B, 2, 3))).join();
    Lease l = b.lease("cloud", LeaseRequest.of(1));
    l.ack();
    Lease unacked = b.lease("cloud", LeaseRequest.of(1));
    long maxId = unacked.samples().get(0).id();
    b.close();
    Buffer again = open(options, specs);
    Lease after = again.lease("cloud", LeaseRequest.of(10));
    assertThat(after.samples()).extracting(r -> r.sample().value()).containsExactly(2.0, 3.0);
    after.ack();
    assertThat(again.stats().rawSamples()).isZero();
    again.close();
    Buffer third = open(options, specs);
    third.append(List.of(s(B, 5, 5))).join();
    assertThat(third.lease("cloud", LeaseRequest.of(10)).samples().get(0).id()).isGreaterThan(maxId + 1);
  }

  @Test
  void uplinkStateIsDurableAndPrivate() {
    BufferOptions options = BufferOptions.defaults(dir.resolve("buffer.db"));
    Buffer b = open(options, specs);
    KeyValueStore kv = b.uplinkState("cloud");
    kv.put("stream/a", "1");
    kv.put("stream/b", "2");
    kv.put("other", "x");
    kv.put("stream/a", "3");
    b.uplinkState("local").put("stream/z", "9");
    kv.remove("other");
    b.close();
    Buffer again = open(options, specs);
    KeyValueStore kv2 = again.uplinkState("cloud");
    assertThat(kv2.get("stream/a")).contains("3");
    assertThat(kv2.get("other")).isEmpty();
    assertThat(kv2.entries("stream/")).containsExactly(
        java.util.Map.entry("stream/a", "3"), java.util.Map.entry("stream/b", "2"));
  }

  @Test
  void statsShowDepthAndOldestPerUplink() {
    Buffer b = open();
    b.append(List.of(s(A, 5, 1), s(B, 7, 1))).join();
    BufferStats st = b.stats();
    assertThat(st.uplinks().get("cloud").samples()).isEqualTo(2);
    assertThat(st.uplinks().get("cloud").oldestMicros()).isEqualTo(T0 + 5);
    assertThat(st.uplinks().get("local").samples()).isEqualTo(1);
    assertThat(st.bytes()).isPositive();
  }

  @Test
  void appendAfterCloseIsRefused() {
    Buffer b = open();
    b.close();
    assertThat(b.append(List.of(s(A, 0, 1)))).isCompletedExceptionally();
    b.close();
  }

  @Test
  void aSecondWriterOnTheSameFileIsRefused() {
    Buffer b = open();
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> open(BufferOptions.defaults(dir.resolve("buffer.db")), specs))
        .hasMessageContaining("already open");
    b.close();
    open().close(); // the lock went with the first buffer
  }

  @Test
  void unknownUplinkGetsEmptyLeases() {
    Buffer b = open();
    b.append(List.of(s(A, 0, 1))).join();
    assertThat(b.lease("nobody", LeaseRequest.of(10)).isEmpty()).isTrue();
  }

  static List<Long> ids(Lease l) {
    return l.samples().stream().map(SampleRecord::id).sorted().toList();
  }

  // ---------------------------------------------------------------- leases by channel

  static final List<ChannelId> GRID = IntStream.range(0, 5).mapToObj(i -> ChannelId.of("g", "c" + i)).toList();

  /** Ten rounds of the five grid channels, appended round by round (the way a poller appends). */
  Buffer openGrid() {
    Buffer b =
        open(BufferOptions.defaults(dir.resolve("grid.db")),
            GRID.stream().map(c -> Specs.raw(c.toString(), "cloud")).toList());
    List<Sample> rounds = new ArrayList<>();
    for (int t = 0; t < 10; t++) {
      for (ChannelId c : GRID) {
        rounds.add(s(c, t, t));
      }
    }
    b.append(rounds).join();
    return b;
  }

  static List<String> keys(Lease l) {
    return l.samples().stream().map(r -> r.sample().channel().channel() + "@" + (r.sample().timeMicros() - T0)).toList();
  }

  @Test
  void aByChannelLeaseTakesTheOldestSamplesOfTheFirstChannelsMet() {
    Buffer b = openGrid();
    Lease first = b.lease("cloud", LeaseRequest.of(1000).byChannel(2, 3));
    assertThat(keys(first)).containsExactly("c0@0", "c0@1", "c0@2", "c1@0", "c1@1", "c1@2");
    // A second lease while the first is live: the next channels met, never a leased row.
    Lease second = b.lease("cloud", LeaseRequest.of(1000).byChannel(2, 3));
    assertThat(keys(second)).containsExactly("c2@0", "c2@1", "c2@2", "c3@0", "c3@1", "c3@2");
    first.ack();
    // Oldest first outside the live lease: c4 from its start, then c0 from where the ack left it.
    Lease third = b.lease("cloud", LeaseRequest.of(1000).byChannel(2, 100));
    assertThat(keys(third))
        .containsExactly(
            "c0@3", "c0@4", "c0@5", "c0@6", "c0@7", "c0@8", "c0@9",
            "c4@0", "c4@1", "c4@2", "c4@3", "c4@4", "c4@5", "c4@6", "c4@7", "c4@8", "c4@9");
    third.release();
    second.release();
    assertThat(b.stats().rawSamples()).isEqualTo(44);
  }

  @Test
  void byChannelLeasesDeliverEverySampleOnceInOrderPerChannelWithPartialAcks() {
    Buffer b = openGrid();
    java.util.Map<ChannelId, List<Long>> delivered = new java.util.HashMap<>();
    int leases = 0;
    for (Lease l = b.lease("cloud", LeaseRequest.of(7).byChannel(3, 2)); !l.isEmpty();
        l = b.lease("cloud", LeaseRequest.of(7).byChannel(3, 2))) {
      assertThat(l.samples()).hasSizeLessThanOrEqualTo(6);
      assertThat(l.samples().stream().map(r -> r.sample().channel()).distinct()).hasSizeLessThanOrEqualTo(3);
      // Every other lease is acknowledged only in part: the rest must come again, in order.
      List<SampleRecord> acked = leases++ % 2 == 0 ? l.samples() : l.samples().subList(0, l.samples().size() / 2);
      acked.forEach(r -> delivered.computeIfAbsent(r.sample().channel(), c -> new ArrayList<>()).add(r.sample().timeMicros() - T0));
      l.ack(List.copyOf(acked));
      assertThat(leases).as("leases needed").isLessThan(100);
    }
    assertThat(delivered.keySet()).containsExactlyInAnyOrderElementsOf(GRID);
    delivered.values().forEach(times -> assertThat(times).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L));
    assertThat(b.stats().rawSamples()).isZero();
  }

  @Test
  void aByChannelLeaseIsBoundedByRecordsAndBytesToo() {
    Buffer b = openGrid();
    assertThat(b.lease("cloud", LeaseRequest.of(7).byChannel(5, 0)).samples()).hasSize(7);
    Lease bytes =
        b.lease("cloud", new LeaseRequest(1000, 4 * BufferStore.SAMPLE_BYTES, Duration.ofMinutes(1)).byChannel(5, 0));
    assertThat(bytes.samples()).hasSize(4);
  }

  /**
   * A lease holds its samples as arrays permuted into lease order: every sample comes back with
   * its value, text and quality, in channel then time order (ties in append order), across many
   * permutation cycles and a growth of the scan arrays (they start at 10,000 rows); a partial ack with records taken from the lease is exact.
   */
  @Test
  void aLargeShuffledLeaseComesBackExactlyInChannelThenTimeOrder() {
    Buffer b = open();
    java.util.SplittableRandom rnd = new java.util.SplittableRandom(7);
    List<ChannelId> chans = List.of(A, B, C);
    List<Sample> appended = new ArrayList<>();
    for (int i = 0; i < 12_000; i++) {
      ChannelId ch = chans.get(rnd.nextInt(3));
      long t = T0 + rnd.nextInt(500);
      Quality q = Quality.values()[rnd.nextInt(Quality.values().length)];
      appended.add(rnd.nextInt(10) == 0 ? Sample.text(ch, t, "s" + i, q) : Sample.of(ch, t, rnd.nextDouble(), q));
    }
    b.append(appended).join();
    List<Sample> expected = new ArrayList<>(appended); // a stable sort keeps append order on ties
    expected.sort(java.util.Comparator.comparing(Sample::channel).thenComparingLong(Sample::timeMicros));
    Lease l = b.lease("cloud", LeaseRequest.of(20_000));
    assertThat(l.samples()).extracting(SampleRecord::sample).containsExactlyElementsOf(expected);
    assertThat(l.samples().get(11_234)).isEqualTo(l.samples().get(11_234));
    List<SampleRecord> firstHalf = List.copyOf(l.samples().subList(0, 6_000));
    l.ack(firstHalf);
    Lease rest = b.lease("cloud", LeaseRequest.of(20_000));
    assertThat(rest.samples()).extracting(SampleRecord::sample).containsExactlyElementsOf(expected.subList(6_000, 12_000));
    rest.ack();
    assertThat(b.lease("cloud", LeaseRequest.of(20_000)).isEmpty()).isTrue();
  }
}
