package io.ferry.agent.cli;

import io.ferry.agent.plan.AgentPlan;
import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A command that prints something about a valid configuration ({@code check}, {@code plan}): it
 * plans {@code --config DIR}; on errors it prints them all and exits {@link Main#EXIT_INVALID},
 * else {@link #report} prints and chooses the exit code.
 */
abstract class PlanReportCommand implements Callable<Integer> {
  @Mixin ConfigOption config;
  @Spec CommandSpec spec;

  @Override
  public final Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    Optional<AgentPlan> planned = config.planOrReport(out);
    if (planned.isEmpty()) {
      return Main.EXIT_INVALID;
    }
    int code = report(planned.get(), out);
    out.flush();
    return code;
  }

  /** Prints about a plan that has no errors; returns the exit code. */
  abstract int report(AgentPlan plan, PrintWriter out);
}
