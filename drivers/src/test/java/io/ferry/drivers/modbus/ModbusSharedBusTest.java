package io.ferry.drivers.modbus;

import static io.ferry.drivers.modbus.ModbusTestSupport.open;
import static io.ferry.drivers.modbus.ModbusTestSupport.plan;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.core.Sample;
import io.ferry.drivers.testsupport.CountingMetrics;
import io.ferry.drivers.testsupport.FakeClock;
import io.ferry.drivers.testsupport.TestModbusServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Several units behind one connection (a gateway): one thread, serialized, a dead unit never starves a live one. */
class ModbusSharedBusTest {
  @TempDir Path dir;

  static String yaml(String id, int port, int unit, String timeout) {
    return "id: " + id + "\ndriver: modbus-tcp\npoll: 1s\n"
        + "connection: {host: 127.0.0.1, port: " + port + ", unit: " + unit
        + ", timeout: " + timeout + ", backoffInitial: 30s, backoffMax: 5m}\n"
        + "channels:\n  - {name: v, register: 'holding:0', type: uint16}\n  - {name: w, register: 'holding:1', type: uint16}\n";
  }

  @Test
  void aDeadUnitIsBackedOffAloneAndTheLiveUnitKeepsItsRate() throws Exception {
    try (TestModbusServer server = TestModbusServer.tcp()) {
      server.holding(1, 0, 7, 8);
      server.deadUnits.add(2);
      ModbusDriverFactory factory = new ModbusDriverFactory();
      FakeClock clock = new FakeClock();
      CountingMetrics liveMetrics = new CountingMetrics();
      CountingMetrics deadMetrics = new CountingMetrics();
      ModbusPlan livePlan = plan(dir.resolve("a"), yaml("live", server.port(), 1, "1s"));
      ModbusPlan deadPlan = plan(dir.resolve("b"), yaml("dead", server.port(), 2, "1s"));
      assertThat(livePlan.transport().busKey()).isEqualTo(deadPlan.transport().busKey());
      try (ModbusDriver live = open(factory, livePlan, clock, liveMetrics, dir.resolve("s1"));
          ModbusDriver dead = open(factory, deadPlan, clock, deadMetrics, dir.resolve("s2"))) {
        int ticks = 25;
        int liveSamples = 0;
        for (int tick = 0; tick < ticks; tick++) {
          // both scheduled on the same tick; the dead one first, the worst case for the live one
          if (tick == 0) {
            assertThatThrownBy(dead::poll).hasMessageContaining("no answer");
          } else {
            // backing off: skipped without using the bus, and never an empty success
            assertThatThrownBy(dead::poll).isInstanceOf(io.ferry.drivers.spi.BackingOffException.class)
                .hasMessageContaining("no answer");
          }
          List<Sample> got = live.poll();
          assertThat(got).extracting(Sample::value).containsExactly(7.0, 8.0);
          liveSamples += got.size();
          clock.advance(Duration.ofSeconds(1));     // 25 ticks of 1 s: inside the dead unit's 30 s backoff
        }
        assertThat(liveSamples).isEqualTo(2 * ticks);
        assertThat(server.readsOf(1)).isEqualTo(ticks);      // every tick of the live unit was served
        assertThat(server.readsOf(2)).isEqualTo(1);          // the dead unit cost the bus one timeout
        assertThat(deadMetrics.get("timeouts")).isEqualTo(1);
        assertThat(liveMetrics.get("errors")).isZero();
        assertThat(deadMetrics.states).containsExactly("backoff");
        clock.advance(Duration.ofSeconds(5));                // past the 30 s backoff: one more try
        assertThatThrownBy(dead::poll).hasMessageContaining("no answer");
        assertThat(server.readsOf(2)).isEqualTo(2);
        assertThat(live.poll()).hasSize(2);
      }
    }
  }

  @Test
  void requestsFromInstrumentsPolledInParallelAreSerializedOnTheBus() throws Exception {
    try (TestModbusServer server = TestModbusServer.tcp()) {
      ModbusDriverFactory factory = new ModbusDriverFactory();
      FakeClock clock = new FakeClock();
      ModbusPlan a = plan(dir.resolve("a"), yaml("a", server.port(), 1, "5s"));
      ModbusPlan b = plan(dir.resolve("b"), yaml("b", server.port(), 2, "5s"));
      ExecutorService pool = Executors.newFixedThreadPool(2);
      try (ModbusDriver da = open(factory, a, clock, new CountingMetrics(), dir.resolve("s1"));
          ModbusDriver db = open(factory, b, clock, new CountingMetrics(), dir.resolve("s2"))) {
        Future<?> fa = pool.submit(() -> {
          for (int i = 0; i < 50; i++) {
            assertThat(da.poll()).hasSize(2);
          }
          return null;
        });
        Future<?> fb = pool.submit(() -> {
          for (int i = 0; i < 50; i++) {
            assertThat(db.poll()).hasSize(2);
          }
          return null;
        });
        fa.get();
        fb.get();
      } finally {
        pool.shutdownNow();
      }
      assertThat(server.readsOf(1)).isEqualTo(50);
      assertThat(server.readsOf(2)).isEqualTo(50);
      assertThat(server.maxConcurrent.get()).isEqualTo(1);
    }
  }
}
