package io.ferry.drivers.mqtt;

import io.ferry.config.ConfigContext;
import io.ferry.config.ConfigLoader;
import io.ferry.config.InstrumentConfig;
import io.ferry.config.Problems;
import io.ferry.drivers.spi.DriverPlan;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Plans an instrument YAML the way the agent does: ConfigLoader, then the factory, then finish(). */
final class TestPlans {
  private TestPlans() {}

  record Outcome(Optional<DriverPlan> plan, Problems problems) {
    MqttPlan mqtt() {
      if (plan.isEmpty() || !problems.isEmpty()) {
        throw new AssertionError("expected a valid plan, got problems:\n" + problems);
      }
      return (MqttPlan) plan.get();
    }
  }

  static Outcome plan(Path dir, String instrumentYaml) {
    return plan(dir, instrumentYaml, Map.of());
  }

  static Outcome plan(Path dir, String instrumentYaml, Map<String, String> env) {
    try {
      Files.createDirectories(dir.resolve("instruments.d"));
      Files.writeString(dir.resolve("agent.yaml"), "gatewayId: gw1\nstateDir: " + dir.resolve("state") + "\n");
      Files.writeString(dir.resolve("instruments.d/inst.yaml"), instrumentYaml);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Problems problems = new Problems();
    ConfigContext ctx = ConfigContext.of(problems, env);
    ConfigLoader.Loaded loaded = new ConfigLoader(ctx, Set.of(MqttDriverFactory.NAME), Set.of()).load(dir);
    Optional<DriverPlan> plan = Optional.empty();
    for (InstrumentConfig ic : loaded.instruments()) {
      plan = new MqttDriverFactory().plan(ic);
    }
    ctx.finish();
    return new Outcome(plan, problems);
  }
}
