package io.ferry.agent.cli;

import io.ferry.config.ConfigContext;
import io.ferry.config.ConfigFiles;
import io.ferry.config.ConfigLoader;
import io.ferry.config.ConfigNode;
import io.ferry.config.InstrumentConfig;
import io.ferry.config.Problem;
import io.ferry.config.Problems;
import io.ferry.config.YamlReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The one way a command about part of a configuration ({@code ferry buffer}, {@code mirror},
 * {@code atomscale finalize}, {@code opcua trust}) loads it, as opposed to {@link ConfigOption},
 * which plans all of it for {@code check}, {@code plan} and {@code run}.
 *
 * <p>Every driver name and uplink type written in the files is accepted, so the command does not
 * complain about parts it does not use (an instrument's {@code uplinks:} naming an uplink whose
 * type this command does not know); and each command shows only the problems {@link #in} the
 * files it is about. Judging the whole configuration is {@code ferry check}'s job.
 */
final class ScopedConfig {
  private final ConfigLoader.Loaded loaded;
  private final ConfigContext context;
  private final Problems problems;

  private ScopedConfig(ConfigLoader.Loaded loaded, ConfigContext context, Problems problems) {
    this.loaded = loaded;
    this.context = context;
    this.problems = problems;
  }

  /** Reads {@code dir}; {@code alsoKnown} adds uplink types the caller plans itself. */
  static ScopedConfig load(Path dir, Set<String> alsoKnown) {
    Problems problems = new Problems();
    ConfigContext ctx = ConfigContext.ofSystem(problems);
    Names names = Names.scan(dir);
    Set<String> types = new HashSet<>(names.uplinkTypes());
    types.addAll(alsoKnown);
    ConfigLoader.Loaded loaded = new ConfigLoader(ctx, names.drivers(), types).load(dir);
    return new ScopedConfig(loaded, ctx, problems);
  }

  ConfigLoader.Loaded loaded() {
    return loaded;
  }

  Optional<InstrumentConfig> instrument(String id) {
    return loaded.instruments().stream().filter(i -> i.id().equals(id)).findFirst();
  }

  /**
   * Reports the keys nobody read: call after planning the parts the command uses (the keys of
   * parts it did not plan are then reported too, in their own files, which {@link #in} leaves out).
   */
  void finish() {
    context.finish();
  }

  /** Every problem reported so far, in order. */
  List<Problem> problems() {
    return problems.all();
  }

  /** The problems located in {@code file} (as problems name it: {@code agent.yaml}, {@code instruments.d/x.yaml}). */
  List<Problem> in(String file) {
    return problems.all().stream().filter(p -> p.location().file().equals(file)).toList();
  }

  /** The driver names and uplink types the files use, read leniently (the loader reports bad files itself). */
  record Names(Set<String> drivers, Set<String> uplinkTypes) {
    static Names scan(Path dir) {
      Set<String> drivers = new HashSet<>();
      Set<String> types = new HashSet<>();
      read(dir.resolve(ConfigLoader.AGENT_FILE)).ifPresent(n -> {
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
          files.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).forEach(p -> read(p).ifPresent(n -> {
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

    /** Through the loader's capped reader: a pipe or {@code /dev/zero} among the files must not hang this scan. */
    private static Optional<ConfigNode> read(Path file) {
      if (!(ConfigFiles.read(file, ConfigFiles.MAX_YAML_BYTES) instanceof ConfigFiles.Bytes b)) {
        return Optional.empty();
      }
      return YamlReader.read(file.getFileName().toString(), new String(b.bytes(), StandardCharsets.UTF_8), new Problems());
    }
  }
}
