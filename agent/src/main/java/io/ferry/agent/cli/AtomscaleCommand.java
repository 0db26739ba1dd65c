package io.ferry.agent.cli;

import io.ferry.agent.plan.AgentPlanner;
import io.ferry.buffer.Buffer;
import io.ferry.buffer.BufferOptions;
import io.ferry.buffer.SqliteBuffer;
import io.ferry.config.AgentConfig;
import io.ferry.config.ConfigLoader;
import io.ferry.config.InstrumentConfig;
import io.ferry.config.InstrumentInfo;
import io.ferry.config.Problem;
import io.ferry.config.UplinkSection;
import io.ferry.uplink.UplinkContext;
import io.ferry.uplink.UplinkPlan;
import io.ferry.uplink.atomscale.AtomscaleFinalizer;
import io.ferry.uplink.atomscale.AtomscalePlan;
import io.ferry.uplink.atomscale.AtomscaleUplinkFactory;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** {@code ferry atomscale ...}: operations on Atomscale streams. */
@Command(name = "atomscale", mixinStandardHelpOptions = true, description = "Operations on Atomscale streams.",
    subcommands = {AtomscaleCommand.Finalize.class})
public final class AtomscaleCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** {@code ferry atomscale finalize --config DIR --instrument X}. */
  @Command(name = "finalize", mixinStandardHelpOptions = true,
      description = {"Sends the instrument's buffered samples (the last chunk may be partial) and finalizes its stream.",
          "Stop the agent first. The next sample of the instrument starts a new stream."})
  public static final class Finalize implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--config", required = true, paramLabel = "DIR", description = "configuration directory (agent.yaml, instruments.d/)")
    Path config;

    @Option(names = "--instrument", required = true, paramLabel = "ID", description = "instrument id")
    String instrument;

    @Option(names = "--uplink", paramLabel = "NAME", description = "the atomscale uplink, when agent.yaml defines several")
    String uplink;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      ScopedConfig scoped = ScopedConfig.load(config, Set.of(AtomscalePlan.TYPE));
      ConfigLoader.Loaded loaded = scoped.loaded();
      if (loaded.agent().isEmpty()) {
        printProblems(err, scoped.in(ConfigLoader.AGENT_FILE));
        return Main.EXIT_INVALID;
      }
      AgentConfig agent = loaded.agent().get();
      List<InstrumentInfo> infos = loaded.instruments().stream().map(InstrumentConfig::info).toList();
      if (infos.stream().noneMatch(i -> i.id().equals(instrument))) {
        err.println("instrument \"" + instrument + "\" is not defined in " + config.resolve(ConfigLoader.INSTRUMENTS_DIR));
        printProblems(err, scoped.problems().stream().filter(p -> p.path().equals("id") || p.path().equals("driver")).toList());
        return Main.EXIT_INVALID;
      }
      List<UplinkSection> sections = agent.uplinks().values().stream()
          .filter(u -> u.type().equals(AtomscalePlan.TYPE) && (uplink == null || u.name().equals(uplink))).toList();
      if (sections.size() != 1) {
        err.println(sections.isEmpty() ? "no atomscale uplink" + (uplink == null ? "" : " named \"" + uplink + "\"") + " in agent.yaml"
            : "several atomscale uplinks: choose one with --uplink");
        return Main.EXIT_INVALID;
      }
      Optional<UplinkPlan> plan = new AtomscaleUplinkFactory().plan(sections.get(0), agent, infos);
      if (plan.isEmpty()) {
        printProblems(err, scoped.in(ConfigLoader.AGENT_FILE));
        return Main.EXIT_INVALID;
      }
      BufferOptions options = AgentPlanner.bufferOptions(agent.buffer());
      List<io.ferry.core.ChannelSpec> channels = infos.stream().flatMap(i -> i.channels().stream()).toList();
      try (Buffer buffer = SqliteBuffer.open(options, channels, InstantSource.system())) {
        UplinkContext uc = UplinkContext.system(buffer);
        AtomscaleFinalizer.Result r = AtomscaleFinalizer.run((AtomscalePlan) plan.get(), instrument, uc);
        out.println(r.finalized().map(id -> "finalized stream " + id + " of " + instrument)
            .orElse("no open stream for " + instrument + ": nothing to finalize")
            + " (" + r.chunks() + " chunks, " + r.samples() + " samples sent" + (r.dropped() > 0 ? ", " + r.dropped() + " non-finite values dropped" : "") + ")");
        return Main.EXIT_OK;
      } catch (AtomscaleFinalizer.FinalizeException e) {
        err.println("ferry atomscale finalize: " + e.getMessage());
        return Main.EXIT_RUNTIME;
      } catch (RuntimeException e) {
        err.println("ferry atomscale finalize: " + Main.describe(e));
        return Main.EXIT_RUNTIME;
      }
    }

    private static void printProblems(PrintWriter err, List<Problem> problems) {
      for (Problem p : problems) {
        err.println(p);
      }
    }
  }
}
