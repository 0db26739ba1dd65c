package io.ferry.agent.plan;


import io.ferry.config.AgentConfig;
import io.ferry.config.InstrumentInfo;
import io.ferry.core.Sleeper;
import io.ferry.mirror.MirrorPlan;
import io.ferry.mirror.MirrorPlanner;
import io.ferry.mirror.MirrorService;
import io.ferry.mirror.MirrorStatus;
import java.sql.SQLException;
import java.util.List;
import okhttp3.OkHttpClient;

/** Wires the Cognite subscription mirror ({@code mirror:} in agent.yaml) into the agent. */
final class MirrorExtra implements PlannedExtra {
  private final MirrorPlan plan;

  private MirrorExtra(MirrorPlan plan) {
    this.plan = plan;
  }

  /** Plans the mirror when agent.yaml has a {@code mirror:} section. */
  static ExtraPlanner planner() {
    return (AgentConfig agent, List<InstrumentInfo> instruments) ->
        agent.mirror().flatMap(MirrorPlanner::plan).map(MirrorExtra::new);
  }

  @Override
  public String name() {
    return "mirror";
  }

  @Override
  public List<String> describe() {
    return plan.describe();
  }

  @Override
  public RunningExtra start(ExtraContext context) {
    // Its own client: a long poll must not share a dispatcher limit with the uplinks.
    MirrorService service = new MirrorService(plan, context.buffer().file(), context.clock(), new OkHttpClient(), Sleeper.system());
    try {
      service.start();
    } catch (SQLException e) {
      throw new IllegalStateException("cannot open the mirror tables in " + context.buffer().file() + ": " + e.getMessage(), e);
    }
    return new RunningExtra() {
      @Override
      public String statusFragment() {
        MirrorStatus s = service.status();
        return "mirror: " + s.state() + ", " + s.series() + " series, " + s.points() + " points";
      }

      @Override
      public java.util.Optional<MirrorStatus> mirrorStatus() {
        return java.util.Optional.of(service.status());
      }

      @Override
      public void close() {
        service.close();
      }
    };
  }
}
