package io.ferry.agent.cli;

import io.ferry.buffer.Databases;
import io.ferry.config.ConfigLoader;
import io.ferry.config.Problem;
import io.ferry.core.ChannelId;
import io.ferry.core.MicroTime;
import io.ferry.core.Quality;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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
    subcommands = {BufferCommand.Stats.class, BufferCommand.Export.class})
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

  static Connection connect(Path file) throws Failure {
    try {
      return Databases.openReadOnly(file);
    } catch (SQLException e) {
      throw new Failure(3, "cannot read buffer " + file + ": " + e.getMessage());
    }
  }

  // ------------------------------------------------------------------ stats

  @Command(name = "stats", mixinStandardHelpOptions = true,
      description = "Depth per uplink, oldest unsent sample, bytes, dropped counts.")
  static final class Stats implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @ArgGroup(exclusive = false, multiplicity = "1")
    DbLocation where;

    Clock clock = Clock.systemUTC();

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      try {
        Path file = database(where);
        try (Connection c = connect(file)) {
          print(c, file, out);
        }
        out.flush();
        return 0;
      } catch (Failure f) {
        err.println(f.getMessage());
        return f.exitCode;
      } catch (SQLException e) {
        err.println("reading buffer failed: " + e.getMessage());
        return 3;
      }
    }

    private void print(Connection c, Path file, PrintWriter out) throws SQLException {
      long db = size(file);
      long wal = size(Path.of(file + "-wal"));
      Map<Integer, String> uplinks = new TreeMap<>();
      Map<String, long[]> rows = new TreeMap<>(); // name -> samples, rollups, increments, oldest
      long total = 0;
      // One read transaction: every number comes from the same snapshot.
      try (Statement st = c.createStatement()) {
        st.execute("BEGIN");
        try (ResultSet rs = st.executeQuery("SELECT bit, name FROM uplink ORDER BY name")) {
          while (rs.next()) {
            uplinks.put(rs.getInt(1), rs.getString(2));
            rows.put(rs.getString(2), new long[] {0, 0, 0, Long.MAX_VALUE});
          }
        }
        try (ResultSet rs = st.executeQuery("SELECT pending, count(*), min(t) FROM raw GROUP BY pending")) {
          while (rs.next()) {
            total += rs.getLong(2);
            for (var u : uplinks.entrySet()) {
              if ((rs.getLong(1) & (1L << u.getKey())) != 0) {
                long[] r = rows.get(u.getValue());
                r[0] += rs.getLong(2);
                r[3] = Math.min(r[3], rs.getLong(3));
              }
            }
          }
        }
        derived(st, "rollup", 1, uplinks, rows);
        derived(st, "incr", 2, uplinks, rows);
        out.printf("buffer %s: %d bytes (database %d + WAL %d), %d raw samples queued%n", file, db + wal, db, wal, total);
        out.printf("%-20s %12s %10s %10s  %s%n", "uplink", "samples", "rollups", "increments", "oldest unsent sample");
        long now = MicroTime.now(clock);
        for (var e : rows.entrySet()) {
          long[] r = e.getValue();
          String oldest = r[3] == Long.MAX_VALUE ? "-" : MicroTime.instant(r[3]) + " (" + age(now - r[3]) + " ago)";
          out.printf("%-20s %12d %10d %10d  %s%n", e.getKey(), r[0], r[1], r[2], oldest);
        }
        Map<String, Long> dropped = new TreeMap<>();
        try (ResultSet rs =
            st.executeQuery(
                "SELECT c.instrument, c.name, d.reason, d.n FROM dropped d JOIN channel c ON c.id = d.ch")) {
          while (rs.next()) {
            dropped.put(rs.getString(1) + "/" + rs.getString(2) + " " + rs.getString(3), rs.getLong(4));
          }
        }
        st.execute("COMMIT");
        if (dropped.isEmpty()) {
          out.println("dropped: none");
        } else {
          out.printf("dropped (channel reason: count), %d in total:%n", dropped.values().stream().mapToLong(Long::longValue).sum());
          dropped.forEach((k, v) -> out.printf("  %-50s %d%n", k, v));
        }
      }
    }

    private static void derived(Statement st, String table, int index, Map<Integer, String> uplinks,
        Map<String, long[]> rows) throws SQLException {
      try (ResultSet rs = st.executeQuery("SELECT pending, count(*) FROM " + table + " GROUP BY pending")) {
        while (rs.next()) {
          for (var u : uplinks.entrySet()) {
            if ((rs.getLong(1) & (1L << u.getKey())) != 0) {
              rows.get(u.getValue())[index] += rs.getLong(2);
            }
          }
        }
      }
    }

    private static long size(Path p) {
      try {
        return Files.exists(p) ? Files.size(p) : 0;
      } catch (java.io.IOException e) {
        return 0;
      }
    }

    static String age(long micros) {
      Duration d = Duration.ofNanos(Math.max(0, micros) * 1000);
      if (d.toDays() > 0) {
        return d.toDays() + "d " + d.toHoursPart() + "h";
      }
      if (d.toHours() > 0) {
        return d.toHours() + "h " + d.toMinutesPart() + "m";
      }
      if (d.toMinutes() > 0) {
        return d.toMinutes() + "m " + d.toSecondsPart() + "s";
      }
      return d.toSeconds() + "s";
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
  static final class Export implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @ArgGroup(exclusive = false, multiplicity = "1")
    DbLocation where;

    @Option(names = "--channel", required = true, paramLabel = "INSTRUMENT/CHANNEL")
    String channel;

    @Option(names = "--from", paramLabel = "TIME", description = "inclusive; ISO-8601 instant (2026-11-21T10:00:00Z) or epoch microseconds")
    String from;

    @Option(names = "--to", paramLabel = "TIME", description = "exclusive; same forms as --from")
    String to;

    @Option(names = "--format", defaultValue = "csv", description = "csv or jsonl (default ${DEFAULT-VALUE})")
    Format format;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      try {
        ChannelId id;
        long fromMicros;
        long toMicros;
        try {
          id = ChannelId.parse(channel);
          fromMicros = from == null ? Long.MIN_VALUE : time(from);
          toMicros = to == null ? Long.MAX_VALUE : time(to);
        } catch (IllegalArgumentException | DateTimeParseException e) {
          err.println(e.getMessage());
          return 2;
        }
        Path file = database(where);
        try (Connection c = connect(file)) {
          long n = export(c, id, fromMicros, toMicros, out);
          out.flush();
          if (n < 0) {
            err.println("no channel " + id + " in " + file);
            return 1;
          }
        }
        return 0;
      } catch (Failure f) {
        err.println(f.getMessage());
        return f.exitCode;
      } catch (SQLException e) {
        err.println("reading buffer failed: " + e.getMessage());
        return 3;
      }
    }

    static long time(String text) {
      if (text.matches("-?\\d+")) {
        return Long.parseLong(text);
      }
      return MicroTime.micros(Instant.parse(text));
    }

    /** Streams rows straight from the cursor to the output: nothing is collected in memory. */
    private long export(Connection c, ChannelId id, long fromMicros, long toMicros, PrintWriter out)
        throws SQLException {
      int ch;
      try (PreparedStatement ps = c.prepareStatement("SELECT id FROM channel WHERE instrument = ? AND name = ?")) {
        ps.setString(1, id.instrument());
        ps.setString(2, id.channel());
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            return -1;
          }
          ch = rs.getInt(1);
        }
      }
      if (format == Format.csv) {
        out.println("time,time_us,value,quality,text");
      }
      long n = 0;
      try (PreparedStatement ps =
          c.prepareStatement("SELECT t, v, q, txt FROM raw WHERE ch = ? AND t >= ? AND t < ? ORDER BY t, seq")) {
        ps.setInt(1, ch);
        ps.setLong(2, fromMicros);
        ps.setLong(3, toMicros);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            long t = rs.getLong(1);
            double v = rs.getDouble(2);
            boolean noValue = rs.wasNull();
            Quality q = Quality.ofCode(rs.getInt(3));
            String txt = rs.getString(4);
            if (format == Format.csv) {
              out.println(MicroTime.instant(t) + "," + t + "," + (noValue ? "" : Double.toString(v)) + "," + q + ","
                  + (txt == null ? "" : csv(txt)));
            } else {
              StringBuilder sb = new StringBuilder(96);
              sb.append("{\"channel\":\"").append(id).append("\",\"time\":\"").append(MicroTime.instant(t))
                  .append("\",\"time_us\":").append(t).append(",\"value\":")
                  .append(noValue || !Double.isFinite(v) ? "null" : Double.toString(v))
                  .append(",\"quality\":\"").append(q).append('"');
              if (txt != null) {
                sb.append(",\"text\":\"").append(json(txt)).append('"');
              }
              out.println(sb.append('}'));
            }
            n++;
          }
        }
      }
      return n;
    }

    static String csv(String s) {
      return s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }

    static String json(String s) {
      StringBuilder sb = new StringBuilder(s.length() + 8);
      for (char ch : s.toCharArray()) {
        switch (ch) {
          case '"' -> sb.append("\\\"");
          case '\\' -> sb.append("\\\\");
          case '\n' -> sb.append("\\n");
          case '\r' -> sb.append("\\r");
          case '\t' -> sb.append("\\t");
          default -> {
            if (ch < 0x20) {
              sb.append(String.format("\\u%04x", (int) ch));
            } else {
              sb.append(ch);
            }
          }
        }
      }
      return sb.toString();
    }
  }
}
