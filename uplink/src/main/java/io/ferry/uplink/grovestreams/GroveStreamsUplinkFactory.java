package io.ferry.uplink.grovestreams;

import io.ferry.config.AgentConfig;
import io.ferry.config.Durations;
import io.ferry.config.Fields;
import io.ferry.config.InstrumentInfo;
import io.ferry.config.Secret;
import io.ferry.config.UplinkSection;
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
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import okhttp3.HttpUrl;

/** {@code type: grovestreams}: batch feed PUTs. */
public final class GroveStreamsUplinkFactory implements UplinkFactory {
  private static final List<String> LOCATION_NUMBERS = List.of("latitude", "longitude", "altitude");
  private static final List<String> LOCATION_TEXTS = List.of("description", "street", "city", "stateOrProvince", "postalCode", "country");

  @Override
  public String type() {
    return GroveStreamsPlan.TYPE;
  }

  @Override
  public Set<Route> routes() {
    return EnumSet.of(Route.RAW, Route.ROLLUP);
  }

  /** Records per lease unless batchSize says otherwise: more than the default body cap holds. */
  static final int DEFAULT_BATCH = 500_000;

  @Override
  public Optional<UplinkPlan> plan(UplinkSection section, AgentConfig agent, List<InstrumentInfo> instruments) {
    Fields f = section.fields();
    Optional<HttpUrl> base = BaseUrl.read(f, "url", "https://grovestreams.com");
    Optional<Secret> key = Redact.requiredSecret(f, "apiKey");
    GroveStreamsPlan.Auth auth = f.choice("auth", List.of("cookie", "query"))
        .map(a -> a.equals("query") ? GroveStreamsPlan.Auth.QUERY : GroveStreamsPlan.Auth.COOKIE)
        .orElse(GroveStreamsPlan.Auth.COOKIE);
    Optional<String> org = f.string("org");
    boolean gzip = f.bool("gzip", true);
    int maxStreams = f.integer("maxStreams", GroveStreamsPlan.API_MAX_STREAMS, 1, GroveStreamsPlan.API_MAX_STREAMS);
    long defaultCap = GroveStreamsPlan.defaultBodyCap(Runtime.getRuntime().maxMemory());
    long bodyCap = f.size("bodyCap", defaultCap);
    if (bodyCap < 1L << 20 || bodyCap > GroveStreamsPlan.API_MAX_BODY) {
      f.error("bodyCap", "must be between 1MiB and 200MB (the API's limit), got " + bodyCap + " bytes");
      bodyCap = defaultCap;
    }
    GroveStreamsPlan.Metadata metadata = f.choice("metadata", List.of("on-missing", "first-use"))
        .map(m -> m.equals("first-use") ? GroveStreamsPlan.Metadata.FIRST_USE : GroveStreamsPlan.Metadata.ON_MISSING)
        .orElse(GroveStreamsPlan.Metadata.ON_MISSING);
    Optional<String> template = f.string("componentTemplateId");
    Optional<String> folder = f.string("folder");
    if (folder.isPresent() && !folder.get().startsWith("/Components")) {
      f.error("folder", "must start with /Components (GroveStreams' folder root), got \"" + folder.get() + "\"");
    }
    Map<String, Object> location = new LinkedHashMap<>();
    f.object("location").ifPresent(l -> {
      for (String k : LOCATION_NUMBERS) {
        l.number(k).ifPresent(v -> location.put(k, v));
      }
      for (String k : LOCATION_TEXTS) {
        l.string(k).ifPresent(v -> location.put(k, v));
      }
    });
    Map<Long, String> cycles = new TreeMap<>();
    f.object("cycles").ifPresent(c -> {
      for (String k : c.keys()) {
        c.allow(k);
        Optional<Duration> d = Durations.parse(k);
        if (d.isEmpty() || d.get().toMillis() % 1000 != 0 || d.get().isZero()) {
          c.error(k, "expected a rollup interval such as 1m or 1h as the key, got \"" + k + "\"");
          continue;
        }
        c.string(k).ifPresent(id -> cycles.put(d.get().toSeconds(), id));
      }
    });
    Optional<String> calendar = f.string("rollupCalendarId");
    // One PUT carries up to maxStreams streams with many samples each (the API limits streams and
    // bytes, not samples): the batch is bounded by bodyCap in practice.
    RunnerSettings runner = RunnerSettings.read(f, DEFAULT_BATCH, Duration.ofSeconds(10), Duration.ofSeconds(10));

    if (base.isEmpty() || key.isEmpty()) {
      return Optional.empty();
    }
    HttpUrl feed = base.get().newBuilder().addPathSegments("api/feed").build();
    return Optional.of(new GroveStreamsPlan(section.name(), feed, key.get(), auth, org, agent.gatewayId(), gzip, maxStreams,
        bodyCap, metadata, new GroveStreamsPlan.ComponentSettings(template, folder, location), cycles, calendar, runner));
  }

  @Override
  public UplinkService open(UplinkPlan plan, UplinkContext context) {
    GroveStreamsPlan p = (GroveStreamsPlan) plan;
    return new UplinkRunner(p.name(), p.type(), p.runner(),
        new GroveStreamsHandler(p, context.buffer().uplinkState(p.name()), context.clock(), context.catalog()), context);
  }
}
