package io.ferry.drivers.simulated;

import io.ferry.config.Problems;
import io.ferry.drivers.spi.DriverPlan;
import io.ferry.drivers.testsupport.TestConfigs;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Loads configuration directories the way {@code ferry check} does, with the simulated factory as the only driver. */
final class SimulatedConfigs {
  static final String AGENT = "gatewayId: test\nuplinks:\n  local: {type: jsonl, path: ./out.jsonl}\n";

  record Result(List<DriverPlan> plans, Problems problems) {
    List<String> messages() {
      return problems.all().stream().map(Object::toString).toList();
    }
  }

  private SimulatedConfigs() {}

  /** Loads {@code dir}, plans every instrument, then reports unknown keys. The jsonl uplink's {@code path} is allowed here (its planner lives elsewhere). */
  static Result load(Path dir) {
    TestConfigs.Loaded loaded = TestConfigs.load(dir, new SimulatedDriverFactory(), Map.of(), Set.of("jsonl"),
        config -> config.agent().ifPresent(a -> a.uplinks().values().forEach(u -> u.fields().allow("path"))));
    return new Result(loaded.plans(), loaded.problems());
  }

  /** A config directory in {@code root} holding one instrument file with {@code yaml}. */
  static Result loadInstrument(Path root, String yaml) {
    TestConfigs.write(root, AGENT, "sim.yaml", yaml);
    return load(root);
  }
}
