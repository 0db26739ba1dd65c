package io.ferry.agent.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.ferry.config.ConfigLoader;
import io.ferry.config.Problems;
import io.ferry.mirror.MirrorReader;
import io.ferry.mirror.MirrorStatus;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/**
 * {@code ferry mirror query|status}: reads the local mirror of the Cognite subscription from the
 * buffer's database, read-only, while the agent runs or while the cloud is unreachable.
 */
@Command(
    name = "mirror",
    mixinStandardHelpOptions = true,
    description = "Read the local mirror of the Cognite subscription (read-only; works offline and while the agent runs).",
    subcommands = {MirrorCommand.Query.class, MirrorCommand.Status.class})
public final class MirrorCommand implements Runnable {
  @Spec CommandSpec spec;
  /** The clock for relative times and ages (tests replace it). */
  InstantSource clock = InstantSource.system();

  public MirrorCommand() {}

  /** With a fixed clock for relative times and ages (tests). */
  public MirrorCommand(InstantSource clock) {
    this.clock = clock;
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Where the database is: {@code --db}, else the buffer path of {@code --config}'s agent.yaml. */
  abstract static class DatabaseCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    /** The command's work; a {@link CommandLine.ParameterException} from it is a usage error (exit 2). */
    abstract int execute() throws Exception;

    @Override
    public final Integer call() throws Exception {
      try {
        return execute();
      } catch (CommandLine.ParameterException e) {
        PrintWriter err = spec.commandLine().getErr();
        err.println(e.getMessage());
        err.println("Try '" + spec.qualifiedName() + " --help' for more information.");
        err.flush();
        return Main.EXIT_USAGE;
      }
    }
    @ParentCommand MirrorCommand parent;

    @Option(names = "--config", paramLabel = "DIR", description = "Configuration directory (holds agent.yaml); the database is the buffer's file.")
    Path config;

    @Option(names = "--db", paramLabel = "FILE", description = "The buffer's SQLite file, instead of reading --config.")
    Path db;

    /** The database file, or empty after printing why not. */
    Optional<Path> database() {
      if (db != null) {
        return Optional.of(db);
      }
      if (config == null) {
        throw new CommandLine.ParameterException(spec.commandLine(), "give --config DIR or --db FILE");
      }
      BufferDatabase.Lookup found = BufferDatabase.fromConfig(config);
      if (found.database().isEmpty()) {
        PrintWriter err = spec.commandLine().getErr();
        err.println("cannot read " + found.agentFile() + ":");
        found.problems().stream().filter(p -> p.location().file().equals(ConfigLoader.AGENT_FILE) || p.location().file().isEmpty()
            || p.location().file().equals(config.toString())).forEach(p -> err.println("  " + p));
        err.flush();
        return Optional.empty();
      }
      // Problems elsewhere (instruments, uplinks) do not matter for reading the mirror.
      return found.database();
    }

    /** Set when {@link #open()} returns empty: why, as an exit code. */
    int failure = Main.EXIT_RUNTIME;

    Optional<MirrorReader> open() {
      Optional<Path> file = database();
      if (file.isEmpty()) {
        failure = Main.EXIT_INVALID;
        return Optional.empty();
      }
      try {
        return Optional.of(MirrorReader.open(file.get()));
      } catch (SQLException e) {
        spec.commandLine().getErr().println("cannot read the mirror: " + e.getMessage());
        spec.commandLine().getErr().flush();
        failure = Main.EXIT_RUNTIME;
        return Optional.empty();
      }
    }
  }

  @Command(name = "query", mixinStandardHelpOptions = true,
      description = "Print the mirrored points of one series, in time order.",
      footer = {"", "Times: ISO-8601 (2026-11-21T10:00:00Z), epoch milliseconds, now, or relative to now (-2h, now-30m).",
          "Exit codes: 0 ok, 1 unknown series or unreadable agent.yaml, 2 usage, 3 database unreadable."})
  static final class Query extends DatabaseCommand {
    @Option(names = "--series", required = true, paramLabel = "EXTID",
        description = "External id of the series (id:123 for a CDF id, space:externalId for an instance id).")
    String series;

    @Option(names = "--from", paramLabel = "T", description = "First time included (default: the oldest point).")
    String from;

    @Option(names = "--to", paramLabel = "T", description = "End, excluded (default: after the newest point).")
    String to;

    @Option(names = "--format", defaultValue = "csv", paramLabel = "csv|json", description = "Output format: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}).",
        completionCandidates = Formats.class)
    String format;

    @Override
    int execute() throws Exception {
      Instant now = parent.clock.instant();
      long fromMs = from == null ? Long.MIN_VALUE : time("--from", from, now);
      long toMs = to == null ? Long.MAX_VALUE : time("--to", to, now);
      String fmt = format.toLowerCase(Locale.ROOT);
      if (!fmt.equals("csv") && !fmt.equals("json")) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--format must be csv or json, got " + format);
      }
      Optional<MirrorReader> reader = open();
      if (reader.isEmpty()) {
        return failure;
      }
      try (MirrorReader r = reader.get()) {
        Optional<MirrorReader.Series> s = r.series(series);
        if (s.isEmpty()) {
          spec.commandLine().getErr().println("no series \"" + series + "\" in the mirror (" + r.allSeries().size() + " series mirrored;"
              + " `ferry mirror status` lists the counts)");
          spec.commandLine().getErr().flush();
          return Main.EXIT_INVALID;
        }
        PrintWriter out = spec.commandLine().getOut();
        if (fmt.equals("csv")) {
          csv(r, s.get(), fromMs, toMs, out);
        } else {
          json(r, s.get(), fromMs, toMs, out);
        }
        out.flush();
      }
      return Main.EXIT_OK;
    }

    private static void csv(MirrorReader r, MirrorReader.Series s, long from, long to, PrintWriter out) throws Exception {
      out.println("timestamp,time,value,status");
      r.points(s.id(), from, to, p -> {
        String value = p.text() != null ? Csv.field(p.text()) : p.number() != null ? number(p.number()) : "";
        out.print(p.timestamp());
        out.print(',');
        out.print(Instant.ofEpochMilli(p.timestamp()));
        out.print(',');
        out.print(value);
        out.print(',');
        out.println(p.status());
      });
    }

    private static void json(MirrorReader r, MirrorReader.Series s, long from, long to, PrintWriter out) throws Exception {
      try (JsonGenerator g = new JsonFactory().createGenerator(out)) {
        g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        g.writeStartObject();
        g.writeObjectFieldStart("series");
        g.writeNumberField("id", s.id());
        if (s.externalId().isPresent()) {
          g.writeStringField("externalId", s.externalId().get());
        }
        if (s.instanceExternalId().isPresent()) {
          g.writeObjectFieldStart("instanceId");
          g.writeStringField("space", s.instanceSpace().orElse(""));
          g.writeStringField("externalId", s.instanceExternalId().get());
          g.writeEndObject();
        }
        g.writeBooleanField("isString", s.isString());
        g.writeBooleanField("inSubscription", s.member());
        g.writeEndObject();
        g.writeArrayFieldStart("points");
        r.points(s.id(), from, to, p -> {
          g.writeStartObject();
          g.writeNumberField("timestamp", p.timestamp());
          g.writeStringField("time", Instant.ofEpochMilli(p.timestamp()).toString());
          if (p.text() != null) {
            g.writeStringField("value", p.text());
          } else if (p.number() != null && Double.isFinite(p.number())) {
            g.writeNumberField("value", p.number());
          } else if (p.number() != null) {
            g.writeStringField("value", p.number() > 0 ? "Infinity" : "-Infinity"); // as the API writes them
          } else {
            g.writeNullField("value");
          }
          if (p.status() != 0) {
            g.writeNumberField("status", p.status());
          }
          g.writeEndObject();
        });
        g.writeEndArray();
        g.writeEndObject();
      }
      out.println();
    }

    private long time(String option, String text, Instant now) {
      try {
        return TimeArgument.parse(option, text, now, TimeArgument.Epoch.MILLISECONDS);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
      }
    }

    private static String number(double v) {
      return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }
  }

  /** Completion candidates of {@code --format}. */
  static final class Formats extends java.util.ArrayList<String> {
    Formats() {
      super(java.util.List.of("csv", "json"));
    }
  }

  @Command(name = "status", mixinStandardHelpOptions = true,
      description = "Series count, points, lag, last successful poll and each partition's cursor age.",
      footer = {"", "Exit codes: 0 ok, 1 unreadable agent.yaml, 2 usage, 3 database unreadable or without mirror tables."})
  static final class Status extends DatabaseCommand {
    @Option(names = "--format", defaultValue = "text", paramLabel = "text|json", description = "Output format (default ${DEFAULT-VALUE}).")
    String format;

    @Override
    int execute() throws Exception {
      if (!format.equalsIgnoreCase("text") && !format.equalsIgnoreCase("json")) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--format must be text or json, got " + format);
      }
      Optional<MirrorReader> reader = open();
      if (reader.isEmpty()) {
        return failure;
      }
      MirrorStatus st;
      try (MirrorReader r = reader.get()) {
        st = r.status(parent.clock.instant());
      }
      PrintWriter out = spec.commandLine().getOut();
      if (format.equalsIgnoreCase("text")) {
        st.describe().forEach(out::println);
      } else {
        json(st, out);
      }
      out.flush();
      return Main.EXIT_OK;
    }

    private static void json(MirrorStatus st, PrintWriter out) throws Exception {
      try (JsonGenerator g = new JsonFactory().createGenerator(out)) {
        g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        g.writeStartObject();
        g.writeNumberField("series", st.series());
        g.writeNumberField("removedSeries", st.removedSeries());
        g.writeNumberField("points", st.points());
        if (st.lag().isPresent()) {
          g.writeNumberField("lagSeconds", st.lag().get().toSeconds());
        } else {
          g.writeNullField("lagSeconds");
        }
        g.writeStringField("lastSuccessfulPoll", st.lastSuccessfulPoll().map(Instant::toString).orElse(null));
        g.writeArrayFieldStart("partitions");
        for (MirrorStatus.Partition p : st.partitions()) {
          g.writeStartObject();
          g.writeStringField("subscription", p.subscription());
          g.writeNumberField("partition", p.index());
          g.writeBooleanField("hasCursor", p.hasCursor());
          if (p.cursorAge().isPresent()) {
            g.writeNumberField("cursorAgeSeconds", p.cursorAge().get().toSeconds());
          }
          g.writeStringField("lastPoll", p.lastPoll().map(Instant::toString).orElse(null));
          g.writeStringField("caughtUpAt", p.caughtUpAt().map(Instant::toString).orElse(null));
          g.writeNumberField("responses", p.responses());
          g.writeStringField("lastError", p.lastError().orElse(null));
          g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
      }
      out.println();
    }
  }
}
