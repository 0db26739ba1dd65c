package io.ferry.mirror;

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
import java.util.Optional;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteOpenMode;

/**
 * Read-only access to the mirror tables, for the CLI and local readers while the agent runs
 * (WAL lets readers see the last committed batch without blocking the writers).
 */
public final class MirrorReader implements AutoCloseable {
  private final Connection c;

  /** A mirrored series. */
  public record Series(long id, Optional<String> externalId, Optional<String> instanceSpace,
      Optional<String> instanceExternalId, boolean isString, boolean member) {}

  /** A mirrored datapoint: {@code number} for numeric series, {@code text} for string series; both null when the point has no value. */
  public record Row(long timestamp, Double number, String text, long status) {}

  private MirrorReader(Connection c) {
    this.c = c;
  }

  /** Opens {@code database} read-only; fails when the file does not exist or holds no mirror tables. */
  public static MirrorReader open(Path database) throws SQLException {
    if (!Files.isRegularFile(database)) {
      throw new SQLException("database " + database + " does not exist");
    }
    SQLiteConfig config = new SQLiteConfig();
    config.setReadOnly(true);
    config.setOpenMode(SQLiteOpenMode.READONLY);
    config.setBusyTimeout(MirrorStore.BUSY_TIMEOUT_MS);
    Connection c = config.createConnection("jdbc:sqlite:" + database);
    try {
      if (!MirrorSchema.present(c)) {
        throw new SQLException("database " + database + " holds no mirror tables (has the mirror run yet?)");
      }
    } catch (SQLException e) {
      c.close();
      throw e;
    }
    return new MirrorReader(c);
  }

  /** By external id; {@code id:123} names a series by its CDF id, {@code space:externalId} by instance id. */
  public Optional<Series> series(String name) throws SQLException {
    if (name.matches("id:[0-9]{1,19}")) {
      return one("SELECT * FROM mirror_series WHERE id = ?", Long.parseLong(name.substring(3)));
    }
    Optional<Series> s = one("SELECT * FROM mirror_series WHERE external_id = ? ORDER BY member DESC, id LIMIT 1", name);
    int colon = name.indexOf(':');
    if (s.isEmpty() && colon > 0) {
      s = one("SELECT * FROM mirror_series WHERE instance_space = ? AND instance_external_id = ? LIMIT 1",
          name.substring(0, colon), name.substring(colon + 1));
    }
    return s;
  }

  public List<Series> allSeries() throws SQLException {
    List<Series> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT * FROM mirror_series ORDER BY id"); ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(series(rs));
      }
    }
    return out;
  }

  /** Points of a series with {@code from <= timestamp < to} (ms), in time order, streamed to {@code sink}. */
  public long points(long series, long from, long to, PointSink sink) throws Exception {
    long n = 0;
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT ts, num, str, status FROM mirror_points WHERE series = ? AND ts >= ? AND ts < ? ORDER BY ts")) {
      ps.setLong(1, series);
      ps.setLong(2, from);
      ps.setLong(3, to);
      ps.setFetchSize(1000);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          double d = rs.getDouble(2);
          Double num = rs.wasNull() ? null : d;
          sink.accept(new Row(rs.getLong(1), num, rs.getString(3), rs.getLong(4)));
          n++;
        }
      }
    }
    return n;
  }

  /** Receives points one at a time (output can be larger than memory). */
  @FunctionalInterface
  public interface PointSink {
    void accept(Row row) throws Exception;
  }

  public MirrorStatus status(Instant now) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("BEGIN");
      try {
        return status(c, null, "as stored in the database", now);
      } finally {
        s.execute("ROLLBACK");
      }
    }
  }

  /** The status as stored; {@code subscription} null means every subscription found in the file. */
  static MirrorStatus status(Connection c, String subscription, String state, Instant now) throws SQLException {
    long members = 0;
    long removed = 0;
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT coalesce(sum(member), 0), coalesce(sum(1 - member), 0) FROM mirror_series")) {
      if (rs.next()) {
        members = rs.getLong(1);
        removed = rs.getLong(2);
      }
    }
    long points;
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM mirror_points")) {
      points = rs.next() ? rs.getLong(1) : 0;
    }
    List<MirrorStatus.Partition> parts = new ArrayList<>();
    String sql = "SELECT subscription, partition, cursor, cursor_at, polled_at, applied_at, caught_up_at, responses,"
        + " last_error, error_at FROM mirror_cursors" + (subscription == null ? "" : " WHERE subscription = ?")
        + " ORDER BY subscription, partition";
    Instant lastPoll = null;
    Instant oldestCaughtUp = null;
    boolean allCaughtUp = true;
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      if (subscription != null) {
        ps.setString(1, subscription);
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          Optional<Instant> cursorAt = instant(rs, 4);
          Optional<Instant> polled = instant(rs, 5);
          Optional<Instant> caught = instant(rs, 7);
          parts.add(new MirrorStatus.Partition(rs.getString(1), rs.getInt(2), rs.getString(3) != null,
              cursorAt.map(t -> nonNegative(Duration.between(t, now))), polled, instant(rs, 6), caught, rs.getLong(8),
              Optional.ofNullable(rs.getString(9)), instant(rs, 10)));
          if (polled.isPresent() && (lastPoll == null || polled.get().isAfter(lastPoll))) {
            lastPoll = polled.get();
          }
          if (caught.isEmpty()) {
            allCaughtUp = false;
          } else if (oldestCaughtUp == null || caught.get().isBefore(oldestCaughtUp)) {
            oldestCaughtUp = caught.get();
          }
        }
      }
    }
    Optional<Duration> lag = allCaughtUp && oldestCaughtUp != null
        ? Optional.of(nonNegative(Duration.between(oldestCaughtUp, now))) : Optional.empty();
    return new MirrorStatus(state, members, removed, points, lag, Optional.ofNullable(lastPoll), parts);
  }

  @Override
  public void close() throws SQLException {
    c.close();
  }

  private Optional<Series> one(String sql, Object... args) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 1, args[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(series(rs)) : Optional.empty();
      }
    }
  }

  private static Series series(ResultSet rs) throws SQLException {
    return new Series(rs.getLong("id"), Optional.ofNullable(rs.getString("external_id")),
        Optional.ofNullable(rs.getString("instance_space")), Optional.ofNullable(rs.getString("instance_external_id")),
        rs.getBoolean("is_string"), rs.getBoolean("member"));
  }

  private static Optional<Instant> instant(ResultSet rs, int col) throws SQLException {
    long v = rs.getLong(col);
    return rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(v));
  }

  private static Duration nonNegative(Duration d) {
    return d.isNegative() ? Duration.ZERO : d;
  }
}
