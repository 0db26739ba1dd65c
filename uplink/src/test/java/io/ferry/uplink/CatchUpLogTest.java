package io.ferry.uplink;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.ferry.core.testing.FakeClock;
import io.ferry.uplink.UplinkTesting.FakeSleeper;
import io.ferry.buffer.Buffer;
import io.ferry.config.Problems;
import io.ferry.core.ChannelId;
import io.ferry.core.Sample;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The journal speaks about catching up only while there is a real backlog: never in steady
 * state (a record or two in flight), and "caught up" once when a real backlog is gone.
 */
class CatchUpLogTest {
  static final ChannelId TEMP = ChannelId.of("boiler1", "temp");
  static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

  @TempDir Path dir;
  final FakeClock clock = new FakeClock(UplinkTesting.START);
  final FakeSleeper sleeper = new FakeSleeper(clock);
  final List<AutoCloseable> open = new ArrayList<>();
  final ListAppender<ILoggingEvent> journal = new ListAppender<>();
  final Logger runnerLog = (Logger) LoggerFactory.getLogger(UplinkRunner.class);

  @BeforeEach
  void listen() {
    journal.start();
    runnerLog.addAppender(journal);
  }

  @AfterEach
  void closeAll() throws Exception {
    runnerLog.detachAppender(journal);
    UplinkTesting.closeAll(open);
  }

  List<String> lines(String containing) {
    synchronized (journal.list) {
      return journal.list.stream().map(ILoggingEvent::getFormattedMessage).filter(m -> m.contains(containing)).toList();
    }
  }

  UplinkRunner runner(Buffer buffer, BatchHandler handler) {
    Problems problems = new Problems();
    RunnerSettings settings = RunnerSettings.read(
        UplinkTesting.section("local", "test", "batchSize: 100\n", problems, Map.of()).fields(), 100, Duration.ZERO, Duration.ofSeconds(1));
    assertThat(problems.all()).isEmpty();
    UplinkRunner r = new UplinkRunner("local", "test", settings, handler, UplinkTesting.context(buffer, clock, sleeper));
    open.add(r);
    return r;
  }

  Buffer buffer() {
    Buffer b = UplinkTesting.buffer(dir, List.of(UplinkTesting.raw("boiler1/temp", "degC", "local")), clock);
    open.add(b);
    return b;
  }

  long micros() {
    return clock.instant().getEpochSecond() * 1_000_000L + clock.instant().getNano() / 1_000;
  }

  @Test
  void aSteadyStateRunWithAHealthyUplinkLogsNoCatchUpLine() {
    Buffer b = buffer();
    AtomicInteger sends = new AtomicInteger();
    // Each send takes 1 s, and one new sample arrives while it is under way: one record is always
    // waiting when progress is measured, as in the field (the old journal said "backlog 1 records").
    BatchHandler handler = (lease, exchange) -> {
      clock.advance(Duration.ofSeconds(1));
      if (sends.incrementAndGet() <= 20) {
        b.append(List.of(Sample.of(TEMP, micros(), sends.get()))).join();
      }
      return new Delivery.Acked(0);
    };
    b.append(List.of(Sample.of(TEMP, micros(), 0))).join();
    UplinkRunner r = runner(b, handler);
    r.start();
    UplinkTesting.awaitDelivered(r, 21);
    assertThat(Duration.between(UplinkTesting.START, clock.instant())).isGreaterThanOrEqualTo(Duration.ofSeconds(20));
    assertThat(lines("catching up")).isEmpty();
    assertThat(lines("caught up")).isEmpty();
  }

  @Test
  void aRealBacklogIsReportedWhileItLastsAndCaughtUpOnce() {
    Buffer b = buffer();
    List<Sample> backlog = new ArrayList<>();
    for (int i = 0; i < 3_000; i++) {
      backlog.add(Sample.of(TEMP, micros() + i, i));
    }
    b.append(backlog).join();
    BatchHandler handler = (lease, exchange) -> {
      clock.advance(Duration.ofSeconds(1));
      return new Delivery.Acked(0);
    };
    UplinkRunner r = runner(b, handler);
    r.start();
    UplinkTesting.awaitDelivered(r, 3_000);
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !lines("caught up").isEmpty());
    assertThat(lines("catching up")).isNotEmpty().allMatch(l -> l.startsWith("uplink local catching up: backlog "));
    assertThat(lines("caught up")).containsExactly("uplink local caught up");
  }

  @Test
  void theDecisionTable() {
    CatchUp c = new CatchUp("gs", 100, Duration.ofSeconds(15));
    // in flight, fresh: silent
    assertThat(c.update(1, Optional.of(NOW.minusSeconds(1)), NOW, 200)).isEmpty();
    assertThat(c.update(100, Optional.of(NOW.minusSeconds(14)), NOW, 200)).isEmpty();
    assertThat(c.update(0, Optional.empty(), NOW, 200)).isEmpty();
    // more than one batch: real
    assertThat(c.update(101, Optional.of(NOW.minusSeconds(1)), NOW, 50))
        .contains("uplink gs catching up: backlog 101 records, 50 records/s, about 3s to go");
    // then fresh again: said once
    assertThat(c.update(2, Optional.of(NOW), NOW, 50)).contains("uplink gs caught up (2 records in flight)");
    assertThat(c.update(2, Optional.of(NOW), NOW, 50)).isEmpty();
    // few but old: real
    assertThat(c.update(3, Optional.of(NOW.minusSeconds(16)), NOW, 0))
        .contains("uplink gs catching up: backlog 3 records, 0 records/s, about ? to go");
    assertThat(c.update(0, Optional.empty(), NOW, 0)).contains("uplink gs caught up");
    assertThat(c.update(0, Optional.empty(), NOW, 0)).isEmpty();
    // a longer estimate in the one human form of ages and estimates (as the health page says it)
    assertThat(c.update(9000, Optional.of(NOW), NOW, 100))
        .contains("uplink gs catching up: backlog 9000 records, 100 records/s, about 1m 30s to go");
  }
}
