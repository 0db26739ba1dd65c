package io.ferry.drivers.testsupport;

import io.ferry.config.ConfigContext;
import io.ferry.config.ConfigLoader;
import io.ferry.config.InstrumentConfig;
import io.ferry.config.Problems;
import io.ferry.drivers.spi.DriverFactory;
import io.ferry.drivers.spi.DriverPlan;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Writes configuration directories and plans them the way {@code ferry check} does: the
 * {@link ConfigLoader}, then the driver's factory on every instrument, then
 * {@link ConfigContext#finish()} (unknown keys). Every driver's tests load their YAML through here.
 */
public final class TestConfigs {
  private TestConfigs() {}

  /** The plan (empty when invalid) and every problem, as {@code file:line:col path: message} lines. */
  public record Planned(Optional<DriverPlan> plan, List<String> problems) {
    public <T> T as(Class<T> type) {
      return type.cast(plan.orElseThrow(() -> new AssertionError("no plan: " + problems)));
    }
  }

  /** What loading a directory gave: the plan of every instrument the factory accepted, and all problems. */
  public record Loaded(List<DriverPlan> plans, Problems problems) {}

  /**
   * Plans {@code instrumentYaml} as {@code instruments.d/dev.yaml} beside a minimal agent.yaml;
   * agent.yaml's own problems (its uplinks are read by the lead's wiring) are left out.
   */
  public static Planned plan(Path dir, DriverFactory factory, String instrumentYaml) {
    write(dir, "gatewayId: test\n", "dev.yaml", instrumentYaml);
    Loaded loaded = load(dir, factory, Map.of(), Set.of("jsonl"), agent -> {});
    List<String> lines = loaded.problems().all().stream().map(Object::toString)
        .filter(l -> !l.startsWith("agent.yaml")).toList();
    Optional<DriverPlan> plan = loaded.plans().isEmpty() ? Optional.empty() : Optional.of(loaded.plans().get(loaded.plans().size() - 1));
    return new Planned(lines.isEmpty() ? plan : Optional.empty(), lines);
  }

  /** Writes {@code dir/agent.yaml} and {@code dir/instruments.d/<instrumentFile>}. */
  public static void write(Path dir, String agentYaml, String instrumentFile, String instrumentYaml) {
    try {
      Files.createDirectories(dir.resolve("instruments.d"));
      Files.writeString(dir.resolve("agent.yaml"), agentYaml);
      Files.writeString(dir.resolve("instruments.d").resolve(instrumentFile), instrumentYaml);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Loads {@code dir} with {@code factory} as the only driver and {@code uplinkTypes} as the known
   * uplink types, plans every instrument, lets {@code beforeFinish} mark keys read by others (for
   * example an uplink's), then reports unknown keys.
   */
  public static Loaded load(Path dir, DriverFactory factory, Map<String, String> env, Set<String> uplinkTypes,
      Consumer<ConfigLoader.Loaded> beforeFinish) {
    Problems problems = new Problems();
    ConfigContext ctx = ConfigContext.of(problems, env);
    ConfigLoader.Loaded loaded = new ConfigLoader(ctx, factory.names(), uplinkTypes).load(dir);
    List<DriverPlan> plans = new ArrayList<>();
    for (InstrumentConfig ic : loaded.instruments()) {
      factory.plan(ic).ifPresent(plans::add);
    }
    beforeFinish.accept(loaded);
    ctx.finish();
    return new Loaded(plans, problems);
  }
}
