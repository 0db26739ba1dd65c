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
