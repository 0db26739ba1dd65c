package io.ferry.uplink;

import io.ferry.buffer.Buffer;
import io.ferry.buffer.BufferOptions;
import io.ferry.buffer.SqliteBuffer;
import io.ferry.config.AgentConfig;
import io.ferry.config.BufferSettings;
import io.ferry.config.ConfigContext;
import io.ferry.config.ConfigNode;
import io.ferry.config.Fields;
import io.ferry.config.Problems;
import io.ferry.config.UplinkSection;
import io.ferry.config.YamlReader;
import io.ferry.core.ChannelId;
import io.ferry.core.ChannelSpec;
import io.ferry.core.Route;
import io.ferry.core.Sleeper;
import io.ferry.core.ValueKind;
import io.ferry.core.testing.FakeClock;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import okhttp3.OkHttpClient;
import static org.awaitility.Awaitility.await;

/** Shared fixtures: a sleeper that advances the {@link FakeClock}, a real SQLite buffer, YAML sections. */
public final class UplinkTesting {
  private UplinkTesting() {}

  public static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
  public static final long T0 = START.getEpochSecond() * 1_000_000L;

  /**
   * Backoff and pacing advance the fake clock at once (and are recorded); idle polls wait one real
   * millisecond so the runner thread does not spin.
   */
  public static final class FakeSleeper implements Sleeper {
    private final FakeClock clock;
    public final List<Duration> pauses = new java.util.concurrent.CopyOnWriteArrayList<>(); // read by assertions while the runner adds

    public FakeSleeper(FakeClock clock) {
      this.clock = clock;
    }

    @Override
    public void sleep(Duration d) throws InterruptedException {
      pauses.add(d);
      clock.advance(d);
      idle(Duration.ZERO);
    }

    @Override
    public void idle(Duration d) throws InterruptedException {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
      if (Thread.interrupted()) {
        throw new InterruptedException();
      }
    }

    public Duration total() {
      synchronized (pauses) {
        return pauses.stream().reduce(Duration.ZERO, Duration::plus);
      }
    }
  }

  /** Waits (at most 10 s) until {@code s} has delivered exactly {@code records} records. */
  public static void awaitDelivered(UplinkService s, long records) {
    await().atMost(Duration.ofSeconds(10)).until(() -> s.status().recordsDelivered() == records);
  }

  /** Closes what a test opened, last opened first (services before the buffer they drain). */
  public static void closeAll(List<AutoCloseable> open) throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  /** A test resource as UTF-8 text, e.g. {@code resource("/grovestreams/stored.json")}. */
  public static String resource(String path) throws IOException {
    try (InputStream in = UplinkTesting.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IOException("no test resource " + path);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  public static Buffer buffer(Path dir, List<ChannelSpec> specs, InstantSource clock) {
    return SqliteBuffer.open(BufferOptions.defaults(dir.resolve("buffer.db")), specs, clock);
  }

  public static UplinkContext context(Buffer buffer, FakeClock clock, FakeSleeper sleeper) {
    return new UplinkContext(buffer, clock, new OkHttpClient(), sleeper, new SplittableRandom(42));
  }

  public static ChannelSpec raw(String id, String unit, String... uplinks) {
    Map<String, java.util.Set<Route>> routes = new LinkedHashMap<>();
    for (String u : uplinks) {
      routes.put(u, EnumSet.of(Route.RAW));
    }
    return new ChannelSpec(ChannelId.parse(id), unit, "", ValueKind.GAUGE, Optional.empty(), Optional.empty(), routes);
  }

  /** The section {@code uplinks.<name>} read from YAML text (the mapping of the uplink itself). */
  public static UplinkSection section(String name, String type, String yaml, Problems problems, Map<String, String> env) {
    ConfigContext ctx = ConfigContext.of(problems, env);
    ConfigNode node = YamlReader.read("agent.yaml", yaml, problems).orElseThrow();
    Fields f = ctx.fields(node, "uplinks." + name).orElseThrow();
    f.allow("type");
    return new UplinkSection(name, type, f);
  }

  public static AgentConfig agent(Path stateDir, String gatewayId) {
    Problems p = new Problems();
    Fields f = ConfigContext.of(p, Map.of()).fields(YamlReader.read("agent.yaml", "{}", p).orElseThrow(), "").orElseThrow();
    return new AgentConfig(gatewayId, stateDir,
        new BufferSettings(stateDir.resolve("buffer.db"), "full", Duration.ofMillis(100), 10_000, 0, Duration.ZERO, Duration.ofMinutes(1)),
        Map.of(), Optional.empty(), Optional.empty(), f);
  }
}
