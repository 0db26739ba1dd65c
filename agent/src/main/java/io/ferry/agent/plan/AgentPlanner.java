package io.ferry.agent.plan;

import io.ferry.buffer.BufferOptions;
import io.ferry.buffer.Synchronous;
import io.ferry.config.AgentConfig;
import io.ferry.config.BufferSettings;
import io.ferry.config.ConfigContext;
import io.ferry.config.ConfigLoader;
import io.ferry.config.InstrumentConfig;
import io.ferry.config.InstrumentInfo;
import io.ferry.config.Problem;
import io.ferry.config.Problems;
import io.ferry.config.UplinkSection;
import io.ferry.drivers.spi.DriverFactory;
import io.ferry.drivers.spi.DriverPlan;
import io.ferry.uplink.UplinkFactory;
import io.ferry.uplink.UplinkPlan;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Turns a configuration directory into an {@link AgentPlan}, or into the complete list of
 * problems: the common keys, every driver's and uplink's own keys, unknown keys everywhere, and
 * routes an uplink cannot carry. Reads files and secret references only.
 */
public final class AgentPlanner {
  private final Components components;
  private final Function<String, String> env;

  public AgentPlanner(Components components, Function<String, String> env) {
    this.components = components;
    this.env = env;
  }

  /** Either a plan or the problems; never both. Warnings come with either. */
  public record Result(Optional<AgentPlan> plan, List<Problem> problems, List<Problem> warnings) {
    public Result(Optional<AgentPlan> plan, List<Problem> problems) {
      this(plan, problems, List.of());
    }

    public boolean ok() {
      return plan.isPresent();
    }
  }

  public Result plan(Path configDir) {
    Problems problems = new Problems();
    ConfigContext ctx = new ConfigContext(problems, env);
    ConfigLoader.Loaded loaded =
        new ConfigLoader(ctx, components.driverNames(), components.uplinkRoutes()).load(configDir);

    List<PlannedInstrument> instruments = new ArrayList<>();
    for (InstrumentConfig ic : loaded.instruments()) {
      DriverFactory factory = components.driver(ic.info().driver()).orElseThrow();
      Optional<DriverPlan> plan = factory.plan(ic);
      plan.ifPresent(p -> {
        instruments.add(new PlannedInstrument(factory, p));
        unwritable(ic, p);
      });
    }
    for (InstrumentConfig duplicate : loaded.duplicates()) {
      components.driver(duplicate.info().driver()).orElseThrow().plan(duplicate);
    }
    List<InstrumentInfo> infos = loaded.instruments().stream().map(InstrumentConfig::info).toList();

    List<PlannedUplink> uplinks = new ArrayList<>();
    List<PlannedExtra> extras = new ArrayList<>();
    Optional<AgentConfig> agent = loaded.agent();
    if (agent.isPresent()) {
      for (UplinkSection section : agent.get().uplinks().values()) {
        UplinkFactory factory = components.uplink(section.type()).orElseThrow();
        Optional<UplinkPlan> plan = factory.plan(section, agent.get(), infos);
        plan.ifPresent(p -> uplinks.add(new PlannedUplink(factory, p)));
      }
      for (ExtraPlanner planner : components.extras()) {
        planner.plan(agent.get(), infos).ifPresent(extras::add);
      }
    }
    boolean mirrored = agent.flatMap(AgentConfig::mirror).isPresent();
    for (InstrumentConfig ic : loaded.instruments()) {
      for (io.ferry.config.ChannelConfig c : ic.channels()) {
        if (!mirrored && c.spec().write().flatMap(w -> w.follow()).isPresent()) {
          c.write().ifPresent(w -> w.error("follow", "follows a mirrored series, but agent.yaml has no mirror: section"));
        }
      }
    }
    java.time.Duration writeRetention = agent.flatMap(a -> a.fields().object("writes"))
        .map(w -> w.duration("retention", AgentPlan.DEFAULT_WRITE_RETENTION, java.time.Duration.ofHours(1), java.time.Duration.ofDays(3650)))
        .orElse(AgentPlan.DEFAULT_WRITE_RETENTION);
    ctx.finish();
    if (!problems.isEmpty() || agent.isEmpty()) {
      return new Result(Optional.empty(), problems.all(), problems.warnings());
    }
    AgentConfig a = agent.get();
    return new Result(
        Optional.of(new AgentPlan(configDir, a.gatewayId(), a.stateDir(), bufferOptions(a.buffer()), instruments, uplinks, extras, a.http(),
            writeRetention)),
        List.of(), problems.warnings());
  }

  /** Reports each {@code write:} key the instrument's driver cannot carry out: nothing else can be written. */
  private static void unwritable(InstrumentConfig ic, DriverPlan plan) {
    java.util.Set<io.ferry.core.ChannelId> targets = new java.util.HashSet<>();
    plan.writeTargets().forEach(t -> targets.add(t.channel()));
    for (io.ferry.config.ChannelConfig c : ic.channels()) {
      if (c.spec().writable() && !targets.contains(c.spec().id())) {
        c.fields().error("write", "the " + ic.info().driver() + " driver cannot write this channel"
            + (plan.writeTargets().isEmpty() ? " (it does not write at all)" : " (its register or node is read-only)"));
      }
    }
  }

  /** The buffer options of agent.yaml's validated {@code buffer} section (also used by CLI commands that open the buffer). */
  public static BufferOptions bufferOptions(BufferSettings b) {
    return new BufferOptions(
        b.path(),
        b.synchronous().equals("normal") ? Synchronous.NORMAL : Synchronous.FULL,
        b.commitInterval(),
        b.commitSamples(),
        b.maxSize(),
        b.maxAge(),
        b.leaseTimeout());
  }
}
