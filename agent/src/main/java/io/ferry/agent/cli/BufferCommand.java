package io.ferry.agent.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import io.ferry.buffer.BufferInspector;
import io.ferry.buffer.BufferStats;
import io.ferry.config.ConfigLoader;
import io.ferry.config.Durations;
import io.ferry.config.Problem;
import io.ferry.core.ChannelId;
import io.ferry.core.MicroTime;
import io.ferry.core.Sample;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ferry buffer stats|export}: read-only views of the buffer database. Both open their own
 * read-only connection (WAL readers never block the service's writer), so they work while
 * {@code ferry run} is running.
 */
@Command(
    name = "buffer",
    mixinStandardHelpOptions = true,
    description = "Inspect the local buffer (works while the service runs).",
    subcommands = {BufferCommand.Stats.class, BufferCommand.Export.class, BufferCommand.Check.class})
public final class BufferCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "missing command: stats or export");
  }

  /** Where the database is: {@code --config DIR} (agent.yaml's buffer.path) or {@code --db FILE}. */
  static final class DbLocation {
    @Option(names = "--config", paramLabel = "DIR", description = "configuration directory (reads agent.yaml's buffer.path)")
    Path config;

    @Option(names = "--db", paramLabel = "FILE", description = "the buffer database file itself")
    Path db;
  }

  /** A usage or configuration failure with the exit code it deserves. */
  static final class Failure extends Exception {
    final int exitCode;

    Failure(int exitCode, String message) {
      super(message);
      this.exitCode = exitCode;
    }
  }

  static Path database(DbLocation where) throws Failure {
    if (where == null || (where.config == null) == (where.db == null)) {
      throw new Failure(2, "give exactly one of --config DIR or --db FILE");
    }
    if (where.db != null) {
      return where.db;
    }
    BufferDatabase.Lookup found = BufferDatabase.fromConfig(where.config);
    // Drivers and uplink types are not known here: only problems of the buffer section matter.
    List<Problem> relevant = new ArrayList<>();
    for (Problem p : found.problems()) {
      if (p.location().file().equals(ConfigLoader.AGENT_FILE)
          && (p.path() == null || p.path().isEmpty() || p.path().startsWith("buffer"))) {
        relevant.add(p);
      }
    }
    if (found.database().isEmpty() || !relevant.isEmpty()) {
      StringBuilder sb = new StringBuilder("cannot find the buffer from " + found.agentFile());
      relevant.forEach(p -> sb.append(System.lineSeparator()).append(p));
      if (found.database().isEmpty() && relevant.isEmpty()) {
        found.problems().forEach(p -> sb.append(System.lineSeparator()).append(p));
      }
      throw new Failure(1, sb.toString());
    }
    return found.database().get();
  }

  /**
   * Opens the file read-only for inspection and refuses a damaged one with one line: a file
   * {@code ferry run} would move aside is reported as corrupt (exit 1), not read.
   */
  static BufferInspector inspect(Path file) throws Failure {
    BufferInspector inspector;
    try {
      inspector = BufferInspector.open(file);
    } catch (BufferInspector.InspectionException e) {
      throw failure(e);
    }
    try {
      if (inspector.integrity() instanceof BufferInspector.Integrity.Corrupt corrupt) {
        inspector.close();
        throw new Failure(1, "buffer " + file + " is corrupt (" + corrupt.detail()
            + "); ferry run would move it aside and start a new one");
      }
    } catch (BufferInspector.InspectionException e) {
      inspector.close();
      throw failure(e);
    }
    return inspector;
  }

  static Failure failure(BufferInspector.InspectionException e) {
    return switch (e.kind()) {
      case UNUSABLE -> new Failure(1, e.getMessage());
      case MISSING, UNREADABLE -> new Failure(3, e.getMessage());
    };
  }

  /**
   * A subcommand that reads the database: where it is ({@code --config} or {@code --db}), and the
   * one way each of them opens it and turns a failure into its message and exit code.
   */
  abstract static class DatabaseCommand implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @ArgGroup(exclusive = false, multiplicity = "1")
    DbLocation where;

    /** What a subcommand does with the open database; returns its exit code. */
    @FunctionalInterface
    interface Reading {
      int read(Path file, BufferInspector inspector) throws Failure, BufferInspector.InspectionException;
    }

    /**
     * Finds and opens the database, lets {@code reading} use it, closes it and flushes the output;
     * a failure is one line on stderr and its exit code.
     */
    int withDatabase(Reading reading) {
      try {
        Path file = database(where);
        int code;
        try (BufferInspector inspector = inspect(file)) {
          code = reading.read(file, inspector);
        } catch (BufferInspector.InspectionException e) {
          throw failure(e);
        }
        spec.commandLine().getOut().flush();
        return code;
      } catch (Failure f) {
        spec.commandLine().getErr().println(f.getMessage());
        return f.exitCode;
      }
    }
  }

  // ------------------------------------------------------------------ check

  @Command(name = "check", mixinStandardHelpOptions = true,
      description = "Check the database's integrity the way ferry run does before using it (exit 1 when corrupt).")
  static final class Check extends DatabaseCommand {
    @Override
    public Integer call() {
      return withDatabase((file, inspector) -> {
        spec.commandLine().getOut().println("buffer " + file + ": ok");
        return Main.EXIT_OK;
      });
    }
  }

  // ------------------------------------------------------------------ stats

  @Command(name = "stats", mixinStandardHelpOptions = true,
      description = "Depth per uplink, oldest unsent sample, bytes, dropped counts.")
  static final class Stats extends DatabaseCommand {
    Clock clock = Clock.systemUTC();

    @Override
    public Integer call() {
      return withDatabase((file, inspector) -> {
        print(inspector.stats(), file, spec.commandLine().getOut());
        return Main.EXIT_OK;
      });
    }

    private void print(BufferInspector.Snapshot snap, Path file, PrintWriter out) {
      long db = snap.databaseBytes();
      long wal = snap.walBytes();
      out.printf("buffer %s: %d bytes (database %d + WAL %d), %d raw samples queued%n", file, db + wal, db, wal,
          snap.rawSamples());
      out.printf("%-20s %12s %10s %10s  %s%n", "uplink", "samples", "rollups", "increments", "oldest unsent sample");
      long now = MicroTime.now(clock);
      for (var e : snap.uplinks().entrySet()) {
        BufferStats.UplinkBacklog r = e.getValue();
        Duration age = Duration.of(now - r.oldestMicros(), ChronoUnit.MICROS);
        String oldest = r.samples() == 0 ? "-" : MicroTime.instant(r.oldestMicros()) + " (" + Durations.human(age) + " ago)";
        out.printf("%-20s %12d %10d %10d  %s%n", e.getKey(), r.samples(), r.rollups(), r.increments(), oldest);
      }
      Map<String, Long> dropped = snap.dropped();
      if (dropped.isEmpty()) {
        out.println("dropped: none");
      } else {
        out.printf("dropped (channel reason: count), %d in total:%n", dropped.values().stream().mapToLong(Long::longValue).sum());
        dropped.forEach((k, v) -> out.printf("  %-50s %d%n", k, v));
      }
    }
  }

  // ------------------------------------------------------------------ export

  /** Output formats of {@code export}. */
  enum Format {
    csv,
    jsonl
  }

  @Command(name = "export", mixinStandardHelpOptions = true,
      description = "Print the queued raw samples of one channel, ordered by time, as CSV or JSON lines.")
  static final class Export extends DatabaseCommand {
    /** Leaves the command's writer open and unflushed: the command flushes once at the end. */
    private static final JsonFactory JSON = JsonFactory.builder()
        .disable(StreamWriteFeature.AUTO_CLOSE_TARGET).disable(StreamWriteFeature.FLUSH_PASSED_TO_STREAM).build();

    @Option(names = "--channel", required = true, paramLabel = "INSTRUMENT/CHANNEL")
    String channel;

    @Option(names = "--from", paramLabel = "TIME",
        description = "inclusive; ISO-8601 instant (2026-11-21T10:00:00Z), epoch microseconds, now, or now minus a duration (-2h)")
    String from;

    @Option(names = "--to", paramLabel = "TIME", description = "exclusive; same forms as --from")
    String to;

    @Option(names = "--format", defaultValue = "csv", description = "csv or jsonl (default ${DEFAULT-VALUE})")
    Format format;

    Clock clock = Clock.systemUTC();

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      ChannelId id;
      long fromMicros;
      long toMicros;
      Instant now = clock.instant();
      try {
        id = ChannelId.parse(channel);
        fromMicros = from == null ? Long.MIN_VALUE : TimeArgument.parse("--from", from, now, TimeArgument.Epoch.MICROSECONDS);
        toMicros = to == null ? Long.MAX_VALUE : TimeArgument.parse("--to", to, now, TimeArgument.Epoch.MICROSECONDS);
      } catch (IllegalArgumentException e) {
        err.println(e.getMessage());
        return Main.EXIT_USAGE;
      }
      return withDatabase((file, inspector) -> {
        OptionalLong n;
        if (format == Format.csv) {
          out.println("time,time_us,value,quality,text");
          n = inspector.export(id, fromMicros, toMicros, s -> out.println(csv(s)));
        } else {
          n = jsonLines(inspector, id, fromMicros, toMicros, out);
        }
        out.flush();
        if (n.isEmpty()) {
          err.println("no channel " + id + " in " + file);
          return Main.EXIT_INVALID;
        }
        return Main.EXIT_OK;
      });
    }

    private static boolean noValue(Sample s) {
      return s.isText() || Double.isNaN(s.value());
    }

    private static String csv(Sample s) {
      long t = s.timeMicros();
      return MicroTime.instant(t) + "," + t + "," + (noValue(s) ? "" : Double.toString(s.value())) + "," + s.quality() + ","
          + (s.text() == null ? "" : Csv.field(s.text()));
    }

    /** One JSON object a line, written by Jackson (its escaping, not a hand-made one). */
    private static OptionalLong jsonLines(BufferInspector inspector, ChannelId id, long fromMicros, long toMicros, PrintWriter out)
        throws BufferInspector.InspectionException {
      try (JsonGenerator g = JSON.createGenerator(out)) {
        g.setRootValueSeparator(null);
        return inspector.export(id, fromMicros, toMicros, s -> {
          try {
            json(g, s);
            g.flush();
          } catch (IOException e) {
            throw new UncheckedIOException(e); // a PrintWriter never throws; Jackson's own state errors only
          }
          out.println();
        });
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    private static void json(JsonGenerator g, Sample s) throws IOException {
      long t = s.timeMicros();
      g.writeStartObject();
      g.writeStringField("channel", s.channel().toString());
      g.writeStringField("time", MicroTime.instant(t).toString());
      g.writeNumberField("time_us", t);
      if (noValue(s) || !Double.isFinite(s.value())) {
        g.writeNullField("value");
      } else {
        g.writeNumberField("value", s.value());
      }
      g.writeStringField("quality", s.quality().name());
      if (s.text() != null) {
        g.writeStringField("text", s.text());
      }
      g.writeEndObject();
    }
  }
}
