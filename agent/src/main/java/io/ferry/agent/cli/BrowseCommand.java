package io.ferry.agent.cli;

import io.ferry.drivers.opcua.OpcUaBrowser;
import io.ferry.drivers.opcua.OpcUaConnectException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ferry browse ...}: list what a device offers, to help write instrument YAML. */
@Command(name = "browse", mixinStandardHelpOptions = true, description = "List the points a device offers.",
    subcommands = {BrowseCommand.Opcua.class})
public final class BrowseCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /**
   * {@code ferry browse opcua --endpoint URL [--node ns=2;s=Plant] [--depth N] [--yaml]}, or with
   * {@code --config DIR --instrument X} to browse with that instrument's security and identity.
   */
  @Command(name = "opcua", mixinStandardHelpOptions = true,
      description = "Browse an OPC UA server: node ids, classes, data types and values.")
  public static final class Opcua implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--endpoint", paramLabel = "URL", description = "opc.tcp:// endpoint (anonymous, no security).")
    String endpoint;

    @Option(names = "--config", paramLabel = "DIR", description = "Browse with an instrument's connection settings instead.")
    Path config;

    @Option(names = "--instrument", paramLabel = "ID", description = "The instrument of --config.")
    String instrument;

    @Option(names = "--node", paramLabel = "NODEID", description = "Start node (default: the Objects folder, i=85).")
    String node;

    @Option(names = "--depth", defaultValue = "1", description = "Levels below the start node (default 1).")
    int depth;

    @Option(names = "--yaml", description = "Print the variables as channel lines for an instrument file.")
    boolean yaml;

    @Option(names = "--timeout", defaultValue = "10s", paramLabel = "DURATION", description = "Connect/request timeout (default 10s).")
    String timeout;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      if ((endpoint == null) == (config == null) || (config != null) != (instrument != null)) {
        err.println("ferry: give either --endpoint URL, or --config DIR with --instrument ID");
        return Main.EXIT_USAGE;
      }
      if (depth < 1 || depth > 10) {
        err.println("ferry: --depth must be between 1 and 10");
        return Main.EXIT_USAGE;
      }
      Optional<Duration> t = io.ferry.config.Durations.parse(timeout);
      if (t.isEmpty()) {
        err.println("ferry: --timeout expects a duration such as 5s");
        return Main.EXIT_USAGE;
      }
      OpcUaBrowser browser;
      Path scratch = null;
      try {
        if (config != null) {
          Optional<OpcUaCommand.Resolved> r = OpcUaCommand.Resolved.load(config, instrument, null, err);
          if (r.isEmpty()) {
            return Main.EXIT_INVALID;
          }
          browser = OpcUaBrowser.connect(r.get().plan(), r.get().instrumentState());
        } else {
          if (!endpoint.toLowerCase(Locale.ROOT).startsWith("opc.tcp://")) {
            err.println("ferry: --endpoint must be an opc.tcp:// URL");
            return Main.EXIT_USAGE;
          }
          // Anonymous without security needs no certificate; a throw-away directory keeps the host clean.
          scratch = Files.createTempDirectory("ferry-browse");
          browser = OpcUaBrowser.connect(endpoint, scratch, t.get());
        }
      } catch (OpcUaConnectException e) {
        deleteQuietly(scratch);
        err.println("ferry: " + e.getMessage());
        return e.needsOperator() ? Main.EXIT_INVALID : Main.EXIT_RUNTIME;
      } catch (java.io.IOException e) {
        deleteQuietly(scratch);
        err.println("ferry: " + e.getMessage());
        return Main.EXIT_RUNTIME;
      }
      try (browser) {
        return Listing.list(browser, node, depth, yaml, out, err);
      } finally {
        deleteQuietly(scratch);
      }
    }

    /**
     * Apart from the command so that picocli's look at the command class does not load Milo's
     * exception types (the verifier needs the classes a catch names): an agent without OPC UA
     * never loads Milo (issue 15).
     */
    private static final class Listing {
      private Listing() {}

      static int list(OpcUaBrowser browser, String node, int depth, boolean yaml, PrintWriter out, PrintWriter err) {
        try {
          NodeId start = node == null ? OpcUaBrowser.objectsFolder() : browser.resolve(node);
          List<OpcUaBrowser.Entry> entries = browser.browse(start, depth);
          if (yaml) {
            out.println("channels:");
            for (OpcUaBrowser.Entry e : entries) {
              if (e.nodeClass().equals("Variable")) {
                out.println("  - {name: " + channelName(e.browseName()) + ", node: \"" + e.nodeId() + "\"}   # " + e.dataType() + " = " + e.value());
              }
            }
          } else {
            out.printf("%-40s %-9s %-14s %s%n", "NODE ID", "CLASS", "TYPE", "VALUE");
            for (OpcUaBrowser.Entry e : entries) {
              String indent = "  ".repeat(e.depth());
              String value = e.value() + (e.quality().isEmpty() || e.quality().equals("GOOD") ? "" : " (" + e.quality() + ")");
              out.printf("%-40s %-9s %-14s %s%n", indent + e.nodeId(), e.nodeClass(), e.dataType(), value + "  " + e.browseName());
            }
          }
          out.flush();
          return Main.EXIT_OK;
        } catch (UaException e) {
          err.println("ferry: browse failed: " + e.getMessage());
          return Main.EXIT_RUNTIME;
        }
      }
    }

    /** Removes the throw-away client certificate of an anonymous browse. */
    private static void deleteQuietly(Path dir) {
      if (dir == null) {
        return;
      }
      try (var files = Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (java.io.IOException e) {
        // a leftover temporary directory is harmless
      }
    }

    static String channelName(String browseName) {
      String n = browseName.replaceAll("[^A-Za-z0-9_.:-]", "_");
      return n.isEmpty() ? "channel" : n;
    }
  }
}
