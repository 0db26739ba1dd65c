package io.ferry.agent.cli;

import io.ferry.agent.runtime.AgentPlan;
import io.ferry.agent.runtime.PlannedExtra;
import io.ferry.agent.runtime.PlannedInstrument;
import io.ferry.agent.runtime.PlannedUplink;
import io.ferry.config.Durations;
import io.ferry.config.InstrumentInfo;
import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code ferry plan}: prints what each instrument and uplink will do (requests, nodes, topics), without connecting. */
@Command(
    name = "plan",
    mixinStandardHelpOptions = true,
    description = "Print each instrument's planned requests and each uplink's settings, without connecting to anything.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:printed", "1:the configuration has errors (all are printed)"})
public final class PlanCommand implements Callable<Integer> {
  @Mixin ConfigOption config;
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    Optional<AgentPlan> planned = config.planOrReport(out);
    if (planned.isEmpty()) {
      return Main.EXIT_INVALID;
    }
    AgentPlan plan = planned.get();
    out.println("gateway " + plan.gatewayId() + ", state in " + plan.stateDir() + ", buffer " + plan.buffer().file()
        + " (synchronous " + plan.buffer().synchronous().name().toLowerCase() + ")");
    for (PlannedInstrument pi : plan.instruments()) {
      InstrumentInfo i = pi.info();
      out.println();
      out.println("instrument " + i.id() + " (" + i.driver() + ", " + i.file() + "), poll " + Durations.format(i.poll())
          + ", timeout " + Durations.format(i.pollTimeout()) + ", " + i.channels().size() + " channels, uplinks " + i.uplinks());
      for (String line : pi.plan().describe()) {
        out.println("  " + line);
      }
    }
    for (PlannedUplink pu : plan.uplinks()) {
      out.println();
      out.println("uplink " + pu.name() + " (" + pu.plan().type() + ")");
      for (String line : pu.plan().describe()) {
        out.println("  " + line);
      }
    }
    for (PlannedExtra e : plan.extras()) {
      out.println();
      out.println(e.name());
      for (String line : e.describe()) {
        out.println("  " + line);
      }
    }
    out.flush();
    return Main.EXIT_OK;
  }
}
