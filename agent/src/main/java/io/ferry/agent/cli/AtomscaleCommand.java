package io.ferry.agent.cli;


import io.ferry.agent.plan.AgentPlanner;
import io.ferry.buffer.Buffer;
import io.ferry.buffer.BufferOptions;
import io.ferry.buffer.SqliteBuffer;
import io.ferry.config.AgentConfig;
import io.ferry.config.ConfigContext;
import io.ferry.config.ConfigLoader;
import io.ferry.config.ConfigNode;
import io.ferry.config.InstrumentConfig;
import io.ferry.config.InstrumentInfo;
import io.ferry.config.Problem;
import io.ferry.config.Problems;
import io.ferry.config.UplinkSection;
import io.ferry.config.YamlReader;
import io.ferry.core.Sleeper;
import io.ferry.uplink.UplinkContext;
import io.ferry.uplink.UplinkPlan;
import io.ferry.uplink.atomscale.AtomscaleFinalizer;
import io.ferry.uplink.atomscale.AtomscalePlan;
import io.ferry.uplink.atomscale.AtomscaleUplinkFactory;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import okhttp3.OkHttpClient;
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
      Problems problems = new Problems();
      ConfigContext ctx = ConfigContext.ofSystem(problems);
      Names names = Names.scan(config);
      ConfigLoader.Loaded loaded = new ConfigLoader(ctx, names.drivers, names.uplinkTypes).load(config);
      if (loaded.agent().isEmpty()) {
        printProblems(err, problems);
        return 1;
      }
      AgentConfig agent = loaded.agent().get();
      List<InstrumentInfo> infos = loaded.instruments().stream().map(InstrumentConfig::info).toList();
      if (infos.stream().noneMatch(i -> i.id().equals(instrument))) {
        err.println("instrument \"" + instrument + "\" is not defined in " + config.resolve(ConfigLoader.INSTRUMENTS_DIR));
        printProblems(err, problems);
        return 1;
      }
      List<UplinkSection> sections = agent.uplinks().values().stream()
          .filter(u -> u.type().equals(AtomscalePlan.TYPE) && (uplink == null || u.name().equals(uplink))).toList();
      if (sections.size() != 1) {
        err.println(sections.isEmpty() ? "no atomscale uplink" + (uplink == null ? "" : " named \"" + uplink + "\"") + " in agent.yaml"
            : "several atomscale uplinks: choose one with --uplink");
        return 1;
      }
      Optional<UplinkPlan> plan = new AtomscaleUplinkFactory().plan(sections.get(0), agent, infos);
      if (plan.isEmpty()) {
        printProblems(err, problems);
        return 1;
      }
      BufferOptions options = AgentPlanner.bufferOptions(agent.buffer());
      List<io.ferry.core.ChannelSpec> channels = infos.stream().flatMap(i -> i.channels().stream()).toList();
      try (Buffer buffer = SqliteBuffer.open(options, channels, InstantSource.system())) {
        UplinkContext uc = new UplinkContext(buffer, InstantSource.system(), new OkHttpClient(), Sleeper.system(), new SplittableRandom());
        AtomscaleFinalizer.Result r = AtomscaleFinalizer.run((AtomscalePlan) plan.get(), instrument, uc);
        out.println(r.finalized().map(id -> "finalized stream " + id + " of " + instrument)
            .orElse("no open stream for " + instrument + ": nothing to finalize")
            + " (" + r.chunks() + " chunks, " + r.samples() + " samples sent" + (r.dropped() > 0 ? ", " + r.dropped() + " non-finite values dropped" : "") + ")");
        return 0;
      } catch (AtomscaleFinalizer.FinalizeException e) {
        err.println("ferry atomscale finalize: " + e.getMessage());
        return 3;
      } catch (RuntimeException e) {
        err.println("ferry atomscale finalize: " + e.getClass().getSimpleName() + ": " + e.getMessage());
        return 3;
      }
    }

    private static void printProblems(PrintWriter err, Problems problems) {
      for (Problem p : problems.all()) {
        err.println(p);
      }
    }
  }

  /**
   * The driver names and uplink types the files use. This command needs only the uplink and the
   * instruments' common keys, so it accepts whatever names are written (the agent's {@code check}
   * validates them against the real registries).
   */
  record Names(Set<String> drivers, Set<String> uplinkTypes) {
    static Names scan(Path dir) {
      Set<String> drivers = new HashSet<>();
      Set<String> types = new HashSet<>(Set.of(AtomscalePlan.TYPE));
      Problems ignored = new Problems();
      read(dir.resolve(ConfigLoader.AGENT_FILE), ignored).ifPresent(n -> {
        if (n instanceof ConfigNode.MapNode m && m.entries().get("uplinks") instanceof ConfigNode.MapNode u) {
          for (ConfigNode section : u.entries().values()) {
            if (section instanceof ConfigNode.MapNode s && s.entries().get("type") instanceof ConfigNode.Scalar t) {
              types.add(t.text());
            }
          }
        }
      });
      Path inst = dir.resolve(ConfigLoader.INSTRUMENTS_DIR);
      if (Files.isDirectory(inst)) {
        try (Stream<Path> files = Files.list(inst)) {
          files.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).forEach(p -> read(p, ignored).ifPresent(n -> {
            if (n instanceof ConfigNode.MapNode m && m.entries().get("driver") instanceof ConfigNode.Scalar d) {
              drivers.add(d.text());
            }
          }));
        } catch (IOException e) {
          // the loader reports unreadable directories itself
        }
      }
      return new Names(drivers, types);
    }

    private static Optional<ConfigNode> read(Path file, Problems problems) {
      try {
        return YamlReader.read(file.getFileName().toString(), Files.readString(file, StandardCharsets.UTF_8), problems);
      } catch (IOException e) {
        return Optional.empty();
      }
    }
  }
}
