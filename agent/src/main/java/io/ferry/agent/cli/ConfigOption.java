package io.ferry.agent.cli;

import io.ferry.agent.plan.AgentPlan;
import io.ferry.agent.plan.AgentPlanner;
import io.ferry.agent.plan.StandardComponents;
import io.ferry.config.Problem;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Function;
import picocli.CommandLine.Option;

/** The {@code --config DIR} option shared by every command that reads a configuration. */
public final class ConfigOption {
  public static final String DEFAULT = "/etc/ferry";

  @Option(
      names = {"-c", "--config"},
      paramLabel = "DIR",
      defaultValue = DEFAULT,
      description = "Configuration directory holding agent.yaml and instruments.d/ (default: ${DEFAULT-VALUE}).")
  Path dir;

  /** Where {@code ${env:NAME}} is looked up: the process environment; tests set a fixed one. */
  Function<String, String> env = System::getenv;

  public Path dir() {
    return dir;
  }

  /** Plans {@code dir} with this build's components, or prints every problem to {@code out} and returns empty. */
  public Optional<AgentPlan> planOrReport(PrintWriter out) {
    return planOrReport(dir, env, out);
  }

  static Optional<AgentPlan> planOrReport(Path dir, Function<String, String> env, PrintWriter out) {
    return planOrReport(new AgentPlanner(StandardComponents.create(), env), dir, out);
  }

  /** As above with a given planner (the service keeps its components for reloads). */
  static Optional<AgentPlan> planOrReport(AgentPlanner planner, Path dir, PrintWriter out) {
    AgentPlanner.Result result = planner.plan(dir);
    for (Problem p : result.problems()) {
      out.println(p);
    }
    for (Problem w : result.warnings()) {
      out.println(w);
    }
    if (!result.ok()) {
      int n = result.problems().size();
      out.println(n + (n == 1 ? " error" : " errors") + " in " + dir);
    }
    out.flush();
    return result.plan();
  }
}
