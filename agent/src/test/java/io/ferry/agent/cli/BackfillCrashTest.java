package io.ferry.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ferry.agent.plan.AgentPlan;
import io.ferry.agent.plan.AgentPlanner;
import io.ferry.agent.plan.StandardComponents;
import io.ferry.buffer.Lease;
import io.ferry.buffer.LeaseRequest;
import io.ferry.buffer.SampleRecord;
import io.ferry.buffer.SqliteBuffer;
import io.ferry.drivers.opcua.HistoryStore;
import io.ferry.drivers.opcua.TestOpcUaServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ferry run} killed with SIGKILL in the middle of a history backfill and started again: the
 * buffer ends up with every historical value exactly once and the live value, nothing missing.
 * The uplink cannot write (its path is a directory), so every stored row stays in the buffer to be
 * counted.
 */
class BackfillCrashTest {
  private static final List<String> NODES = List.of("A", "B");
  private static final int VALUES = 20_000;

  @TempDir Path dir;

  @Test
  void aKilledBackfillResumesWithoutDuplicatesOrHoles() throws Exception {
    Instant t0 = Instant.now().minus(Duration.ofHours(2)).truncatedTo(ChronoUnit.SECONDS);
    Instant live = t0.plusMillis(100L * VALUES);
    HistoryStore history = new HistoryStore(0, false);
    Map<String, Object> values = new LinkedHashMap<>();
    for (String n : NODES) {
      for (int i = 0; i <= VALUES; i++) {
        history.add(n, t0.plusMillis(100L * i), i);
      }
      values.put(n, new DataValue(new Variant((double) VALUES), StatusCode.GOOD, new DateTime(live), new DateTime(live)));
    }
    try (TestOpcUaServer server = new TestOpcUaServer(TestOpcUaServer.Options.plain(), values, history)) {
      Path config = config(server.endpoint());
      Path log1 = dir.resolve("ferry-1.log");
      Process first = start(config, log1);
      try {
        // 100 values per node and call, both nodes in each call: 200 calls in all
        await().atMost(Duration.ofSeconds(120)).until(() -> history.calls.size() >= 40 || !first.isAlive());
        assertThat(first.isAlive()).as("log in %s", log1).isTrue();
      } finally {
        first.destroyForcibly(); // SIGKILL: no shutdown hook, no release, no flush
        first.waitFor(30, TimeUnit.SECONDS);
      }
      assertThat(history.calls.size()).as("killed in the middle").isLessThan(200);

      Path log2 = dir.resolve("ferry-2.log");
      Process second = start(config, log2);
      try {
        await().atMost(Duration.ofSeconds(120)).until(() -> Files.exists(log2) && Files.readString(log2).contains("backfill complete")
            || !second.isAlive());
        assertThat(Files.readString(log2)).as("log in %s", log2).contains("resuming the backfill of 2 channel(s)")
            .contains("backfill complete");
      } finally {
        second.toHandle().destroy();
        if (!second.waitFor(60, TimeUnit.SECONDS)) {
          second.destroyForcibly();
        }
      }

      AgentPlan plan = plan(config);
      Map<String, List<Long>> stored = new HashMap<>();
      try (SqliteBuffer buffer = SqliteBuffer.open(plan.buffer(), plan.channels(), InstantSource.system())) {
        for (Lease l = buffer.lease("local", LeaseRequest.of(100_000)); !l.isEmpty(); l = buffer.lease("local", LeaseRequest.of(100_000))) {
          for (SampleRecord r : l.samples()) {
            stored.computeIfAbsent(r.channel().channel(), k -> new ArrayList<>()).add(r.sample().timeMicros());
          }
          l.ack();
        }
      }
      for (String n : NODES) {
        List<Long> expected = new ArrayList<>();
        for (int i = 0; i <= VALUES; i++) {
          expected.add(micros(t0.plusMillis(100L * i)));
        }
        List<Long> got = stored.getOrDefault(n, List.of()).stream().sorted().toList();
        assertThat(got).as("channel %s: every history value and the live one, each once", n).hasSize(VALUES + 1)
            .containsExactlyElementsOf(expected);
      }
    }
  }

  private Process start(Path config, Path log) throws IOException {
    return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx192m", "-cp", System.getProperty("java.class.path"), Main.class.getName(), "run", "--config", config.toString())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  private static long micros(Instant t) {
    return t.getEpochSecond() * 1_000_000L + t.getNano() / 1000;
  }

  private Path config(String endpoint) throws IOException {
    Path config = dir.resolve("config");
    Files.createDirectories(config.resolve("instruments.d"));
    Path blocked = Files.createDirectories(dir.resolve("not-a-file")); // the uplink cannot write: rows stay
    Files.writeString(config.resolve("agent.yaml"), """
        gatewayId: test
        stateDir: %s
        buffer: {synchronous: full, commitInterval: 20ms}
        uplinks:
          local: {type: jsonl, path: %s}
        """.formatted(dir.resolve("state"), blocked));
    Files.writeString(config.resolve("instruments.d/press1.yaml"), """
        id: press1
        driver: opcua
        poll: 1s
        backfill: {enabled: true, maxAge: 24h, valuesPerCall: 100}
        connection: {endpoint: "%s"}
        uplinks: [local]
        channels:
          - {name: A, node: "%s"}
          - {name: B, node: "%s"}
        """.formatted(endpoint, TestOpcUaServer.node("A"), TestOpcUaServer.node("B")));
    return config;
  }

  private AgentPlan plan(Path config) {
    AgentPlanner.Result r = new AgentPlanner(StandardComponents.create(), Map.<String, String>of()::get).plan(config);
    assertThat(r.problems()).isEmpty();
    return r.plan().orElseThrow();
  }
}
