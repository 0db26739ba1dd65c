package io.ferry.buffer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.sqlite.SQLiteConfig;

/**
 * The durable record of every write to an instrument, from every source: one row per write in the
 * table {@code write_audit} of the buffer's database, behind its own connection (as the mirror's
 * tables are), so the buffer's writer, schema and {@code user_version} are untouched. A row is
 * committed ({@code synchronous=FULL}) before {@link #record} returns; rows older than the
 * retention are deleted by {@link #prune}. Thread-safe: each call is one short transaction.
 *
 * <pre>
 * write_audit(id PK, t, source, channel, value, outcome, detail, duration_us)
 *   t = ms since epoch when the write was asked for; value as written (text); outcome = applied,
 *   rejected, failed or unknown; detail in words; duration_us from asking to the outcome
 * write_follow(channel PK, ts)
 *   per channel following a mirrored series: the timestamp (ms) of the newest datapoint taken,
 *   stored before it is sent, so a restart (or kill -9) never sends that datapoint again
 * </pre>
 */
public final class WriteAudit implements AutoCloseable {
  static final int BUSY_TIMEOUT_MS = 30_000;
  static final String DDL = "CREATE TABLE IF NOT EXISTS write_audit(id INTEGER PRIMARY KEY, t INTEGER NOT NULL,"
      + " source TEXT NOT NULL, channel TEXT NOT NULL, value TEXT NOT NULL, outcome TEXT NOT NULL, detail TEXT NOT NULL,"
      + " duration_us INTEGER NOT NULL)";

  static final String FOLLOW_DDL = "CREATE TABLE IF NOT EXISTS write_follow(channel TEXT PRIMARY KEY, ts INTEGER NOT NULL)";

  /** One recorded write. */
  public record Entry(Instant time, String source, String channel, String value, String outcome, String detail, Duration duration) {
    public Entry {
      Objects.requireNonNull(time, "time");
      Objects.requireNonNull(source, "source");
      Objects.requireNonNull(channel, "channel");
      Objects.requireNonNull(value, "value");
      Objects.requireNonNull(outcome, "outcome");
      detail = detail == null ? "" : detail;
      Objects.requireNonNull(duration, "duration");
    }
  }

  private final Connection c;

  private WriteAudit(Connection c) {
    this.c = c;
  }

  /** Opens (and creates when missing) the audit table in the buffer's database file. */
  public static WriteAudit open(Path database) throws SQLException {
    SQLiteConfig config = new SQLiteConfig();
    config.setJournalMode(SQLiteConfig.JournalMode.WAL);
    config.setBusyTimeout(BUSY_TIMEOUT_MS);
    config.setSynchronous(SQLiteConfig.SynchronousMode.FULL); // a write the device took is never forgotten by a power cut
    Connection c = config.createConnection("jdbc:sqlite:" + database);
    try (Statement s = c.createStatement()) {
      s.execute(DDL);
      s.execute(FOLLOW_DDL);
    } catch (SQLException e) {
      c.close();
      throw e;
    }
    return new WriteAudit(c);
  }

  /** Appends one write; durable when this returns. */
  public synchronized void record(Entry e) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "INSERT INTO write_audit(t, source, channel, value, outcome, detail, duration_us) VALUES(?, ?, ?, ?, ?, ?, ?)")) {
      ps.setLong(1, e.time().toEpochMilli());
      ps.setString(2, e.source());
      ps.setString(3, e.channel());
      ps.setString(4, e.value());
      ps.setString(5, e.outcome());
      ps.setString(6, e.detail());
      ps.setLong(7, e.duration().toNanos() / 1000);
      ps.executeUpdate();
    }
  }

  /**
   * Records a write about to be sent, as {@code unknown} ("in progress"), before anything leaves:
   * a crash before {@link #finish} leaves it unknown, which is what it then is. Returns its id.
   */
  public synchronized long begin(Entry e) throws SQLException {
    record(e);
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT last_insert_rowid()")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** Stores the outcome of a write {@link #begin} recorded. */
  public synchronized void finish(long id, String outcome, String detail, Duration duration) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("UPDATE write_audit SET outcome = ?, detail = ?, duration_us = ? WHERE id = ?")) {
      ps.setString(1, outcome);
      ps.setString(2, detail == null ? "" : detail);
      ps.setLong(3, duration.toNanos() / 1000);
      ps.setLong(4, id);
      ps.executeUpdate();
    }
  }

  /** The timestamp (ms) of the newest mirrored datapoint a channel took, if any. */
  public synchronized Optional<Long> followed(String channel) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT ts FROM write_follow WHERE channel = ?")) {
      ps.setString(1, channel);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(rs.getLong(1)) : Optional.empty();
      }
    }
  }

  /** Stores (durably) that {@code channel} took the datapoint at {@code ts}; empty {@code ts} forgets it (a write that never left). */
  public synchronized void follow(String channel, Optional<Long> ts) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(ts.isPresent()
        ? "INSERT INTO write_follow(channel, ts) VALUES(?, ?) ON CONFLICT(channel) DO UPDATE SET ts = excluded.ts"
        : "DELETE FROM write_follow WHERE channel = ?")) {
      ps.setString(1, channel);
      if (ts.isPresent()) {
        ps.setLong(2, ts.get());
      }
      ps.executeUpdate();
    }
  }

  /** Deletes the writes recorded before {@code cutoff}; returns how many. */
  public synchronized int prune(Instant cutoff) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("DELETE FROM write_audit WHERE t < ?")) {
      ps.setLong(1, cutoff.toEpochMilli());
      return ps.executeUpdate();
    }
  }

  /** The newest {@code limit} writes, oldest first. */
  public synchronized List<Entry> recent(int limit) throws SQLException {
    return recent(c, limit);
  }

  /**
   * The newest {@code limit} writes of a database, read with a read-only connection of its own
   * (for {@code ferry writes} beside a running service or after a restart); none when the file or
   * the table does not exist.
   */
  public static List<Entry> read(Path database, int limit) throws SQLException {
    if (!Files.exists(database)) {
      return List.of();
    }
    SQLiteConfig config = new SQLiteConfig();
    config.setReadOnly(true);
    config.setBusyTimeout(BUSY_TIMEOUT_MS);
    try (Connection rc = config.createConnection("jdbc:sqlite:" + database)) {
      try (Statement s = rc.createStatement();
          ResultSet rs = s.executeQuery("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'write_audit'")) {
        if (!rs.next() || rs.getInt(1) == 0) {
          return List.of();
        }
      }
      return recent(rc, limit);
    }
  }

  private static List<Entry> recent(Connection conn, int limit) throws SQLException {
    List<Entry> out = new ArrayList<>();
    try (PreparedStatement ps = conn.prepareStatement("SELECT t, source, channel, value, outcome, detail, duration_us FROM"
        + " (SELECT * FROM write_audit ORDER BY id DESC LIMIT ?) ORDER BY id")) {
      ps.setInt(1, limit);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new Entry(Instant.ofEpochMilli(rs.getLong(1)), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
              rs.getString(6), Duration.ofNanos(rs.getLong(7) * 1000)));
        }
      }
    }
    return out;
  }

  @Override
  public synchronized void close() {
    try {
      c.close();
    } catch (SQLException e) {
      // closing releases the file either way
    }
  }
}
