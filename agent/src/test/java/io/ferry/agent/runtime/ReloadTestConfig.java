package io.ferry.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.agent.plan.AgentPlan;
import io.ferry.agent.plan.AgentPlanner;
import io.ferry.agent.plan.StandardComponents;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** A configuration directory the reload tests edit: agent.yaml with two jsonl uplinks, instruments a and b. */
final class ReloadTestConfig {
  final Path root;
  final Path config;

  ReloadTestConfig(Path root) {
    this.root = root;
    this.config = root.resolve("config");
    agent("maxSize: 64MiB", "other.jsonl");
    instrument("a", "1s", "amplitude: 1");
    instrument("b", "1s", "amplitude: 1");
  }

  void agent(String bufferExtra, String otherFile) {
    write("agent.yaml", """
        gatewayId: test
        stateDir: %s
        buffer: {synchronous: full, commitInterval: 20ms, %s}
        uplinks:
          local: {type: jsonl, path: %s}
          other: {type: jsonl, path: %s}
        """.formatted(root.resolve("state"), bufferExtra, root.resolve("uploaded.jsonl"), root.resolve(otherFile)));
  }

  void instrument(String id, String poll, String waveExtra) {
    write("instruments.d/" + id + ".yaml", """
        # instrument %s
        id: %s
        driver: simulated
        poll: %s
        uplinks: [local, other]
        channels:
          - {name: level, wave: sine, period: 10s, %s}
        """.formatted(id, id, poll, waveExtra));
  }

  void write(String file, String text) {
    try {
      Path p = config.resolve(file);
      Files.createDirectories(p.getParent());
      Files.writeString(p, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  String read(String file) {
    try {
      return Files.readString(config.resolve(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  void delete(String file) {
    try {
      Files.delete(config.resolve(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  AgentPlanner planner() {
    return new AgentPlanner(StandardComponents.create(), Map.<String, String>of()::get);
  }

  AgentPlan plan() {
    AgentPlanner.Result r = planner().plan(config);
    assertThat(r.problems()).isEmpty();
    return r.plan().orElseThrow();
  }
}
