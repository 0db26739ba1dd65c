package io.ferry.buffer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.InstantSource;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;

/** Opening the buffer's SQLite file: integrity check, quarantine, pragmas, migrations. */
public final class Databases {
  private static final Logger log = LoggerFactory.getLogger(Databases.class);
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
  private static final int SQLITE_FULL = 13;

  private Databases() {}

  /**
   * Opens the writer connection: a file that fails the integrity check (or is not a database at
   * all) is moved aside as {@code NAME.corrupt-STAMP} with its WAL, never deleted, and a fresh
   * database takes its place.
   */
  static Connection openWriter(BufferOptions options, InstantSource clock) throws SQLException {
    Path file = options.file();
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
    } catch (IOException e) {
      throw new SQLException("cannot create the directory of " + file + ": " + e.getMessage(), e);
    }
    if (Files.exists(file)) {
      String problem = integrityProblem(file);
      if (problem != null) {
        Path moved = quarantine(file, clock);
        log.error(
            "buffer database {} failed its integrity check ({}); moved it to {} (kept for inspection) and"
                + " started a new one",
            file, problem, moved);
      }
    }
    Connection conn = connect(file, false);
    try (Statement st = conn.createStatement()) {
      st.execute("PRAGMA journal_mode = WAL");
      st.execute("PRAGMA synchronous = " + options.synchronous().name());
      st.execute("PRAGMA busy_timeout = 10000");
      st.execute("PRAGMA cache_size = -16000");
      st.execute("PRAGMA temp_store = MEMORY");
      // A small budget also bounds the WAL: checkpoint every 1/8 of the budget (max 4 MB).
      long walPages = 1000;
      if (options.maxBytes() > 0) {
        walPages = Math.max(16, Math.min(1000, options.maxBytes() / 4096 / 8));
      }
      st.execute("PRAGMA wal_autocheckpoint = " + walPages);
      st.execute("PRAGMA journal_size_limit = " + walPages * 4096 * 2);
      Schema.migrate(conn, Schema.MIGRATIONS);
    } catch (SQLException e) {
      conn.close();
      throw e;
    }
    return conn;
  }

  /** A read-only connection to a current-version buffer (tests; tools use {@link BufferInspector}). */
  static Connection openReadOnly(Path file) throws SQLException {
    if (!Files.exists(file)) {
      throw new SQLException("no buffer database at " + file);
    }
    Connection conn = connect(file, true);
    try (Statement st = conn.createStatement()) {
      st.execute("PRAGMA busy_timeout = 5000");
      int version = Schema.version(conn);
      if (version != Schema.current()) {
        conn.close();
        throw new SQLException(
            file + " has buffer schema version " + version + ", this Ferry reads version " + Schema.current());
      }
    }
    return conn;
  }

  private static Connection connect(Path file, boolean readOnly) throws SQLException {
    SQLiteConfig config = new SQLiteConfig();
    config.setReadOnly(readOnly);
    return DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath(), config.toProperties());
  }

  /** Null when the file is a healthy SQLite database, else what is wrong with it. */
  static String integrityProblem(Path file) {
    try (Connection conn = connect(file, false);
        Statement st = conn.createStatement();
        ResultSet rs = st.executeQuery("PRAGMA quick_check")) {
      if (!rs.next()) {
        return "quick_check returned nothing";
      }
      String first = rs.getString(1);
      return "ok".equalsIgnoreCase(first) ? null : first;
    } catch (SQLException e) {
      String m = String.valueOf(e.getMessage());
      if (looksCorrupt(m)) {
        return m;
      }
      // Locked, permission denied...: not corruption; let the real open report it.
      return null;
    }
  }

  /** Whether an SQLite error message says the file is damaged or not a database. */
  static boolean looksCorrupt(String message) {
    return message.contains("SQLITE_CORRUPT") || message.contains("SQLITE_NOTADB") || message.contains("malformed")
        || message.contains("not a database");
  }

  /** An SQLite error message without its {@code [SQLITE_CODE]} prefix, for operators. */
  static String words(String message) {
    String m = message.replaceFirst("^\\[SQLITE_[A-Z_]+\\]\\s*", "");
    return m.isBlank() ? message : m;
  }

  /** Moves the database and its WAL/SHM aside; returns the new name of the main file. */
  static Path quarantine(Path file, InstantSource clock) throws SQLException {
    String stamp = STAMP.format(clock.instant());
    Path target = file.resolveSibling(file.getFileName() + ".corrupt-" + stamp);
    for (int i = 1; Files.exists(target); i++) {
      target = file.resolveSibling(file.getFileName() + ".corrupt-" + stamp + "-" + i);
    }
    try {
      Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
      for (String suffix : List.of("-wal", "-shm")) {
        Path side = Path.of(file + suffix);
        if (Files.exists(side)) {
          Files.move(side, Path.of(target + suffix), StandardCopyOption.ATOMIC_MOVE);
        }
      }
    } catch (IOException e) {
      throw new SQLException("cannot move corrupt buffer " + file + " aside: " + e.getMessage(), e);
    }
    return target;
  }

  static boolean isDiskFull(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException s && (s.getErrorCode() == SQLITE_FULL
          || String.valueOf(s.getMessage()).contains("SQLITE_FULL"))) {
        return true;
      }
    }
    return false;
  }
}
