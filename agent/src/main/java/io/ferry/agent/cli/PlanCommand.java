package io.ferry.agent.cli;

import io.ferry.agent.plan.AgentPlan;
import io.ferry.agent.plan.PlannedExtra;
import io.ferry.agent.plan.PlannedInstrument;
import io.ferry.agent.plan.PlannedUplink;
import io.ferry.config.Durations;
import io.ferry.config.InstrumentInfo;
import io.ferry.core.ChannelSpec;
import io.ferry.core.ReportSpec;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Command;

/** {@code ferry plan}: prints what each instrument and uplink will do (requests, nodes, topics), without connecting. */
@Command(
    name = "plan",
    mixinStandardHelpOptions = true,
    description = "Print each instrument's planned requests and each uplink's settings, without connecting to anything.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:printed", "1:the configuration has errors (all are printed)"})
public final class PlanCommand extends PlanReportCommand {
  @Override
  int report(AgentPlan plan, PrintWriter out) {
    out.println("gateway " + plan.gatewayId() + ", state in " + plan.stateDir() + ", buffer " + plan.buffer().file()
        + " (synchronous " + plan.buffer().synchronous().name().toLowerCase() + ")");
    for (PlannedInstrument pi : plan.instruments()) {
      InstrumentInfo i = pi.info();
      boolean streaming = pi.plan().streaming();
      int polls = plan.http().map(h -> h.instrumentFailures()).orElse(InstrumentInfo.DEFAULT_STALE_POLLS);
      String stale = i.staleLimit(streaming, polls).map(d -> "stale after " + Durations.format(d)
          + (i.stale().isPresent() ? "" : " (" + polls + " polls + timeout)")).orElse("no stale limit (streaming)");
      section(out, "instrument " + i.id() + " (" + i.driver() + ", " + i.file() + "), "
          + (streaming ? "streaming" : "poll " + Durations.format(i.poll()) + ", timeout " + Durations.format(i.pollTimeout()))
          + ", " + stale + ", " + i.channels().size() + " channels, uplinks " + i.uplinks(),
          withReport(pi.plan().describe(), i));
    }
    for (PlannedUplink pu : plan.uplinks()) {
      section(out, "uplink " + pu.name() + " (" + pu.plan().type() + ")", pu.plan().describe());
    }
    for (PlannedExtra e : plan.extras()) {
      section(out, e.name(), e.describe());
    }
    return Main.EXIT_OK;
  }

  /** The driver's lines, then one line per channel with report: (defaults applied), so inheritance is visible. */
  static List<String> withReport(List<String> lines, InstrumentInfo i) {
    List<String> out = new java.util.ArrayList<>(lines);
    for (ChannelSpec c : i.channels()) {
      c.report().ifPresent(r -> out.add("report " + c.id().channel() + ": " + describe(r)
          + (c.unfiltered().isEmpty() ? "" : "; every sample to " + String.join(", ", new java.util.TreeSet<>(c.unfiltered())))));
    }
    return out;
  }

  static String describe(ReportSpec r) {
    String band = r.onChange() ? "on change"
        : r.deadbandPercent() > 0
            ? number(r.deadbandPercent()) + " % of " + (r.span() > 0 ? "span " + number(r.span()) : "the last sent value")
            : "deadband " + number(r.deadband());
    return band + ", heartbeat " + Durations.format(r.heartbeat()) + ", gap " + Durations.format(r.gap())
        + (r.keepEdges() ? ", keepEdges" : "");
  }

  private static String number(double d) {
    return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
  }

  /** A blank line, the heading, then the described lines indented by two spaces. */
  private static void section(PrintWriter out, String heading, List<String> lines) {
    out.println();
    out.println(heading);
    for (String line : lines) {
      out.println("  " + line);
    }
  }
}
