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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Writes an instrument file into a temporary config directory and plans it the way {@code ferry check} does. */
public final class TestConfigs {
  private TestConfigs() {}

  /** The plan (empty when invalid) and every problem, as {@code file:line:col path: message} lines. */
  public record Planned(Optional<DriverPlan> plan, List<String> problems) {
    public <T> T as(Class<T> type) {
      return type.cast(plan.orElseThrow(() -> new AssertionError("no plan: " + problems)));
    }
  }

  public static Planned plan(Path dir, DriverFactory factory, String instrumentYaml) {
    try {
      Files.createDirectories(dir.resolve("instruments.d"));
      Files.writeString(dir.resolve("agent.yaml"), "gatewayId: test\n");
      Files.writeString(dir.resolve("instruments.d/dev.yaml"), instrumentYaml);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Problems problems = new Problems();
    ConfigContext ctx = ConfigContext.of(problems, Map.of());
    ConfigLoader loader = new ConfigLoader(ctx, factory.names(), Set.of("jsonl"));
    ConfigLoader.Loaded loaded = loader.load(dir);
    Optional<DriverPlan> plan = Optional.empty();
    for (InstrumentConfig ic : loaded.instruments()) {
      plan = factory.plan(ic);
    }
    ctx.finish();
    // the uplinks section is read by the lead's wiring, not here
    List<String> lines = problems.all().stream().map(Object::toString)
        .filter(l -> !l.startsWith("agent.yaml")).toList();
    return new Planned(lines.isEmpty() ? plan : Optional.empty(), lines);
  }
}
