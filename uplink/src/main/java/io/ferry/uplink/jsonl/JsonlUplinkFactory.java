package io.ferry.uplink.jsonl;

import io.ferry.config.AgentConfig;
import io.ferry.config.Fields;
import io.ferry.config.InstrumentInfo;
import io.ferry.config.Templates;
import io.ferry.config.UplinkSection;
import io.ferry.uplink.RunnerSettings;
import io.ferry.uplink.UplinkContext;
import io.ferry.uplink.UplinkFactory;
import io.ferry.uplink.UplinkPlan;
import io.ferry.uplink.UplinkRunner;
import io.ferry.uplink.UplinkService;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** {@code type: jsonl}: a local file of JSON lines (demo, debugging, air-gapped sites). */
public final class JsonlUplinkFactory implements UplinkFactory {
  @Override
  public String type() {
    return JsonlPlan.TYPE;
  }

  @Override
  public Optional<UplinkPlan> plan(UplinkSection section, AgentConfig agent, List<InstrumentInfo> instruments) {
    Fields f = section.fields();
    Optional<String> path = f.requiredString("path");
    // No placeholders here: "{instrument}" would name one literal file, never one per instrument.
    Optional<String> problem = path.flatMap(p -> Templates.problem(p, List.of()));
    if (problem.isPresent()) {
      f.error("path", problem.get());
      path = Optional.empty();
    }
    RunnerSettings runner = RunnerSettings.read(f, 10_000, Duration.ZERO, Duration.ofSeconds(1));
    if (path.isEmpty()) {
      return Optional.empty();
    }
    Path p = Path.of(path.get());
    if (!p.isAbsolute()) {
      p = agent.stateDir().resolve(p);
    }
    return Optional.of(new JsonlPlan(section.name(), p, runner));
  }

  @Override
  public UplinkService open(UplinkPlan plan, UplinkContext context) {
    JsonlPlan p = (JsonlPlan) plan;
    return new UplinkRunner(p.name(), p.type(), p.runner(), new JsonlHandler(p.path()), context);
  }
}
