package io.ferry.agent.cli;

import io.ferry.agent.plan.AgentPlan;
import io.ferry.agent.plan.AgentPlanner;
import io.ferry.agent.plan.StandardComponents;
import io.ferry.config.Problem;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Consumer;
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

  public Path dir() {
    return dir;
  }

  /** Plans {@code dir} with this build's components, or prints every problem to {@code out} and returns empty. */
  public Optional<AgentPlan> planOrReport(PrintWriter out) {
    return planOrReport(dir, System::getenv, out);
  }

  /**
   * The body of the commands that print something about a valid configuration ({@code check},
   * {@code plan}): plans {@code dir}; on errors prints them and returns {@link Main#EXIT_INVALID},
   * else lets {@code report} print the plan, flushes and returns {@link Main#EXIT_OK}.
   */
  public int reportPlan(PrintWriter out, Consumer<AgentPlan> report) {
    Optional<AgentPlan> planned = planOrReport(out);
    if (planned.isEmpty()) {
      return Main.EXIT_INVALID;
    }
    report.accept(planned.get());
    out.flush();
    return Main.EXIT_OK;
  }

  static Optional<AgentPlan> planOrReport(Path dir, Function<String, String> env, PrintWriter out) {
    AgentPlanner.Result result = new AgentPlanner(StandardComponents.create(), env).plan(dir);
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
