package io.ferry.agent.cli;

import io.ferry.agent.plan.AgentPlan;
import io.ferry.config.HttpSettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ferry demo}: Ferry on built-in simulated instruments with a jsonl uplink, serving the
 * status page on a free loopback port (its URL is the first line) and printing one status line
 * per second. The configuration (examples/demo in the source tree) is copied out of
 * the jar into {@code DIR/config} on every start; the buffer and the uploaded file live in
 * {@code DIR} and survive restarts, so a second run resumes where the first stopped.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Run Ferry on built-in simulated instruments, uploading to a local JSON-lines file;",
      "prints the status page's URL first, then one status line per second.",
      "Ctrl-C or SIGTERM at any moment, start-up included, stops cleanly with exit 0 (drivers stop, the queue is flushed and closed)."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:stopped cleanly (Ctrl-C, SIGTERM, --duration)", "3:could not start"})
public final class DemoCommand implements Callable<Integer> {
  private static final DateTimeFormatter HMS = DateTimeFormatter.ofPattern("HH:mm:ss");

  @Spec CommandSpec spec;

  @Option(names = "--dir", defaultValue = ".ferry-demo", paramLabel = "DIR",
      description = "Where the demo keeps its configuration copy, buffer and uploaded file (default: ${DEFAULT-VALUE}).")
  Path dir;

  @Option(names = "--duration", paramLabel = "DURATION", converter = DurationConverter.class,
      description = "Stop by itself after this long (for example 20s); default: run until Ctrl-C.")
  Duration duration;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    if (duration != null && duration.isZero()) {
      throw new ParameterException(spec.commandLine(), "--duration must be longer than 0s");
    }
    // First: Ctrl-C while the configuration is copied or the agent starts is a clean stop too (exit 0, not 130).
    try (RunCommand.Requests requests = RunCommand.Requests.fromSignals(false)) {
      return demo(out, requests);
    }
  }

  private int demo(PrintWriter out, RunCommand.Requests requests) throws Exception {
    Path home = dir.toAbsolutePath().normalize();
    Optional<String> unusable = StateDirs.problem(home);
    if (unusable.isPresent()) {
      spec.commandLine().getErr().println("ferry demo: --dir " + unusable.get());
      spec.commandLine().getErr().flush();
      return Main.EXIT_RUNTIME;
    }
    Path configDir = home.resolve("config");
    extractDemoConfig(configDir, home);
    Optional<AgentPlan> plan = ConfigOption.planOrReport(configDir, Map.<String, String>of()::get, out);
    if (plan.isEmpty()) {
      return Main.EXIT_RUNTIME;
    }
    // The status page on a free loopback port (unless the demo's agent.yaml asks for another): its URL comes first.
    AgentPlan withPage = plan.get().withHttp(plan.get().http().or(() -> Optional.of(HttpSettings.loopbackAnyPort())));
    return RunCommand.runUntilStopped(withPage, Duration.ofSeconds(1), line -> {
      out.println(LocalTime.now().format(HMS) + " " + line);
      out.flush();
    }, duration, url -> {
      out.println("Status page: " + url + "  (health: " + url + "health, metrics: " + url + "metrics)");
      out.println("Ferry demo: simulated instruments from " + configDir + ", buffer and uploads in " + home);
      out.println("uploaded records are appended to " + home.resolve("uploaded.jsonl") + "; Ctrl-C stops");
      out.flush();
    }, requests);
  }

  /** Copies the demo configuration out of the jar (or classes directory), pointing its state at {@code home}. */
  static void extractDemoConfig(Path target, Path home) throws IOException {
    URI root;
    try {
      var url = DemoCommand.class.getResource("/demo/agent.yaml");
      if (url == null) {
        throw new IOException("the built-in demo configuration is missing from this build");
      }
      root = url.toURI();
    } catch (URISyntaxException e) {
      throw new IOException(e);
    }
    if (root.getScheme().equals("jar")) {
      try (FileSystem fs = FileSystems.newFileSystem(root, Map.of())) {
        copyTree(fs.getPath("/demo"), target, home);
      }
    } else {
      copyTree(Path.of(root).getParent(), target, home);
    }
  }

  private static void copyTree(Path source, Path target, Path home) throws IOException {
    try (Stream<Path> files = Files.walk(source)) {
      List<Path> list = files.filter(Files::isRegularFile).toList();
      for (Path f : list) {
        Path dest = target.resolve(source.relativize(f).toString());
        Files.createDirectories(dest.getParent());
        String text = Files.readString(f, StandardCharsets.UTF_8).replace("./.ferry-demo", home.toString());
        Path tmp = dest.resolveSibling(dest.getFileName() + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, dest, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }
}
