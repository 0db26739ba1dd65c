package io.ferry.uplink.atomscale;

import io.ferry.config.AgentConfig;
import io.ferry.config.Fields;
import io.ferry.config.InstrumentInfo;
import io.ferry.config.Secret;
import io.ferry.config.UplinkSection;
import io.ferry.core.ChannelSpec;
import io.ferry.core.Route;
import io.ferry.http.BaseUrl;
import io.ferry.http.Redact;
import io.ferry.uplink.RunnerSettings;
import io.ferry.uplink.UplinkContext;
import io.ferry.uplink.UplinkFactory;
import io.ferry.uplink.UplinkPlan;
import io.ferry.uplink.UplinkRunner;
import io.ferry.uplink.UplinkService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import okhttp3.HttpUrl;

/** {@code type: atomscale}: multi-channel chunk streams, one per instrument. */
public final class AtomscaleUplinkFactory implements UplinkFactory {
  @Override
  public String type() {
    return AtomscalePlan.TYPE;
  }

  @Override
  public Set<Route> routes() {
    return EnumSet.of(Route.RAW);
  }

  @Override
  public Optional<UplinkPlan> plan(UplinkSection section, AgentConfig agent, List<InstrumentInfo> instruments) {
    Fields f = section.fields();
    Optional<HttpUrl> base = BaseUrl.read(f, "url", "https://api.atomscale.ai");
    Optional<Secret> key = Redact.requiredSecret(f, "apiKey");
    String prefix = f.string("pathPrefix", "/metrology");
    if (!prefix.matches("(/[A-Za-z0-9_.-]+)+")) {
      f.error("pathPrefix", "expected a path such as /metrology or /tool-state, got \"" + prefix + "\"");
    }
    int points = f.integer("pointsPerChunk", 100, 1, 100_000);
    Optional<String> project = f.string("projectId");
    java.util.OptionalLong synthId = f.longValue("synthSourceId", 0, Long.MAX_VALUE);
    Optional<Long> synth = synthId.isPresent() ? Optional.of(synthId.getAsLong()) : Optional.empty();
    String namePrefix = f.string("streamNamePrefix", "");
    Map<String, List<AtomscalePlan.ChannelUnit>> streams = new LinkedHashMap<>();
    int widest = 1;
    int total = 0;
    for (InstrumentInfo inst : instruments) {
      List<AtomscalePlan.ChannelUnit> chs = new ArrayList<>();
      for (ChannelSpec spec : inst.channels()) {
        if (spec.routes(section.name(), Route.RAW)) {
          chs.add(new AtomscalePlan.ChannelUnit(spec.id().channel(), spec.unit()));
        }
      }
      if (!chs.isEmpty()) {
        streams.put(inst.id(), List.copyOf(chs));
        widest = Math.max(widest, chs.size());
        total += chs.size();
      }
    }
    // Leases take the oldest records of every instrument: one must hold a chunk of each, with room for the next.
    // (The engine grows a lease that is full yet holds no complete chunk, up to 16x batchSize.)
    RunnerSettings runner = RunnerSettings.read(f, Math.max(20_000, 2 * points * total), Duration.ZERO, Duration.ofMillis(500));
    if (runner.batchRecords() < points * widest) {
      f.error("batchSize", "must hold at least one chunk: pointsPerChunk x channels = " + (points * widest));
    }
    if (base.isEmpty() || key.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new AtomscalePlan(section.name(), base.get(), prefix, key.get(), points, project, synth, namePrefix,
        streams, runner));
  }

  @Override
  public UplinkService open(UplinkPlan plan, UplinkContext context) {
    AtomscalePlan p = (AtomscalePlan) plan;
    AtomscaleStreams streams = new AtomscaleStreams(p, context.buffer().uplinkState(p.name()), context.clock());
    return new UplinkRunner(p.name(), p.type(), p.runner(), new AtomscaleHandler(p, streams), context);
  }
}
