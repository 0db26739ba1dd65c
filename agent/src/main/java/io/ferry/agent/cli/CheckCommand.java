package io.ferry.agent.cli;

import io.ferry.agent.plan.AgentPlan;
import io.ferry.config.ConfigFiles;
import io.ferry.config.ConfigLoader;
import io.ferry.config.ConfigNode;
import io.ferry.config.Location;
import io.ferry.config.Problems;
import io.ferry.config.YamlReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Command;

/**
 * {@code ferry check}: validates the whole configuration (every file, every driver's and
 * uplink's keys, secret references) without touching a device or the network, and prints every
 * error at once.
 */
@Command(
    name = "check",
    mixinStandardHelpOptions = true,
    description = {
      "Validate agent.yaml and every instruments.d/*.yaml without touching devices or the network.",
      "Prints every error as file:line:column path: message."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:the configuration is valid", "1:the configuration has errors (all are printed), or the state directory cannot be written"})
public final class CheckCommand extends PlanReportCommand {
  @Override
  int report(AgentPlan plan, PrintWriter out) {
    // No device or network, but the local file system is fair game: a state directory the
    // service cannot write would only show up at start otherwise.
    Optional<String> unusable = RunCommand.unusableStateDir(plan);
    if (unusable.isPresent()) {
      out.println(stateDirLocation(config.dir()) + " stateDir: " + unusable.get());
      out.println("1 error in " + config.dir());
      return Main.EXIT_INVALID;
    }
    out.println("configuration OK: " + config.dir() + ": " + plan.instruments().size()
        + " instruments, " + plan.channels().size() + " channels, " + plan.uplinks().size() + " uplinks");
    listWritable(plan, out);
    return Main.EXIT_OK;
  }

  /** Every channel that can be written, with its limits: what an operator must know is not read-only. */
  static void listWritable(AgentPlan plan, PrintWriter out) {
    java.util.List<String> lines = new java.util.ArrayList<>();
    for (io.ferry.agent.plan.PlannedInstrument pi : plan.instruments()) {
      for (io.ferry.core.ChannelSpec c : pi.info().channels()) {
        c.write().ifPresent(w -> lines.add("  " + c.id() + ": " + io.ferry.config.WriteKeys.describe(w)));
      }
    }
    if (!lines.isEmpty()) { // a read-only configuration prints nothing more: "OK" says it all
      out.println(lines.size() + " writable channel" + (lines.size() == 1 ? "" : "s") + ":");
      lines.forEach(out::println);
    }
  }

  /** Where {@code stateDir:} is written in agent.yaml, or just the file when it is not (the default applies). */
  static Location stateDirLocation(Path dir) {
    Location file = Location.ofFile(ConfigLoader.AGENT_FILE);
    try {
      if (!(ConfigFiles.read(dir.resolve(ConfigLoader.AGENT_FILE), ConfigFiles.MAX_YAML_BYTES) instanceof ConfigFiles.Bytes b)) {
        return file;
      }
      String text = new String(b.bytes(), StandardCharsets.UTF_8);
      return YamlReader.read(ConfigLoader.AGENT_FILE, text, new Problems())
          .filter(n -> n instanceof ConfigNode.MapNode)
          .map(n -> ((ConfigNode.MapNode) n).entries().get("stateDir"))
          .map(ConfigNode::location)
          .orElse(file);
    } catch (RuntimeException e) {
      return file; // it was just read and validated; this only places the message
    }
  }
}
