package io.ferry.config;

import io.ferry.core.ChannelId;
import io.ferry.core.ChannelSpec;
import io.ferry.core.CounterSpec;
import io.ferry.core.ReportSpec;
import io.ferry.core.Route;
import io.ferry.core.RollupSpec;
import io.ferry.core.Stat;
import io.ferry.core.ValueKind;
import io.ferry.core.WriteSpec;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Reads a configuration directory: {@code agent.yaml} and {@code instruments.d/*.yaml} (one
 * instrument per file; files starting with a dot or not ending in .yaml/.yml are ignored). Reads
 * files and secret references only: no device or network is touched. Every problem goes to the
 * context; the result holds whatever could be read so that the driver and uplink planners can
 * report their problems in the same pass.
 */
public final class ConfigLoader {
  public static final String AGENT_FILE = "agent.yaml";
  public static final String INSTRUMENTS_DIR = "instruments.d";
  public static final Path DEFAULT_STATE_DIR = Path.of("/var/lib/ferry");

  private final ConfigContext context;
  private final Set<String> driverNames;
  private final Set<String> uplinkTypes;
  private final Map<String, Set<Route>> routesByType;
  /**
   * Every uplink name agent.yaml declares, valid or not; null when agent.yaml could not be read.
   * An instrument naming an uplink is only wrong when agent.yaml was read and does not declare
   * it: a missing agent.yaml or an uplink with a bad type is reported once, where it is.
   */
  private Set<String> declaredUplinks;

  /**
   * @param driverNames every {@code driver:} value a factory answers to
   * @param uplinkTypes every uplink {@code type:} a factory answers to (each taking every route)
   */
  public ConfigLoader(ConfigContext context, Set<String> driverNames, Set<String> uplinkTypes) {
    this(context, driverNames, allRoutes(uplinkTypes));
  }

  /**
   * @param driverNames every {@code driver:} value a factory answers to
   * @param routesByType every uplink {@code type:} with the routes it can carry: default routes
   *     are narrowed to these, and an explicit {@code send:} of another route is an error
   */
  public ConfigLoader(ConfigContext context, Set<String> driverNames, Map<String, Set<Route>> routesByType) {
    this.context = context;
    this.driverNames = Set.copyOf(driverNames);
    this.uplinkTypes = Set.copyOf(routesByType.keySet());
    this.routesByType = Map.copyOf(routesByType);
  }

  private static Map<String, Set<Route>> allRoutes(Set<String> types) {
    Map<String, Set<Route>> m = new HashMap<>();
    types.forEach(t -> m.put(t, EnumSet.allOf(Route.class)));
    return m;
  }

  /** What was read; {@code agent} is empty when agent.yaml is missing or not a mapping. */
  /**
   * What was read. {@code duplicates} are valid instruments whose id another file already
   * defines: not to be run, but still planned so their driver keys are checked in the same pass.
   */
  public record Loaded(Path dir, Optional<AgentConfig> agent, List<InstrumentConfig> instruments, List<InstrumentConfig> duplicates) {}

  public Loaded load(Path dir) {
    Problems problems = context.problems();
    if (!Files.isDirectory(dir)) {
      problems.add(Location.ofFile(dir.toString()), "", "configuration directory does not exist or is not a directory");
      return new Loaded(dir, Optional.empty(), List.of(), List.of());
    }
    if (!Files.isExecutable(dir)) {
      // Root reads everything; the service user may not: one line, not "agent.yaml is missing".
      problems.add(Location.ofFile(dir.toString()), "", "the configuration directory cannot be read (permission denied for user "
          + System.getProperty("user.name") + ")");
      return new Loaded(dir, Optional.empty(), List.of(), List.of());
    }
    declaredUplinks = null;
    Optional<AgentConfig> agent = readNode(dir.resolve(AGENT_FILE), AGENT_FILE)
        .flatMap(n -> context.fields(n, ""))
        .map(this::agent);
    Map<String, Set<Route>> uplinkRoutes = new LinkedHashMap<>();
    agent.ifPresent(a -> a.uplinks().values().forEach(u -> uplinkRoutes.put(u.name(), routesByType.get(u.type()))));

    List<InstrumentConfig> instruments = new ArrayList<>();
    List<InstrumentConfig> duplicates = new ArrayList<>();
    Path instDir = dir.resolve(INSTRUMENTS_DIR);
    List<Path> files = instrumentFiles(instDir);
    if (files == null) {
      files = List.of(); // cannot list it: reported, and "no instrument files" would not be true
    } else if (files.isEmpty() && Files.isDirectory(instDir)) {
      problems.add(Location.ofFile(INSTRUMENTS_DIR + "/"), "", "no instrument files: add one YAML file per instrument");
    } else if (!Files.isDirectory(instDir) && Files.exists(instDir)) {
      problems.add(Location.ofFile(INSTRUMENTS_DIR + "/"), "", "is not a directory: it must be a directory with one YAML file per instrument");
    } else if (!Files.isDirectory(instDir)) {
      problems.add(Location.ofFile(INSTRUMENTS_DIR + "/"), "", "directory is missing: add one YAML file per instrument in it");
    }
    Map<String, String> idToFile = new HashMap<>();
    for (Path file : files) {
      String display = INSTRUMENTS_DIR + "/" + file.getFileName();
      readNode(file, display).flatMap(n -> context.fields(n, "")).flatMap(f -> instrument(f, display, uplinkRoutes))
          .ifPresent(ic -> {
            String previous = idToFile.putIfAbsent(ic.id(), display);
            if (previous != null) {
              ic.fields().error("id", "instrument id \"" + ic.id() + "\" is also defined in " + previous + "; ids must be unique");
              duplicates.add(ic);
            } else {
              instruments.add(ic);
            }
          });
    }
    return new Loaded(dir, agent, instruments, duplicates);
  }

  /** The instrument files, or null when the directory cannot be listed (reported here). */
  private List<Path> instrumentFiles(Path instDir) {
    if (!Files.isDirectory(instDir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(instDir)) {
      return s.filter(p -> {
            String n = p.getFileName().toString();
            return !n.startsWith(".") && (n.endsWith(".yaml") || n.endsWith(".yml"));
          })
          .sorted()
          .toList();
    } catch (IOException e) {
      context.problems().add(Location.ofFile(INSTRUMENTS_DIR + "/"), "", "cannot list directory (" + IoCauses.describe(e) + ")");
      return null;
    }
  }

  private Optional<ConfigNode> readNode(Path file, String display) {
    byte[] bytes;
    ConfigFiles.Outcome outcome = ConfigFiles.read(file, ConfigFiles.MAX_YAML_BYTES);
    if (outcome instanceof ConfigFiles.Missing) {
      context.problems().add(Location.ofFile(display), "", "file is missing");
      return Optional.empty();
    }
    if (outcome instanceof ConfigFiles.Refused r) {
      context.problems().add(Location.ofFile(display), "", "the file " + r.reason());
      return Optional.empty();
    }
    bytes = ((ConfigFiles.Bytes) outcome).bytes();
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      context.problems().add(Location.ofFile(display), "", "file is not UTF-8 text");
      return Optional.empty();
    }
    return YamlReader.read(display, text, context.problems());
  }

  // ---------------------------------------------------------------- agent.yaml

  private AgentConfig agent(Fields f) {
    String gatewayId = f.string("gatewayId").orElseGet(ConfigLoader::hostname);
    if (!ChannelId.isValidName(gatewayId)) {
      f.error("gatewayId", "must be 1-128 characters of A-Z a-z 0-9 _ . : -");
    }
    Path stateDir = f.string("stateDir").map(Path::of).orElse(DEFAULT_STATE_DIR);
    BufferSettings buffer = buffer(f.object("buffer"), stateDir);
    Map<String, UplinkSection> uplinks = new LinkedHashMap<>();
    declaredUplinks = new java.util.HashSet<>();
    if (f.node("uplinks").isPresent() && !(f.node("uplinks").get() instanceof ConfigNode.MapNode)) {
      declaredUplinks = null; // reported as "expected a mapping": do not also flag every instrument
    }
    f.object("uplinks").ifPresent(u -> {
      declaredUplinks.addAll(u.keys());
      for (String name : u.keys()) {
        u.allow(name);
        if (!ChannelId.isValidName(name)) {
          u.error(name, "uplink name must be 1-128 characters of A-Z a-z 0-9 _ . : -");
          continue;
        }
        u.object(name).ifPresent(uf -> uf.choice("type", uplinkTypes.stream().sorted().toList())
            .ifPresentOrElse(type -> uplinks.put(name, new UplinkSection(name, type, uf)),
                () -> {
                  // Without a known type its other keys cannot be judged: report only the type.
                  uf.skipUnknownKeyCheck();
                  if (!uf.has("type")) {
                    uf.missing("type", " (one of " + String.join(", ", uplinkTypes.stream().sorted().toList()) + ")");
                  }
                }));
      }
    });
    return new AgentConfig(gatewayId, stateDir, buffer, uplinks, f.object("mirror"), f.object("http").flatMap(HttpSettings::read), f);
  }

  private BufferSettings buffer(Optional<Fields> section, Path stateDir) {
    Path path = stateDir.resolve("buffer.db");
    if (section.isEmpty()) {
      return new BufferSettings(path, "full", Duration.ofMillis(100), 10_000, 1L << 30, Duration.ofDays(30), Duration.ofMinutes(1));
    }
    Fields f = section.get();
    Path p = f.string("path").map(stateDir::resolve).orElse(path);
    String sync = f.choice("synchronous", List.of("full", "normal")).orElse("full");
    Duration commit = f.duration("commitInterval", Duration.ofMillis(100), Duration.ofMillis(1), Duration.ofSeconds(10));
    int samples = f.integer("commitSamples", 10_000, 1, 10_000_000);
    long maxSize = f.size("maxSize", 1L << 30);
    if (maxSize != 0 && maxSize < (1L << 20)) {
      f.error("maxSize", "must be 0 (unbounded) or at least 1MiB");
    }
    Duration maxAge = f.duration("maxAge", Duration.ofDays(30), Duration.ZERO, Duration.ofDays(3650));
    Duration lease = f.duration("leaseTimeout", Duration.ofMinutes(1), Duration.ofSeconds(1), Duration.ofHours(1));
    return new BufferSettings(p, sync, commit, samples, maxSize, maxAge, lease);
  }

  private static String hostname() {
    String h = System.getenv("HOSTNAME");
    if (h == null || h.isBlank()) {
      try {
        h = java.net.InetAddress.getLocalHost().getHostName();
      } catch (IOException e) {
        h = "ferry";
      }
    }
    h = h.replaceAll("[^A-Za-z0-9_.:-]", "-");
    return h.isEmpty() ? "ferry" : h;
  }

  // ---------------------------------------------------------------- instruments.d/*.yaml

  private Optional<InstrumentConfig> instrument(Fields f, String file, Map<String, Set<Route>> uplinkRoutes) {
    Set<String> uplinkNames = uplinkRoutes.keySet();
    Optional<String> id = f.requiredString("id");
    if (id.isPresent() && !ChannelId.isValidName(id.get())) {
      f.error("id", "instrument id \"" + id.get() + "\" must be 1-128 characters of A-Z a-z 0-9 _ . : -");
      id = Optional.empty();
    }
    Optional<String> driver = f.has("driver")
        ? f.choice("driver", driverNames.stream().sorted().toList())
        : f.requiredString("driver");
    String description = f.string("description", "");
    boolean enabled = f.bool("enabled", true);
    Duration poll = f.duration("poll", Duration.ofSeconds(5), Duration.ofMillis(10), Duration.ofDays(1));
    Duration pollTimeout = f.duration("pollTimeout", poll, Duration.ofMillis(10), Duration.ofHours(1));
    if (pollTimeout.compareTo(poll) > 0) {
      f.error("pollTimeout", "must not be longer than poll (" + Durations.format(poll) + ")");
    }
    Optional<Duration> stale = f.has("stale")
        ? Optional.of(f.duration("stale", Duration.ofDays(30), Duration.ofSeconds(1), Duration.ofDays(30)))
        : Optional.empty();
    if (stale.isPresent() && stale.get().compareTo(poll) <= 0) {
      f.error("stale", "must be longer than poll (" + Durations.format(poll) + "): a polled instrument would read down between two polls");
      stale = Optional.empty();
    }
    List<String> uplinks = f.strings("uplinks");
    for (int i = 0; i < uplinks.size(); i++) {
      if (declaredUplinks != null && !declaredUplinks.contains(uplinks.get(i))) {
        f.context().problems().add(f.locationOf("uplinks"), f.path("uplinks") + "[" + i + "]",
            "unknown uplink \"" + uplinks.get(i) + "\"" + DidYouMean.suffix(uplinks.get(i), uplinkNames)
                + " (uplinks are defined in agent.yaml)");
      }
    }
    Optional<ReportKeys.Section> report = ReportKeys.read(f, false, poll);
    Optional<Fields> connection = f.object("connection");
    List<Fields> channelFields = f.objects("channels");
    boolean channelsUsable = f.node("channels").map(n -> n instanceof ConfigNode.ListNode).orElse(false);
    if (channelFields.isEmpty() && f.node("channels").isEmpty()) {
      f.missing("channels", " (a list of channels)");
    }
    List<ChannelConfig> channels = new ArrayList<>();
    Map<String, Integer> names = new HashMap<>();
    for (int i = 0; i < channelFields.size(); i++) {
      Fields cf = channelFields.get(i);
      final int index = i;
      Optional<Fields> write = cf.object("write");
      channel(cf, write, id.orElse("invalid"), uplinks, uplinkRoutes, report, poll).ifPresentOrElse(spec -> {
        Integer previous = names.putIfAbsent(spec.id().channel(), index);
        if (previous != null) {
          cf.error("name", "channel \"" + spec.id().channel() + "\" is already defined at channels[" + previous + "]");
          cf.skipUnknownKeyCheck(); // no driver reads a channel that is not planned: its keys are not "unknown"
        } else {
          channels.add(new ChannelConfig(index, spec, cf, write));
        }
      }, () -> {
        cf.skipUnknownKeyCheck();
        write.ifPresent(Fields::skipUnknownKeyCheck);
      });
    }
    if (id.isEmpty() || driver.isEmpty() || !enabled || !channelsUsable) {
      // No driver will read this instrument's driver keys: do not call them unknown.
      connection.ifPresent(Fields::skipUnknownKeyCheck);
      channelFields.forEach(Fields::skipUnknownKeyCheck);
      channels.forEach(c -> c.write().ifPresent(Fields::skipUnknownKeyCheck));
      return Optional.empty();
    }
    InstrumentInfo info = new InstrumentInfo(id.get(), driver.get(), file, description, poll, pollTimeout, uplinks,
        channels.stream().map(ChannelConfig::spec).toList(), stale);
    return Optional.of(new InstrumentConfig(info, f, connection, channels));
  }

  private Optional<ChannelSpec> channel(
      Fields f, Optional<Fields> writeFields, String instrument, List<String> defaultUplinks, Map<String, Set<Route>> uplinkRoutes,
      Optional<ReportKeys.Section> instrumentReport, Duration poll) {
    Set<String> uplinkNames = uplinkRoutes.keySet();
    Optional<String> name = f.requiredString("name");
    if (name.isPresent() && !ChannelId.isValidName(name.get())) {
      f.error("name", "channel name \"" + name.get() + "\" must be 1-128 characters of A-Z a-z 0-9 _ . : -");
      name = Optional.empty();
    }
    String unit = f.string("unit", "");
    String description = f.string("description", "");
    Optional<ValueKind> kindWritten = f.enumValue("kind", ValueKind.class);
    if (kindWritten.isEmpty() && f.node("kind").isPresent()) {
      // The kind decides which other keys make sense (wrap, the driver's counter settings): judge none of them.
      name = Optional.empty();
    }
    ValueKind kind = kindWritten.orElse(ValueKind.GAUGE);
    Optional<CounterSpec> counter = Optional.empty();
    double wrap = f.number("wrap", 0, 0, 1.8446744073709552E19);
    Duration bucket = f.duration("bucket", Duration.ofMinutes(1), Duration.ofSeconds(1), Duration.ofDays(1));
    if (kind == ValueKind.GAUGE) {
      if (f.has("wrap") && kindWritten.isPresent() == f.node("kind").isPresent()) {
        f.error("wrap", "only a counter channel (kind: counter) wraps");
      }
    } else {
      if (kind == ValueKind.EVENT && f.has("wrap")) {
        f.error("wrap", "an event channel does not wrap; use kind: counter for a cumulative device counter");
      }
      counter = Optional.of(new CounterSpec(bucket, wrap));
    }
    Optional<RollupSpec> rollup = f.object("rollup").flatMap(this::rollup);
    Optional<ReportSpec> report = ReportKeys.merge(instrumentReport, ReportKeys.read(f, true, poll), poll);
    Set<String> unfiltered = new HashSet<>();
    Map<String, Set<Route>> routes = new TreeMap<>();
    for (String uplink : defaultUplinks) {
      EnumSet<Route> set = EnumSet.of(Route.RAW);
      rollup.ifPresent(r -> set.add(Route.ROLLUP));
      counter.ifPresent(c -> set.add(Route.INCREMENT));
      // By default an uplink gets what it can carry of the channel (TempoDB: increments only).
      set.retainAll(uplinkRoutes.getOrDefault(uplink, EnumSet.allOf(Route.class)));
      if (!set.isEmpty()) {
        routes.put(uplink, set);
      }
    }
    Optional<Fields> send = f.object("send");
    if (send.isPresent()) {
      Fields s = send.get();
      for (String uplink : s.keys()) {
        s.allow(uplink);
        if (declaredUplinks != null && !declaredUplinks.contains(uplink)) {
          s.error(uplink, "unknown uplink \"" + uplink + "\"" + DidYouMean.suffix(uplink, uplinkNames));
          continue;
        }
        if (!uplinkNames.contains(uplink)) {
          continue; // agent.yaml is missing or this uplink is invalid there: reported once, there
        }
        EnumSet<Route> set = EnumSet.noneOf(Route.class);
        List<String> what = s.strings(uplink);
        for (String w : what) {
          Optional<Route> r = routeOf(w);
          if (r.isEmpty()) {
            s.error(uplink, "unknown route \"" + w + "\"" + DidYouMean.suffix(w, List.of("raw", "raw-all", "rollup", "increment"))
                + " (expected raw, raw-all, rollup or increment)");
          } else if (r.get() == Route.ROLLUP && rollup.isEmpty()) {
            s.error(uplink, "sends rollups but the channel has no rollup section");
          } else if (r.get() == Route.INCREMENT && counter.isEmpty()) {
            s.error(uplink, "sends increments but the channel is not kind: counter or kind: event");
          } else if (!uplinkRoutes.get(uplink).contains(r.get())) {
            s.error(uplink, "uplink \"" + uplink + "\" cannot carry " + w + " data (it takes "
                + String.join(", ", uplinkRoutes.get(uplink).stream().map(x -> x.name().toLowerCase(Locale.ROOT)).toList()) + ")");
          } else {
            set.add(r.get());
            if (w.equalsIgnoreCase(RAW_ALL)) {
              unfiltered.add(uplink); // every raw sample, also those report: holds back
            }
          }
        }
        routes.put(uplink, set);
      }
    }
    Optional<WriteSpec> write = Optional.empty();
    if (writeFields.isPresent()) {
      write = WriteKeys.read(writeFields.get());
      if (write.isEmpty()) {
        name = Optional.empty(); // a write: key that is wrong must never leave a channel writable with other limits
      }
    }
    if (name.isEmpty() || !ChannelId.isValidName(instrument)) {
      return Optional.empty();
    }
    unfiltered.retainAll(routes.keySet());
    return Optional.of(new ChannelSpec(new ChannelId(instrument, name.get()), unit, description, kind, rollup, counter, routes,
        report, unfiltered, write));
  }

  /** The route word of {@code send:} for raw samples the report filter does not thin out. */
  static final String RAW_ALL = "raw-all";

  private static Optional<Route> routeOf(String w) {
    return switch (w.toLowerCase(Locale.ROOT)) {
      case "raw", RAW_ALL -> Optional.of(Route.RAW);
      case "rollup", "rollups" -> Optional.of(Route.ROLLUP);
      case "increment", "increments" -> Optional.of(Route.INCREMENT);
      default -> Optional.empty();
    };
  }

  private Optional<RollupSpec> rollup(Fields r) {
    Optional<Duration> every = r.duration("every");
    if (every.isEmpty() && !r.has("every")) {
      r.missing("every", " (the interval, 1s to 1d)");
    }
    List<Stat> stats = new ArrayList<>();
    List<String> statNames = r.strings("stats");
    List<ConfigNode> statNodes = r.node("stats").filter(ConfigNode.ListNode.class::isInstance)
        .map(n -> ((ConfigNode.ListNode) n).items()).orElse(List.of());
    List<String> allowed = java.util.Arrays.stream(Stat.values()).map(Fields::enumName).toList();
    for (int i = 0; i < statNames.size(); i++) {
      String s = statNames.get(i);
      String v = s.toLowerCase(Locale.ROOT);
      if (allowed.contains(v)) {
        stats.add(Stat.valueOf(v.toUpperCase(Locale.ROOT)));
      } else {
        Location at = statNodes.size() == statNames.size() ? statNodes.get(i).location() : r.locationOf("stats");
        context.problems().add(at, r.path("stats") + "[" + i + "]",
            "unknown statistic \"" + s + "\"" + DidYouMean.suffix(s, allowed) + " (expected " + String.join(", ", allowed) + ")");
      }
    }
    if (statNames.isEmpty()) {
      stats.addAll(List.of(Stat.AVG, Stat.MIN, Stat.MAX, Stat.COUNT));
    }
    Duration grace = r.duration("grace", Duration.ofSeconds(10), Duration.ZERO, Duration.ofDays(1));
    boolean reopen = r.bool("reopenLate", false);
    if (every.isEmpty()) {
      return Optional.empty();
    }
    Duration e = every.get();
    if (e.compareTo(RollupSpec.MIN_EVERY) < 0 || e.compareTo(RollupSpec.MAX_EVERY) > 0 || e.toNanos() % 1_000_000_000L != 0) {
      r.error("every", "must be whole seconds between 1s and 1d, got " + Durations.format(e));
      return Optional.empty();
    }
    if (86_400L % e.toSeconds() != 0) {
      r.error("every", "must divide a day evenly so intervals align to wall-clock boundaries (1s, 10s, 1m, 5m, 15m, 1h, 1d...), got " + Durations.format(e));
      return Optional.empty();
    }
    return Optional.of(new RollupSpec(e, stats, grace, reopen));
  }
}
