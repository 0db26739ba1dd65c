package io.ferry.drivers.opcua;

import io.ferry.config.ConfigContext;
import io.ferry.config.ConfigLoader;
import io.ferry.config.InstrumentConfig;
import io.ferry.config.Problems;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Plans instrument YAML through the real config loader, as {@code ferry check} does. */
final class Plans {
  record Result(Optional<OpcUaPlan> plan, Problems problems) {}

  private Plans() {}

  static Result plan(Path dir, String yaml, Map<String, String> env) {
    try {
      Files.createDirectories(dir.resolve("instruments.d"));
      Files.writeString(dir.resolve("agent.yaml"), "gatewayId: test\n");
      Files.writeString(dir.resolve("instruments.d/opc.yaml"), yaml);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Problems problems = new Problems();
    ConfigContext ctx = ConfigContext.of(problems, env);
    ConfigLoader.Loaded loaded = new ConfigLoader(ctx, java.util.Set.of("opcua"), java.util.Set.of()).load(dir);
    List<InstrumentConfig> instruments = loaded.instruments();
    Optional<OpcUaPlan> plan = instruments.isEmpty() ? Optional.empty() : OpcUaPlanner.plan(instruments.get(0));
    ctx.finish();
    return new Result(plan, problems);
  }

  /** Plans YAML that must be valid. */
  static OpcUaPlan valid(Path dir, String yaml, Map<String, String> env) {
    Result r = plan(dir, yaml, env);
    if (!r.problems().isEmpty() || r.plan().isEmpty()) {
      throw new AssertionError("expected a valid plan, got: " + r.problems());
    }
    return r.plan().get();
  }
}
