package io.ferry.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ferry.agent.plan.AgentPlan;
import io.ferry.agent.plan.AgentPlanner;
import io.ferry.agent.plan.StandardComponents;
import io.ferry.buffer.Lease;
import io.ferry.buffer.LeaseRequest;
import io.ferry.buffer.SampleRecord;
import io.ferry.buffer.SqliteBuffer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The foundation's whole pipeline in one process: simulated instruments, the scheduler, the
 * SQLite buffer and the jsonl uplink, stopped and started again on the same state.
 */
class AgentPipelineTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private AgentPlan plan() throws IOException {
    Path config = dir.resolve("config");
    Files.createDirectories(config.resolve("instruments.d"));
    Files.writeString(config.resolve("agent.yaml"), """
        gatewayId: test
        stateDir: %s
        buffer: {synchronous: full, commitInterval: 20ms}
        uplinks:
          local: {type: jsonl, path: %s}
        """.formatted(dir.resolve("state"), dir.resolve("uploaded.jsonl")));
    Files.writeString(config.resolve("instruments.d/fast.yaml"), """
        id: fast
        driver: simulated
        poll: 50ms
        uplinks: [local]
        channels:
          - {name: level, wave: sine, amplitude: 1, period: 10s}
          - {name: walk, wave: random-walk, seed: 7}
        """);
    Files.writeString(config.resolve("instruments.d/slow.yaml"), """
        id: slow
        driver: simulated
        poll: 200ms
        uplinks: [local]
        channels:
          - {name: ramp, wave: ramp, slope: 1}
        """);
    AgentPlanner.Result r = new AgentPlanner(StandardComponents.create(), Map.<String, String>of()::get).plan(config);
    assertThat(r.problems()).isEmpty();
    return r.plan().orElseThrow();
  }

  private static List<JsonNode> lines(Path file) throws IOException {
    if (!Files.exists(file)) {
      return List.of();
    }
    List<JsonNode> out = new java.util.ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      out.add(JSON.readTree(line));
    }
    return out;
  }

  private static String key(String instrument, String channel, String time) {
    return instrument + "/" + channel + "@" + time;
  }

  @Test
  void uploadedFileHoldsExactlyWhatTheStatusReportsAndARestartLosesNothing() throws IOException {
    AgentPlan plan = plan();
    Path file = dir.resolve("uploaded.jsonl");

    Agent first = Agent.start(plan, InstantSource.system());
    await().atMost(Duration.ofSeconds(30)).until(() -> first.status().uploaded() >= 40);
    first.close();
    AgentStatus afterFirst = first.status();
    assertThat(afterFirst.polled()).isEqualTo(afterFirst.buffered()).isPositive();
    assertThat(lines(file)).hasSize((int) afterFirst.uploaded());

    Agent second = Agent.start(plan, InstantSource.system());
    await().atMost(Duration.ofSeconds(30)).until(() -> second.status().uploaded() >= 40);
    second.close();
    AgentStatus afterSecond = second.status();
    List<JsonNode> all = lines(file);
    assertThat(all).hasSize((int) (afterFirst.uploaded() + afterSecond.uploaded()));

    Set<String> uploaded = new HashSet<>();
    for (JsonNode n : all) {
      assertThat(n.get("kind").asText()).isEqualTo("sample");
      assertThat(n.get("value").isNumber()).isTrue();
      uploaded.add(key(n.get("instrument").asText(), n.get("channel").asText(), n.get("time").asText()));
    }
    // What was buffered but not yet uploaded is still waiting: nothing was lost, and the file
    // repeats only what an unacknowledged lease sent again (at least once).
    Set<String> waiting = new HashSet<>();
    try (SqliteBuffer buffer = SqliteBuffer.open(plan.buffer(), plan.channels(), InstantSource.system())) {
      for (Lease lease = buffer.lease("local", LeaseRequest.of(100_000)); !lease.isEmpty(); lease = buffer.lease("local", LeaseRequest.of(100_000))) {
        for (SampleRecord r : lease.samples()) {
          waiting.add(key(r.channel().instrument(), r.channel().channel(), io.ferry.uplink.Rfc3339.micros(r.sample().timeMicros())));
        }
        lease.ack();
      }
    }
    assertThat(waiting).doesNotContainAnyElementsOf(uploaded);
    assertThat(uploaded.size() + waiting.size()).isEqualTo(afterFirst.buffered() + afterSecond.buffered());
  }
}
