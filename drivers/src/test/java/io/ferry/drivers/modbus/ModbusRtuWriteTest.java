package io.ferry.drivers.modbus;

import static io.ferry.drivers.modbus.ModbusTestSupport.open;
import static io.ferry.drivers.modbus.ModbusTestSupport.plan;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ferry.core.ChannelId;
import io.ferry.drivers.spi.WriteOutcome;
import io.ferry.drivers.spi.WriteRequest;
import io.ferry.drivers.testsupport.CountingMetrics;
import io.ferry.drivers.testsupport.FakeClock;
import io.ferry.drivers.testsupport.PtyPair;
import io.ferry.drivers.testsupport.TestModbusServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Writes on a real serial line (a socat pty pair) while the same bus is polled at 10 Hz. */
class ModbusRtuWriteTest {
  @TempDir Path dir;

  @Test
  void writesGoBetweenPollsAt10HzWithEveryFrameValidAndNoPollLost() throws Exception {
    try (PtyPair pty = PtyPair.open(dir); TestModbusServer server = TestModbusServer.rtu(pty.a(), 19200)) {
      ModbusPlan plan = plan(dir, "id: dev\ndriver: modbus-rtu\npoll: 100ms\n"
          + "connection: {port: " + pty.b() + ", baud: 19200, unit: 1, timeout: 1s, pauseBetweenRequests: 5ms}\n"
          + "channels:\n"
          + "  - {name: sp, register: 'holding:0', type: float32, order: CDAB, write: {min: 0, max: 80}}\n"
          + "  - {name: mode, register: 'holding:2', type: int16, write: {verify: readBack}}\n"
          + "  - {name: pump, register: 'coil:0', write: {kind: command}}\n");
      List<String> onePoll = plan.requests().stream().map(r -> "R 1 " + r.table().yamlName() + " " + r.start() + " " + r.count()).toList();
      assertThat(onePoll).containsExactlyInAnyOrder("R 1 holding 0 3", "R 1 coil 0 1");
      ScheduledExecutorService ticks = Executors.newSingleThreadScheduledExecutor();
      AtomicInteger polls = new AtomicInteger();
      List<Throwable> failures = new CopyOnWriteArrayList<>();
      try (ModbusDriver d = open(new ModbusDriverFactory(), plan, new FakeClock(), new CountingMetrics(), dir.resolve("s"))) {
        ticks.scheduleAtFixedRate(() -> {
          try {
            d.poll();
            polls.incrementAndGet();
          } catch (Exception e) {
            failures.add(e);
          }
        }, 0, 100, TimeUnit.MILLISECONDS);
        await().atMost(Duration.ofSeconds(20)).until(() -> polls.get() >= 5);
        List<WriteOutcome> outcomes = new ArrayList<>();
        outcomes.add(d.write(new WriteRequest(ChannelId.of("dev", "sp"), 42.5)));
        outcomes.add(d.write(new WriteRequest(ChannelId.of("dev", "mode"), -3)));
        outcomes.add(d.write(new WriteRequest(ChannelId.of("dev", "pump"), 1)));
        int after = polls.get();
        await().atMost(Duration.ofSeconds(20)).until(() -> polls.get() >= after + 5);
        ticks.shutdown();
        assertThat(ticks.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        assertThat(outcomes).allSatisfy(o -> assertThat(o).isInstanceOf(WriteOutcome.Applied.class));
      } finally {
        ticks.shutdownNow();
      }
      assertThat(failures).as("every poll answered: no frame garbled, no poll lost to the writes").isEmpty();
      assertThat(server.maxConcurrent.get()).as("one request at a time on the line").isEqualTo(1);
      assertThat(server.writes).containsExactly("1: 10 00 00 00 02 04 00 00 42 2A", "1: 06 00 02 FF FD", "1: 05 00 00 FF 00");
      // every write sits between two whole polls (the read back of mode is the write's own read)
      List<String> rest = new ArrayList<>(server.requests);
      while (!rest.isEmpty()) {
        if (rest.get(0).startsWith("W ")) {
          boolean verify = rest.get(0).contains(": 06 00 02");
          rest.remove(0);
          if (verify) {
            assertThat(rest.remove(0)).isEqualTo("R 1 holding 2 1");
          }
          continue;
        }
        assertThat(rest.subList(0, Math.min(2, rest.size()))).as("a whole poll, not cut by a write").isEqualTo(onePoll);
        rest.subList(0, 2).clear();
      }
    }
  }
}
