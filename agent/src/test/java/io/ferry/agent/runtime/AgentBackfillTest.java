package io.ferry.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ferry.agent.plan.AgentPlan;
import io.ferry.agent.plan.AgentPlanner;
import io.ferry.agent.plan.StandardComponents;
import io.ferry.buffer.SqliteBuffer;
import io.ferry.core.ChannelId;
import io.ferry.core.Sample;
import io.ferry.drivers.opcua.HistoryStore;
import io.ferry.drivers.opcua.TestOpcUaServer;
import io.ferry.uplink.Rfc3339;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole path of a backfill: an agent that stored (and uploaded) values up to T0 + 5 min, was
 * stopped for 10 minutes and comes back to a server whose history has every second: the buffer
 * gets the gap from history, with source times, exactly once, and the live value after it.
 */
class AgentBackfillTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> NODES = List.of("A", "B");

  @TempDir Path dir;

  @Test
  void theGapWhileTheAgentWasStoppedIsUploadedExactlyOnceFromHistory() throws Exception {
    Instant t0 = Instant.now().minus(Duration.ofHours(1)).truncatedTo(ChronoUnit.SECONDS);
    Instant live = t0.plusSeconds(900);
    HistoryStore history = new HistoryStore(0, false);
    Map<String, Object> values = new LinkedHashMap<>();
    for (String n : NODES) {
      for (int s = 0; s <= 900; s++) {
        history.add(n, t0.plusSeconds(s), s);
      }
      values.put(n, new DataValue(new Variant(900.0), StatusCode.GOOD, new DateTime(live), new DateTime(live)));
    }
    try (TestOpcUaServer server = new TestOpcUaServer(TestOpcUaServer.Options.plain(), values, history)) {
      AgentPlan plan = plan(server.endpoint());
      // The run before the stop: one value per second up to t0 + 5 min, stored and uploaded.
      try (SqliteBuffer before = SqliteBuffer.open(plan.buffer(), plan.channels(), InstantSource.system())) {
        List<Sample> stored = new ArrayList<>();
        for (String n : NODES) {
          for (int s = 0; s <= 300; s++) {
            stored.add(Sample.of(ChannelId.of("press1", n), micros(t0.plusSeconds(s)), s));
          }
        }
        before.append(stored).get();
      }
      Path file = dir.resolve("uploaded.jsonl");
      Agent agent = Agent.start(plan, InstantSource.system());
      try {
        // The progress counters follow the buffer's commit (and the upload) on the backfill thread:
        // under load the file can be complete a moment before they are (seen with two busy loops).
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
          assertThat(lines(file)).hasSize(2 * 901);
          Map<String, Long> driver = agent.snapshot().drivers().get("press1");
          assertThat(driver).containsEntry("backfilled", 2 * 599L).containsEntry("backfillPending", 0L);
        });
      } finally {
        agent.close();
      }
      for (String n : NODES) {
        List<String> expected = new ArrayList<>();
        for (int s = 0; s <= 900; s++) {
          expected.add(Rfc3339.micros(micros(t0.plusSeconds(s))));
        }
        List<String> uploaded = lines(file).stream().filter(j -> j.get("channel").asText().equals(n)).map(j -> j.get("time").asText())
            .sorted().toList();
        assertThat(uploaded).as("channel %s: before the stop, the gap from history, the live value; each once", n)
            .containsExactlyElementsOf(expected);
      }
    }
  }

  private static long micros(Instant t) {
    return t.getEpochSecond() * 1_000_000L + t.getNano() / 1000;
  }

  private AgentPlan plan(String endpoint) throws IOException {
    Path config = dir.resolve("config");
    Files.createDirectories(config.resolve("instruments.d"));
    Files.writeString(config.resolve("agent.yaml"), """
        gatewayId: test
        stateDir: %s
        buffer: {synchronous: full, commitInterval: 20ms}
        uplinks:
          local: {type: jsonl, path: %s}
        """.formatted(dir.resolve("state"), dir.resolve("uploaded.jsonl")));
    Files.writeString(config.resolve("instruments.d/press1.yaml"), """
        id: press1
        driver: opcua
        poll: 1s
        backfill: {enabled: true, maxAge: 24h, valuesPerCall: 250}
        connection: {endpoint: "%s"}
        uplinks: [local]
        channels:
          - {name: A, node: "%s"}
          - {name: B, node: "%s"}
        """.formatted(endpoint, TestOpcUaServer.node("A"), TestOpcUaServer.node("B")));
    AgentPlanner.Result r = new AgentPlanner(StandardComponents.create(), Map.<String, String>of()::get).plan(config);
    assertThat(r.problems()).isEmpty();
    return r.plan().orElseThrow();
  }

  private static List<JsonNode> lines(Path file) throws IOException {
    if (!Files.exists(file)) {
      return List.of();
    }
    List<JsonNode> out = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      if (!line.isBlank()) {
        out.add(JSON.readTree(line));
      }
    }
    return out;
  }
}
