package io.ferry.drivers.mqtt;

import io.ferry.config.Problems;
import io.ferry.drivers.spi.DriverPlan;
import io.ferry.drivers.testsupport.TestConfigs;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Plans an instrument YAML the way the agent does ({@link TestConfigs#load}), as an {@link MqttPlan}. */
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
    TestConfigs.write(dir, "gatewayId: gw1\nstateDir: " + dir.resolve("state") + "\n", "inst.yaml", instrumentYaml);
    TestConfigs.Loaded loaded = TestConfigs.load(dir, new MqttDriverFactory(), env, Set.of(), agent -> {});
    List<DriverPlan> plans = loaded.plans();
    return new Outcome(plans.isEmpty() ? Optional.empty() : Optional.of(plans.get(plans.size() - 1)), loaded.problems());
  }
}
