package io.ferry.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ferry.config.AgentConfig;
import io.ferry.config.Durations;
import io.ferry.config.HttpSettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ferry status}: the running agent at a glance in a terminal (over SSH), from its local
 * status server's {@code /health} (agent.yaml {@code http:}); when no server answers, the buffer
 * database's backlog instead ({@code ferry buffer stats}). A server that is another agent's (its
 * {@code agent} object names another gateway id or state directory) is said to be so, exit 3, and
 * never rendered as this configuration's. Read-only.
 */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = {
      "Show the running agent: per instrument and uplink state, backlog, oldest unsent sample, catch-up estimate.",
      "Asks the agent's status server (agent.yaml http:); without one, reads the backlog from the buffer database.",
      "The server must be this configuration's agent (its gateway id and stateDir); another agent's is never shown as this one."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:healthy (or the database was read)", "1:unhealthy, or the configuration has errors",
        "3:nothing could be read, or the status server that answered is another agent's (backlog read from the database)"})
public final class StatusCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Spec CommandSpec spec;

  @Option(names = {"-c", "--config"}, paramLabel = "DIR", defaultValue = ConfigOption.DEFAULT,
      description = "Configuration directory holding agent.yaml (default: ${DEFAULT-VALUE}).")
  Path dir;

  @Option(names = "--url", paramLabel = "URL",
      description = "The status server to ask (default: from agent.yaml http.listen).")
  URI url;

  @Option(names = "--watch", description = "Refresh until Ctrl-C.")
  boolean watch;

  @Option(names = "--every", defaultValue = "2s", paramLabel = "DURATION", converter = DurationConverter.class,
      description = "How often --watch refreshes (default: ${DEFAULT-VALUE}).")
  Duration every;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    BufferDatabase.Lookup lookup = BufferDatabase.fromConfig(dir);
    if (lookup.agent().isEmpty()) {
      lookup.problems().forEach(err::println);
      err.println("cannot read " + lookup.agentFile());
      err.flush();
      return Main.EXIT_INVALID;
    }
    AgentConfig agent = lookup.agent().get();
    Optional<HttpSettings> http = agent.http();
    while (true) {
      if (watch) {
        out.print("\033[H\033[2J"); // clear the terminal: one screen per refresh
      }
      int code = once(agent, http, out, err);
      out.flush();
      err.flush();
      if (!watch) {
        return code;
      }
      Thread.sleep(every.toMillis());
    }
  }

  private int once(AgentConfig agent, Optional<HttpSettings> http, PrintWriter out, PrintWriter err) {
    Optional<URI> target = Optional.ofNullable(url).or(() -> http.map(StatusCommand::local));
    String why;
    if (target.isEmpty()) {
      why = "agent.yaml has no http: section, so the agent serves no status";
    } else {
      URI health = target.get().resolve("/health");
      try {
        HttpRequest.Builder req = HttpRequest.newBuilder(health).timeout(Duration.ofSeconds(5));
        http.flatMap(HttpSettings::token).ifPresent(t -> req.header("Authorization", "Bearer " + t.reveal()));
        HttpResponse<String> r = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build()
            .send(req.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode h = r.statusCode() == 200 || r.statusCode() == 503 ? json(r.body()) : null;
        if (h != null) {
          Optional<String> other = otherAgent(h.path("agent"), agent.gatewayId(), agent.stateDir(), dir);
          if (other.isEmpty()) {
            render(h, health, out);
            return h.path("healthy").asBoolean() ? Main.EXIT_OK : Main.EXIT_INVALID;
          }
          // Another agent's instruments must never be shown as this one's: say so, show what is ours (the database).
          out.println("the status server at " + target.get() + " " + other.get() + "; from the buffer database instead (backlog only):");
          fromDatabase(out, err);
          return Main.EXIT_RUNTIME;
        }
        why = health + " answered HTTP " + r.statusCode() + (r.statusCode() == 401 ? " (the token in agent.yaml is not the agent's)"
            : r.statusCode() == 503 ? " (" + r.body().strip().lines().findFirst().orElse("not ready") + ")" : "");
      } catch (ConnectException e) {
        why = "nothing listens on " + health + " (is the agent running?)";
      } catch (IOException e) {
        why = "cannot read " + health + ": " + (e.getMessage() == null ? "no answer" : e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Main.EXIT_RUNTIME;
      }
    }
    out.println(why + "; from the buffer database instead (backlog only):");
    return fromDatabase(out, err);
  }

  /** {@code ferry buffer stats} of this configuration's database: what can be read without its agent's server. */
  private int fromDatabase(PrintWriter out, PrintWriter err) {
    out.flush();
    BufferCommand.Stats stats = new BufferCommand.Stats();
    CommandLine cl = new CommandLine(stats);
    cl.setOut(out);
    cl.setErr(err);
    return cl.execute("--config", dir.toString());
  }

  private static JsonNode json(String body) {
    try {
      JsonNode n = JSON.readTree(body);
      return n != null && n.isObject() ? n : null;
    } catch (IOException e) {
      return null; // "the agent is starting" is plain text
    }
  }

  /**
   * Empty when {@code served} (the {@code agent} object of {@code /health}) is the agent of this
   * configuration: the same gateway id and state directory. Two agents never share a state
   * directory, so with a port clash (two agents, one port) this tells them apart. Otherwise the
   * rest of a sentence saying whose it is.
   */
  static Optional<String> otherAgent(JsonNode served, String gatewayId, Path stateDir, Path configDir) {
    String ours = "(gateway " + gatewayId + ", stateDir " + absolute(stateDir) + ")";
    if (!served.path("gatewayId").isTextual() || !served.path("stateDir").isTextual()) {
      return Optional.of("does not say which agent it is (an older Ferry, or not Ferry), so it cannot be shown as the agent of "
          + configDir + " " + ours);
    }
    String theirGateway = served.path("gatewayId").asText();
    Path theirState = Path.of(served.path("stateDir").asText());
    if (theirGateway.equals(gatewayId) && sameDirectory(theirState, stateDir)) {
      return Optional.empty();
    }
    return Optional.of("belongs to another agent (gateway " + theirGateway + ", stateDir " + theirState + "), not to the one "
        + "configured in " + configDir + " " + ours + ": two agents on one port?");
  }

  private static Path absolute(Path p) {
    return p.toAbsolutePath().normalize();
  }

  private static boolean sameDirectory(Path served, Path configured) {
    if (absolute(served).equals(absolute(configured))) {
      return true;
    }
    try {
      return Files.exists(served) && Files.exists(configured) && Files.isSameFile(served, configured); // through links
    } catch (IOException e) {
      return false;
    }
  }

  /** The server as seen from this machine: a wildcard bind is reached on loopback. */
  static URI local(HttpSettings s) {
    String host = s.host();
    if (host.equals("0.0.0.0") || host.equals("::") || host.isEmpty()) {
      host = "127.0.0.1";
    }
    if (host.contains(":")) {
      host = "[" + host + "]";
    }
    return URI.create("http://" + host + ":" + s.port() + "/");
  }

  static void render(JsonNode h, URI from, PrintWriter out) {
    Instant now = Instant.parse(h.path("time").asText());
    out.printf("ferry: %s (%s at %s)%n", h.path("status").asText().toUpperCase(), from, now);
    out.printf("%n%-20s %-10s %-14s %10s %8s  %s%n", "instrument", "state", "last success", "polls", "errors", "last error");
    for (JsonNode i : h.path("instruments")) {
      out.printf("%-20s %-10s %-14s %10d %8d  %s%n", i.path("id").asText(), i.path("state").asText(),
          ago(i.path("lastSuccess"), now), i.path("polls").asLong(), i.path("errors").asLong() + i.path("timeouts").asLong(),
          i.path("problem").asText("").isEmpty() ? i.path("lastError").asText() : i.path("problem").asText());
    }
    out.printf("%n%-20s %-12s %10s %-14s %-16s %-14s  %s%n", "uplink", "state", "backlog", "oldest unsent", "catch-up",
        "last success", "problem");
    for (JsonNode u : h.path("uplinks")) {
      JsonNode oldest = u.path("oldestUnsentAgeSeconds");
      out.printf("%-20s %-12s %10d %-14s %-16s %-14s  %s%n", u.path("name").asText(), u.path("state").asText(),
          u.path("backlog").asLong(), oldest.isNumber() ? Durations.human(Duration.ofSeconds((long) oldest.asDouble())) : "-", u.path("catchUp").asText(),
          ago(u.path("lastSuccess"), now), u.path("problem").asText());
      outcomeUnknown(u.path("outcomeUnknown"), now).ifPresent(out::println);
    }
    JsonNode b = h.path("buffer");
    long max = b.path("maxBytes").asLong();
    out.printf("%nbuffer: %s, %s%s, free disk %s, %d samples accepted, %d refused%n", b.path("state").asText(),
        bytes(b.path("bytes").asLong()), max > 0 ? " of maxSize " + bytes(max) : " (maxSize unbounded)",
        bytes(b.path("freeDiskBytes").asLong()), b.path("appended").asLong(), b.path("refused").asLong());
  }

  /**
   * {@code   outcome unknown: 3 increments (door/opens 2, line/parts 1), the last 4m 10s ago}, under
   * the uplink's row; empty when none.
   */
  static java.util.Optional<String> outcomeUnknown(JsonNode u, Instant now) {
    if (u.path("count").asLong() == 0) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of("  outcome unknown: " + u.path("summary").asText() + ", the last " + ago(u.path("last"), now));
  }

  private static String ago(JsonNode t, Instant now) {
    if (!t.isTextual()) {
      return "never";
    }
    return Durations.human(Duration.between(Instant.parse(t.asText()), now)) + " ago";
  }

  static String bytes(long n) {
    if (n < 0) {
      return "unknown";
    }
    String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
    double v = n;
    int i = 0;
    while (v >= 1024 && i < units.length - 1) {
      v /= 1024;
      i++;
    }
    return i == 0 ? n + " B" : String.format("%.1f %s", v, units[i]);
  }
}
