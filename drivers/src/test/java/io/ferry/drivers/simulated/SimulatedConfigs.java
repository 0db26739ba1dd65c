package io.ferry.drivers.simulated;

import io.ferry.config.ConfigContext;
import io.ferry.config.ConfigLoader;
import io.ferry.config.Problems;
import io.ferry.drivers.spi.DriverPlan;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
    Problems problems = new Problems();
    ConfigContext context = ConfigContext.of(problems, Map.of());
    ConfigLoader.Loaded loaded = new ConfigLoader(context, Set.of(SimulatedDriverFactory.NAME), Set.of("jsonl")).load(dir);
    loaded.agent().ifPresent(a -> a.uplinks().values().forEach(u -> u.fields().allow("path")));
    SimulatedDriverFactory factory = new SimulatedDriverFactory();
    List<DriverPlan> plans = new ArrayList<>();
    loaded.instruments().forEach(i -> factory.plan(i).ifPresent(plans::add));
    context.finish();
    return new Result(plans, problems);
  }

  /** A config directory in {@code root} holding one instrument file with {@code yaml}. */
  static Result loadInstrument(Path root, String yaml) {
    try {
      Files.writeString(root.resolve("agent.yaml"), AGENT);
      Path inst = Files.createDirectories(root.resolve("instruments.d"));
      Files.writeString(inst.resolve("sim.yaml"), yaml);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return load(root);
  }
}
