package io.ferry.drivers.opcua;

import io.ferry.core.Backoff;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Chunking, backoff and staleness: the small decisions, as tables. */
class PureFunctionsTest {
  @Test
  void chunksKeepOrderAndNeverExceedTheSize() {
    List<Integer> items = IntStream.range(0, 1001).boxed().toList();
    List<List<Integer>> chunks = Chunks.of(items, 100);
    assertThat(chunks).hasSize(11);
    assertThat(chunks).allSatisfy(c -> assertThat(c.size()).isLessThanOrEqualTo(100));
    assertThat(chunks.stream().flatMap(List::stream).toList()).isEqualTo(items);
    assertThat(Chunks.of(List.of(), 10)).isEmpty();
    assertThatThrownBy(() -> Chunks.of(items, 0)).isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest(name = "configured {0}, server {1} -> {2}")
  @CsvSource({"0, 0, 1000", "0, 100, 100", "50, 100, 50", "500, 100, 100", "300, 0, 300", "0, 4294967295, 1000"})
  void readSizeTakesTheSmallerLimit(int configured, long server, int expected) {
    assertThat(Chunks.readSize(configured, server, 1000)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "held {0}, first live {1}, now {2}, maxAge {3} s -> [{4}, {5})")
  @CsvSource(nullValues = "none", value = {
      "100, 200, 300, 1000, 101, 200",       // after what is held, before the live value
      "none, 200, 300, 100, 200, none",      // nothing held: maxAge back from now (here: nothing before the live value)
      "none, 250, 300, 100, 200, 250",       // nothing held: from now - maxAge
      "10, 200, 300, 100, 200, none",        // held long ago: never more than maxAge back
      "10, 260, 300, 100, 200, 260",
      "199, 200, 300, 1000, none, none",     // the live value follows the held one: no gap
      "200, 200, 300, 1000, none, none",     // the live value is the held one (unchanged)
      "100, none, 300, 1000, 101, 300",      // no live value yet: up to now
      "100, 500, 300, 1000, 101, 300"})      // a live time ahead of the clock: up to now
  void historyWindowsLeaveOutWhatIsHeldAndTheLiveValue(Long held, Long live, long now, long maxAgeSeconds, Long from, Long to) {
    // µs: maxAge in seconds is scaled so the table stays readable (1 s = 1 µs here)
    java.util.Optional<HistoryWindow> w = HistoryWindow.of(held, live, now, Duration.ofNanos(maxAgeSeconds * 1000));
    if (to == null) {
      assertThat(w).isEmpty();
    } else {
      assertThat(w).contains(new HistoryWindow(from, to));
    }
  }

  @Test
  void aWindowLeftPartlyReadContinuesAfterTheLastValueStored() {
    HistoryWindow w = new HistoryWindow(100, 200);
    assertThat(w.after(150)).contains(new HistoryWindow(151, 200));
    assertThat(w.after(50)).contains(w);
    assertThat(w.after(199)).isEmpty();
    assertThat(w.contains(100)).isTrue();
    assertThat(w.contains(200)).isFalse();
    assertThat(w.end().getUtcTime() - w.start().getUtcTime()).as("100 ns ticks").isEqualTo(1000);
  }

  @Test
  void theJournalLeavesWhatHistoryStoredAndWhatIsOlderThanMaxAge() {
    List<BackfillJournal.Entry> written = List.of(
        new BackfillJournal.Entry("a", new HistoryWindow(100, 200)),
        new BackfillJournal.Entry("a", new HistoryWindow(300, 400)),
        new BackfillJournal.Entry("b", new HistoryWindow(100, 200)),
        new BackfillJournal.Entry("c", new HistoryWindow(10, 60)),
        new BackfillJournal.Entry("d", new HistoryWindow(100, 200)));
    java.util.Map<io.ferry.core.ChannelId, Long> stored = java.util.Map.of(
        io.ferry.core.ChannelId.of("p", "a"), 320L,   // the first window done, the second half read
        io.ferry.core.ChannelId.of("p", "b"), 199L,   // done
        io.ferry.core.ChannelId.of("q", "d"), 150L);  // another instrument's channel: not this one's
    assertThat(BackfillJournal.left(written, stored, "p", 50)).isEqualTo(java.util.Map.of(
        "a", List.of(new HistoryWindow(321, 400)),
        "c", List.of(new HistoryWindow(50, 60)),      // maxAge cuts the start
        "d", List.of(new HistoryWindow(100, 200))));
    assertThat(BackfillJournal.left(written, stored, "p", 500)).isEmpty();
    assertThat(BackfillJournal.parse("a 1 2")).contains(new BackfillJournal.Entry("a", new HistoryWindow(1, 2)));
    assertThat(BackfillJournal.parse("a 2 2")).isEmpty();
    assertThat(BackfillJournal.parse("a 1")).isEmpty();
    assertThat(BackfillJournal.parse("a x 2")).isEmpty();
    assertThat(BackfillJournal.line(new BackfillJournal.Entry("a", new HistoryWindow(1, 2)))).isEqualTo("a 1 2\n");
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
      "0x00000000, DATA", "0x00A60000, DATA", "0x00A50000, DATA", "0x809B0000, DATA", "0x40000000, DATA",
      "0x80710000, UNSUPPORTED", "0x80720000, UNSUPPORTED", "0x800B0000, UNSUPPORTED",
      "0x80340000, NODE_FAILED", "0x804A0000, NODE_FAILED", "0x80000000, NODE_FAILED"})
  void historyStatusesAreClassified(String hex, HistoryAnswer expected) {
    long code = Long.parseLong(hex.substring(2), 16);
    assertThat(HistoryAnswer.of(new org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode(code))).isEqualTo(expected);
  }

  @ParameterizedTest(name = "after {0} failures wait {1} ms")
  @CsvSource({"0, 0", "1, 500", "2, 1000", "3, 2000", "5, 8000", "6, 10000", "60, 10000"})
  void backoffDoublesUpToTheCap(int failures, long millis) {
    assertThat(Backoff.of(Duration.ofMillis(500), Duration.ofSeconds(10)).step(failures)).isEqualTo(Duration.ofMillis(millis));
  }

  @ParameterizedTest(name = "silent {0} ms with limit {1} ms -> stale {2}")
  @CsvSource({"0, 3000, false", "2999, 3000, false", "3000, 3000, false", "3001, 3000, true", "60000, 3000, true"})
  void staleOnlyAfterTheWholeWindow(long silentMillis, long limitMillis, boolean stale) {
    Instant last = Instant.parse("2026-01-01T00:00:00Z");
    assertThat(StaleCheck.stale(last, last.plusMillis(silentMillis), Duration.ofMillis(limitMillis))).isEqualTo(stale);
  }

  @Test
  void staleWindowIsStaleIntervalsPublishingIntervals() {
    assertThat(new SubscriptionSettings(Duration.ofMillis(500), 10, 33, 1000).staleAfter()).isEqualTo(Duration.ofMillis(16_500));
  }

  @Test
  void deadbandsBecomeDataChangeFilters() {
    assertThat(OpcUaSubscribeDriver.filter(new Deadband.None())).isEmpty();
    assertThat(OpcUaSubscribeDriver.filter(new Deadband.Absolute(0.5))).hasValueSatisfying(f -> {
      assertThat(f.getDeadbandType().intValue()).isEqualTo(1);
      assertThat(f.getDeadbandValue()).isEqualTo(0.5);
    });
    assertThat(OpcUaSubscribeDriver.filter(new Deadband.Percent(2))).hasValueSatisfying(f -> assertThat(f.getDeadbandType().intValue()).isEqualTo(2));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "io.netty.channel.AbstractChannel$AnnotatedConnectException: Connection refused: /127.0.0.1:4840 | Connection refused: /127.0.0.1:4840",
      "java.util.concurrent.CompletionException: java.net.UnknownHostException: plc1 | plc1",
      "cannot reach opc.tcp://10.0.0.5:4840/path | cannot reach opc.tcp://10.0.0.5:4840/path",
      "value 1.5 out of range | value 1.5 out of range"})
  void connectionReasonsCarryNoJavaClassNames(String message, String expected) {
    assertThat(MiloConnector.withoutClassNames(message)).isEqualTo(expected);
  }
}
