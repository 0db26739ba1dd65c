package io.ferry.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ferry.config.AgentConfig;
import io.ferry.config.HttpSettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
 * database's backlog instead ({@code ferry buffer stats}). Read-only.
 */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = {
      "Show the running agent: per instrument and uplink state, backlog, oldest unsent sample, catch-up estimate.",
      "Asks the agent's status server (agent.yaml http:); without one, reads the backlog from the buffer database."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:healthy (or the database was read)", "1:unhealthy, or the configuration has errors", "3:nothing could be read"})
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
        if (r.statusCode() == 200 || r.statusCode() == 503) {
          JsonNode h = JSON.readTree(r.body());
          render(h, health, out);
          return h.path("healthy").asBoolean() ? Main.EXIT_OK : Main.EXIT_INVALID;
        }
        why = health + " answered HTTP " + r.statusCode() + (r.statusCode() == 401 ? " (the token in agent.yaml is not the agent's)" : "");
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
    out.flush();
    BufferCommand.Stats stats = new BufferCommand.Stats();
    CommandLine cl = new CommandLine(stats);
    cl.setOut(out);
    cl.setErr(err);
    return cl.execute("--config", dir.toString());
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
          u.path("backlog").asLong(), oldest.isNumber() ? human((long) oldest.asDouble()) : "-", u.path("catchUp").asText(),
          ago(u.path("lastSuccess"), now), u.path("problem").asText());
    }
    JsonNode b = h.path("buffer");
    long max = b.path("maxBytes").asLong();
    out.printf("%nbuffer: %s, %s%s, free disk %s, %d samples accepted, %d refused%n", b.path("state").asText(),
        bytes(b.path("bytes").asLong()), max > 0 ? " of maxSize " + bytes(max) : " (maxSize unbounded)",
        bytes(b.path("freeDiskBytes").asLong()), b.path("appended").asLong(), b.path("refused").asLong());
  }

  private static String ago(JsonNode t, Instant now) {
    if (!t.isTextual()) {
      return "never";
    }
    return human(Duration.between(Instant.parse(t.asText()), now).toSeconds()) + " ago";
  }

  static String human(long seconds) {
    long s = Math.max(0, seconds);
    if (s < 60) {
      return s + "s";
    }
    if (s < 3600) {
      return s / 60 + "m " + s % 60 + "s";
    }
    if (s < 86_400) {
      return s / 3600 + "h " + s % 3600 / 60 + "m";
    }
    return s / 86_400 + "d " + s % 86_400 / 3600 + "h";
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
