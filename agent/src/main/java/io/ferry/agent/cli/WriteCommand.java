package io.ferry.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ferry write}: one value to one writable channel, through the running service's local API
 * ({@code POST /api/write}), so the write shares the instrument's connection and bus thread with
 * the polls. Without a running service (or with its write API off) it says so and writes nothing:
 * it never opens a device behind the service's back.
 */
@Command(
    name = "write",
    mixinStandardHelpOptions = true,
    description = {
      "Write a value to a writable channel (write: in its instrument file) through the running Ferry service.",
      "Needs agent.yaml http: {listen, token, writeApi: true}; without a running service nothing is written."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:applied (the device acknowledged; with verify: readBack, the value was read back)",
        "1:the configuration has errors", "2:usage error",
        "3:not written: no running service, its write API is off, or the token was refused",
        "4:rejected: refused before sending (unknown channel, not writable, wrong type, out of range, rate) or by the device",
        "5:failed: the request did not reach the device (safe to send a setpoint again)",
        "6:unknown: the request left but no answer came; the device may or may not have applied it"})
public final class WriteCommand implements Callable<Integer> {
  public static final int EXIT_REJECTED = 4;
  public static final int EXIT_FAILED = 5;
  public static final int EXIT_UNKNOWN = 6;
  private static final ObjectMapper JSON = new ObjectMapper();
  /** A write waits behind a poll in progress and then for its own answer: generous, the service bounds it by the instrument's timeout. */
  static final Duration ANSWER_TIMEOUT = Duration.ofMinutes(2);

  @Spec CommandSpec spec;

  @Option(names = {"-c", "--config"}, paramLabel = "DIR", defaultValue = ConfigOption.DEFAULT,
      description = "Configuration directory holding agent.yaml (default: ${DEFAULT-VALUE}).")
  Path dir;

  @Option(names = "--channel", required = true, paramLabel = "INSTRUMENT/CHANNEL", description = "The channel, for example plc1/setpoint.")
  String channel;

  @Option(names = "--value", required = true, paramLabel = "VALUE", description = "A number, or true/false for a coil.")
  String value;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      return run(out, err);
    } finally {
      out.flush();
      err.flush();
    }
  }

  private int run(PrintWriter out, PrintWriter err) {
    BufferDatabase.Lookup lookup = BufferDatabase.fromConfig(dir);
    if (lookup.agent().isEmpty()) {
      lookup.problems().forEach(err::println);
      err.println("cannot read " + lookup.agentFile());
      return Main.EXIT_INVALID;
    }
    AgentConfig agent = lookup.agent().get();
    Optional<HttpSettings> http = agent.http();
    if (http.isEmpty() || !http.get().writeApi()) {
      err.println("not written: writes go through the running Ferry service, and " + lookup.agentFile() + " does not turn its write API on "
          + "(http: {listen: 127.0.0.1:9108, token: ${file:...}, writeApi: true}); the device was not touched");
      return Main.EXIT_RUNTIME;
    }
    URI target = StatusCommand.local(http.get()).resolve("/api/write");
    ObjectNode body = JSON.createObjectNode();
    body.put("channel", channel);
    body.put("value", value);
    body.put("source", "cli");
    // the service refuses a write meant for another agent (two agents, one port): never the wrong plant
    body.putObject("agent").put("gatewayId", agent.gatewayId()).put("stateDir", agent.stateDir().toAbsolutePath().normalize().toString());
    HttpResponse<String> r;
    try {
      HttpRequest.Builder req = HttpRequest.newBuilder(target).timeout(ANSWER_TIMEOUT)
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
      http.get().token().ifPresent(t -> req.header("Authorization", "Bearer " + t.reveal()));
      r = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build().send(req.build(), HttpResponse.BodyHandlers.ofString());
    } catch (ConnectException e) {
      err.println("not written: no Ferry service answers on " + target + " (is it running?); the device was not touched");
      return Main.EXIT_RUNTIME;
    } catch (IOException e) {
      err.println("not written: cannot reach " + target + " (" + (e.getMessage() == null ? "no answer" : e.getMessage())
          + "); the outcome is unknown if the service got the request: see ferry writes");
      return Main.EXIT_RUNTIME;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Main.EXIT_RUNTIME;
    }
    if (r.statusCode() != 200) {
      String why = switch (r.statusCode()) {
        case 401 -> "the service refused the token in agent.yaml (is it this configuration's service?)";
        case 404 -> "the running service has its write API off (ferry reload after setting http.writeApi: true)";
        case 409 -> "the service listening there is another agent's: " + r.body().strip();
        default -> "the service answered HTTP " + r.statusCode() + ": " + r.body().strip().lines().findFirst().orElse("");
      };
      err.println("not written: " + why);
      return Main.EXIT_RUNTIME;
    }
    JsonNode answer;
    try {
      answer = JSON.readTree(r.body());
    } catch (IOException e) {
      err.println("the service's answer could not be read; see ferry writes for the outcome");
      return Main.EXIT_RUNTIME;
    }
    String outcome = answer.path("outcome").asText();
    String detail = answer.path("detail").asText();
    out.println(channel + " = " + value.trim() + ": " + outcome + (detail.isEmpty() ? "" : " (" + detail + ")")
        + (answer.path("retryable").asBoolean() ? "; safe to send again" : ""));
    return exitCode(outcome);
  }

  /** The exit code of an outcome word. */
  static int exitCode(String outcome) {
    return switch (outcome) {
      case "applied" -> Main.EXIT_OK;
      case "rejected" -> EXIT_REJECTED;
      case "failed" -> EXIT_FAILED;
      default -> EXIT_UNKNOWN;
    };
  }
}
