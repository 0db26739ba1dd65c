package io.ferry.uplink.tempodb;

import io.ferry.config.AgentConfig;
import io.ferry.config.Fields;
import io.ferry.config.InstrumentInfo;
import io.ferry.config.Secret;
import io.ferry.config.UplinkSection;
import io.ferry.http.BaseUrl;
import io.ferry.http.Redact;
import io.ferry.uplink.RunnerSettings;
import io.ferry.uplink.UplinkContext;
import io.ferry.uplink.UplinkFactory;
import io.ferry.uplink.UplinkPlan;
import io.ferry.uplink.UplinkRunner;
import io.ferry.uplink.UplinkService;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import okhttp3.HttpUrl;

/** {@code type: tempodb}: increments, writes and rollups to TempoDB's v1 REST API. */
public final class TempoDbUplinkFactory implements UplinkFactory {
  @Override
  public String type() {
    return TempoDbPlan.TYPE;
  }

  @Override
  public Optional<UplinkPlan> plan(UplinkSection section, AgentConfig agent, List<InstrumentInfo> instruments) {
    Fields f = section.fields();
    Optional<HttpUrl> base = BaseUrl.read(f, "url", "https://api.tempo-db.com");
    Optional<Secret> key = Redact.requiredSecret(f, "key");
    Optional<Secret> secret = Redact.requiredSecret(f, "secret");
    TempoDbPlan.Ambiguous ambiguous = f.choice("onAmbiguousIncrement", List.of("count-unknown", "resend"))
        .map(a -> a.equals("resend") ? TempoDbPlan.Ambiguous.RESEND : TempoDbPlan.Ambiguous.COUNT_UNKNOWN)
        .orElse(TempoDbPlan.Ambiguous.COUNT_UNKNOWN);
    RunnerSettings runner = RunnerSettings.read(f, 5_000, Duration.ZERO, Duration.ofSeconds(1));
    if (base.isEmpty() || key.isEmpty() || secret.isEmpty()) {
      return Optional.empty();
    }
    List<String> segments = base.get().pathSegments().stream().filter(s -> !s.isEmpty()).toList();
    HttpUrl.Builder v1 = base.get().newBuilder();
    if (segments.isEmpty() || !segments.get(segments.size() - 1).equals("v1")) {
      v1.addPathSegment("v1");
    }
    HttpUrl root = v1.addPathSegment("").build();
    return Optional.of(new TempoDbPlan(section.name(), root, key.get(), secret.get(), ambiguous, runner));
  }

  @Override
  public UplinkService open(UplinkPlan plan, UplinkContext context) {
    TempoDbPlan p = (TempoDbPlan) plan;
    return new UplinkRunner(p.name(), p.type(), p.runner(),
        new TempoDbHandler(p, context.buffer().uplinkState(p.name()), context.clock(), context.catalog()), context);
  }
}
