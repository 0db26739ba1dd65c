package io.ferry.buffer;

import io.ferry.core.ChannelId;
import io.ferry.core.Quality;
import io.ferry.core.Sample;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.sqlite.SQLiteConfig;

/**
 * Read-only inspection of a buffer file for tools ({@code ferry buffer stats|export|check}), beside
 * a running service or without one. The schema stays private to this package: tools get values.
 *
 * <p>Never writes next to the file it inspects: when no service holds the file (its lock is free
 * and there is no WAL), the database is opened {@code immutable} (no {@code -wal}/{@code -shm}
 * created); while a service runs, its WAL and shared memory already exist and are read as any WAL
 * reader does. Never blocks the service's writer (WAL readers do not).
 */
public final class BufferInspector implements AutoCloseable {
  private final Path file;
  private final Connection conn;

  /** Why a file cannot be inspected; {@link Kind#UNUSABLE} is the file's fault, the others the environment's. */
  public static final class InspectionException extends Exception {
    /** What went wrong. */
    public enum Kind {
      /** no file at the path */
      MISSING,
      /** the file exists but is not a healthy buffer database (not SQLite, corrupt, empty, newer schema) */
      UNUSABLE,
      /** reading failed for another reason (permissions, I/O) */
      UNREADABLE
    }

    private final Kind kind;

    InspectionException(Kind kind, String message) {
      super(message);
      this.kind = kind;
    }

    public Kind kind() {
      return kind;
    }
  }

  /** Outcome of {@link #integrity()}. */
  public sealed interface Integrity {
    /** {@code PRAGMA quick_check} found nothing wrong. */
    record Ok() implements Integrity {}

    /** The file is damaged; {@code ferry run} would move it aside and start a new one. */
    record Corrupt(String detail) implements Integrity {}
  }

  /**
   * One consistent snapshot for operators.
   *
   * @param databaseBytes size of the main file
   * @param walBytes size of the WAL (0 when absent)
   * @param rawSamples raw rows queued
   * @param uplinks per uplink name: records owed and the oldest owed sample time (0 when none)
   * @param dropped per "instrument/channel reason": records dropped or counted events
   */
  public record Snapshot(
      long databaseBytes, long walBytes, long rawSamples, Map<String, BufferStats.UplinkBacklog> uplinks,
      Map<String, Long> dropped) {
    public Snapshot {
      uplinks = java.util.Collections.unmodifiableMap(new TreeMap<>(uplinks));
      dropped = java.util.Collections.unmodifiableMap(new TreeMap<>(dropped));
    }
  }

  private BufferInspector(Path file, Connection conn) {
    this.file = file;
    this.conn = conn;
  }

  /**
   * Opens {@code file} read-only and checks that it is a buffer this Ferry reads (not its
   * integrity: see {@link #integrity()}).
   */
  public static BufferInspector open(Path file) throws InspectionException {
    if (!Files.exists(file)) {
      throw new InspectionException(InspectionException.Kind.MISSING, "no buffer database at " + file);
    }
    if (!Files.isRegularFile(file)) {
      throw new InspectionException(InspectionException.Kind.UNUSABLE, file + " is not a regular file");
    }
    if (!Files.isReadable(file)) {
      throw new InspectionException(InspectionException.Kind.UNREADABLE, "cannot read " + file + ": permission denied");
    }
    try {
      if (Files.size(file) == 0) {
        throw new InspectionException(InspectionException.Kind.UNUSABLE, file + " is empty: not a buffer database");
      }
    } catch (IOException e) {
      throw new InspectionException(InspectionException.Kind.UNREADABLE, "cannot read " + file + ": " + e.getMessage());
    }
    boolean quiet = !serviceRunning(file) && !Files.exists(Path.of(file + "-wal"));
    Connection conn;
    try {
      SQLiteConfig config = new SQLiteConfig();
      config.setReadOnly(true);
      config.setOpenMode(org.sqlite.SQLiteOpenMode.OPEN_URI);
      String url = "jdbc:sqlite:" + file.toAbsolutePath().toUri() + (quiet ? "?immutable=1" : "?mode=ro");
      conn = DriverManager.getConnection(url, config.toProperties());
    } catch (SQLException e) {
      throw failure(file, e);
    }
    try (Statement st = conn.createStatement()) {
      st.execute("PRAGMA busy_timeout = 5000");
      int version = Schema.version(conn);
      if (version == 0 || !hasTable(conn, "raw")) {
        throw new InspectionException(InspectionException.Kind.UNUSABLE, file + " is not a Ferry buffer (no buffer tables)");
      }
      if (version != Schema.current()) {
        throw new InspectionException(
            InspectionException.Kind.UNUSABLE,
            file + " has buffer schema version " + version + ", this Ferry reads version " + Schema.current());
      }
      return new BufferInspector(file, conn);
    } catch (SQLException e) {
      closeQuietly(conn);
      throw failure(file, e);
    } catch (InspectionException e) {
      closeQuietly(conn);
      throw e;
    }
  }

  /** Whether a service holds the file's lock (the one {@link SqliteBuffer#open} takes). */
  private static boolean serviceRunning(Path file) {
    Path lockFile = Path.of(file + ".lock");
    if (!Files.exists(lockFile)) {
      return false;
    }
    try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.READ)) {
      FileLock lock = ch.tryLock(0, Long.MAX_VALUE, true);
      if (lock == null) {
        return true;
      }
      lock.release();
      return false;
    } catch (OverlappingFileLockException e) {
      return true; // held in this very process
    } catch (IOException e) {
      return true; // cannot tell: assume it runs and read as a WAL reader
    }
  }

  private static boolean hasTable(Connection conn, String name) throws SQLException {
    try (PreparedStatement ps = conn.prepareStatement("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?")) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  private static InspectionException failure(Path file, SQLException e) {
    String m = String.valueOf(e.getMessage());
    if (Databases.looksCorrupt(m)) {
      return new InspectionException(
          InspectionException.Kind.UNUSABLE, file + " is corrupt or not a database (ferry run would move it aside)");
    }
    if (m.contains("SQLITE_CANTOPEN") || m.contains("SQLITE_PERM") || m.contains("SQLITE_READONLY")) {
      return new InspectionException(InspectionException.Kind.UNREADABLE, "cannot open " + file + " for reading");
    }
    return new InspectionException(InspectionException.Kind.UNREADABLE, "cannot read " + file + ": " + Databases.words(m));
  }

  /** {@code PRAGMA quick_check}: the check {@code ferry run} makes before it uses a file. */
  public Integrity integrity() throws InspectionException {
    try (Statement st = conn.createStatement();
        ResultSet rs = st.executeQuery("PRAGMA quick_check")) {
      String first = rs.next() ? rs.getString(1) : "quick_check returned nothing";
      return "ok".equalsIgnoreCase(first) ? new Integrity.Ok() : new Integrity.Corrupt(firstProblem(first));
    } catch (SQLException e) {
      String m = String.valueOf(e.getMessage());
      if (Databases.looksCorrupt(m)) {
        return new Integrity.Corrupt(Databases.words(m));
      }
      throw failure(file, e);
    }
  }

  /** One line for operators: the first problem quick_check names, and how many more there are. */
  static String firstProblem(String report) {
    List<String> lines =
        report.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("***")).toList();
    if (lines.isEmpty()) {
      return report.strip();
    }
    return lines.size() == 1 ? lines.get(0) : lines.get(0) + ", and " + (lines.size() - 1) + " more problems";
  }

  /** Backlog per uplink, raw count, drops: every number from one read transaction. */
  public Snapshot stats() throws InspectionException {
    long db = size(file);
    long wal = size(Path.of(file + "-wal"));
    try (Statement st = conn.createStatement()) {
      st.execute("BEGIN");
      try {
        Map<Integer, String> names = new LinkedHashMap<>();
        Map<String, long[]> rows = new HashMap<>(); // samples, rollups, increments, oldest
        try (ResultSet rs = st.executeQuery("SELECT bit, name FROM uplink")) {
          while (rs.next()) {
            names.put(rs.getInt(1), rs.getString(2));
            rows.put(rs.getString(2), new long[] {0, 0, 0, Long.MAX_VALUE});
          }
        }
        long total = 0;
        try (ResultSet rs = st.executeQuery("SELECT pending, count(*), min(t) FROM raw GROUP BY pending")) {
          while (rs.next()) {
            total += rs.getLong(2);
            for (var u : names.entrySet()) {
              if ((rs.getLong(1) & (1L << u.getKey())) != 0) {
                long[] r = rows.get(u.getValue());
                r[0] += rs.getLong(2);
                r[3] = Math.min(r[3], rs.getLong(3));
              }
            }
          }
        }
        derived(st, "rollup", 1, names, rows);
        derived(st, "incr", 2, names, rows);
        Map<String, Long> dropped = new TreeMap<>();
        try (ResultSet rs =
            st.executeQuery("SELECT c.instrument, c.name, d.reason, d.n FROM dropped d JOIN channel c ON c.id = d.ch")) {
          while (rs.next()) {
            dropped.put(rs.getString(1) + "/" + rs.getString(2) + " " + rs.getString(3), rs.getLong(4));
          }
        }
        Map<String, BufferStats.UplinkBacklog> uplinks = new TreeMap<>();
        rows.forEach(
            (name, r) -> uplinks.put(name, new BufferStats.UplinkBacklog(r[0], r[1], r[2], r[3] == Long.MAX_VALUE ? 0 : r[3])));
        return new Snapshot(db, wal, total, uplinks, dropped);
      } finally {
        st.execute("COMMIT");
      }
    } catch (SQLException e) {
      throw failure(file, e);
    }
  }

  private static void derived(Statement st, String table, int index, Map<Integer, String> names,
      Map<String, long[]> rows) throws SQLException {
    try (ResultSet rs = st.executeQuery("SELECT pending, count(*) FROM " + table + " GROUP BY pending")) {
      while (rs.next()) {
        for (var u : names.entrySet()) {
          if ((rs.getLong(1) & (1L << u.getKey())) != 0) {
            rows.get(u.getValue())[index] += rs.getLong(2);
          }
        }
      }
    }
  }

  /**
   * Streams the queued raw samples of {@code channel} with {@code fromMicros <= t < toMicros} to
   * {@code sink}, by time (then arrival), straight from the cursor. Empty when the buffer never saw
   * the channel; else the number of samples passed on.
   */
  public OptionalLong export(ChannelId channel, long fromMicros, long toMicros, Consumer<Sample> sink)
      throws InspectionException {
    try {
      int ch;
      try (PreparedStatement ps = conn.prepareStatement("SELECT id FROM channel WHERE instrument = ? AND name = ?")) {
        ps.setString(1, channel.instrument());
        ps.setString(2, channel.channel());
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            return OptionalLong.empty();
          }
          ch = rs.getInt(1);
        }
      }
      long n = 0;
      try (PreparedStatement ps =
          conn.prepareStatement("SELECT t, v, q, txt FROM raw WHERE ch = ? AND t >= ? AND t < ? ORDER BY t, seq")) {
        ps.setInt(1, ch);
        ps.setLong(2, fromMicros);
        ps.setLong(3, toMicros);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            long t = rs.getLong(1);
            double v = rs.getDouble(2);
            if (rs.wasNull()) {
              v = Double.NaN;
            }
            Quality q = Quality.ofCode(rs.getInt(3));
            String txt = rs.getString(4);
            sink.accept(txt == null ? new Sample(channel, t, v, null, q) : Sample.text(channel, t, txt, q));
            n++;
          }
        }
      }
      return OptionalLong.of(n);
    } catch (SQLException e) {
      throw failure(file, e);
    }
  }

  private static long size(Path p) {
    try {
      return Files.exists(p) ? Files.size(p) : 0;
    } catch (IOException e) {
      return 0;
    }
  }

  private static void closeQuietly(Connection c) {
    try {
      c.close();
    } catch (SQLException e) {
      // closing a read-only connection: nothing to keep
    }
  }

  @Override
  public void close() {
    closeQuietly(conn);
  }
}
