package io.ferry.mirror;

import io.ferry.mirror.SubscriptionBatch.DeleteRange;
import io.ferry.mirror.SubscriptionBatch.Point;
import io.ferry.mirror.SubscriptionBatch.SeriesRef;
import io.ferry.mirror.SubscriptionBatch.SeriesUpdate;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.sqlite.SQLiteConfig;

/**
 * The mirror's writer: its own JDBC connection to the buffer's database (WAL, busy timeout, write
 * transactions begun IMMEDIATE so they queue behind the buffer's writer instead of failing on
 * upgrade). Every response of the API is applied, and its cursor stored, in one transaction.
 * Thread-safe: partition workers share one store; each call is one short transaction.
 */
final class MirrorStore implements AutoCloseable {
  static final int BUSY_TIMEOUT_MS = 30_000;

  private final Connection c;
  private final String subscription;

  /** Where a partition stands. {@code initFrom} is set while the cursor is absent: start there. */
  record PartitionState(int partition, Optional<String> cursor, Optional<Instant> initFrom, Optional<Instant> caughtUpAt) {}

  private MirrorStore(Connection c, String subscription) {
    this.c = c;
    this.subscription = subscription;
  }

  static MirrorStore open(Path database, String subscription) throws SQLException {
    SQLiteConfig config = new SQLiteConfig();
    config.setJournalMode(SQLiteConfig.JournalMode.WAL);
    config.setBusyTimeout(BUSY_TIMEOUT_MS);
    // WAL + NORMAL: a power cut may lose the last commits, but data and cursor go together, so
    // the mirror falls back to an earlier consistent state and replays; kill -9 loses nothing.
    config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
    // Auto-commit stays on and transactions are explicit: with auto-commit off, sqlite-jdbc opens
    // the next transaction right after each commit, and an IMMEDIATE one would then hold the write
    // lock between batches and starve the buffer's writer.
    Connection c = config.createConnection("jdbc:sqlite:" + database);
    MirrorStore store = new MirrorStore(c, subscription);
    try {
      store.begin();
      MirrorSchema.ensure(c);
      store.commit();
    } catch (SQLException e) {
      store.rollbackQuietly();
      c.close();
      throw e;
    }
    return store;
  }

  /** The stored position of a partition; creates it on first use with {@code initFrom} (empty = stream start). */
  synchronized PartitionState partition(int partition, Optional<Instant> firstStart) throws SQLException {
    Optional<PartitionState> st = readPartition(partition);
    if (st.isPresent()) {
      return st.get(); // the common case: a plain read, no write lock taken
    }
    update("INSERT OR IGNORE INTO mirror_cursors(subscription, partition, init_from) VALUES(?, ?, ?)", ps -> {
      ps.setString(1, subscription);
      ps.setInt(2, partition);
      setLong(ps, 3, firstStart.map(Instant::toEpochMilli));
    });
    return readPartition(partition).orElseThrow(() -> new SQLException("partition " + partition + " row vanished"));
  }

  private Optional<PartitionState> readPartition(int partition) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT cursor, init_from, caught_up_at FROM mirror_cursors WHERE subscription = ? AND partition = ?")) {
      ps.setString(1, subscription);
      ps.setInt(2, partition);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next()
            ? Optional.of(new PartitionState(partition, Optional.ofNullable(rs.getString(1)), instant(rs, 2), instant(rs, 3)))
            : Optional.empty();
      }
    }
  }

  /**
   * Applies one response and stores the partition's next cursor in the same transaction: a crash
   * before the commit replays the response, never skips it. Within an update, deletes are applied
   * before upserts (the API sends one ingestion request per update; a request is either one).
   */
  synchronized void apply(int partition, SubscriptionBatch batch, Instant now) throws SQLException {
    String next = batch.nextCursors().get(partition);
    if (next == null) {
      throw new IllegalArgumentException("the response has no cursor for partition " + partition);
    }
    long ms = now.toEpochMilli();
    begin();
    try (PreparedStatement seriesSeen = c.prepareStatement(
            "INSERT INTO mirror_series(id, external_id, instance_space, instance_external_id, is_string, member, changed_at)"
                + " VALUES(?, ?, ?, ?, ?, 1, ?) ON CONFLICT(id) DO UPDATE SET external_id = excluded.external_id,"
                + " instance_space = excluded.instance_space, instance_external_id = excluded.instance_external_id,"
                + " is_string = excluded.is_string");
        PreparedStatement membership = c.prepareStatement(
            "INSERT INTO mirror_series(id, external_id, instance_space, instance_external_id, is_string, member, changed_at)"
                + " VALUES(?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET external_id = excluded.external_id,"
                + " instance_space = excluded.instance_space, instance_external_id = excluded.instance_external_id,"
                + " is_string = excluded.is_string, member = excluded.member, changed_at = excluded.changed_at");
        PreparedStatement upsert = c.prepareStatement(
            "INSERT OR REPLACE INTO mirror_points(series, ts, num, str, status) VALUES(?, ?, ?, ?, ?)");
        PreparedStatement delete = c.prepareStatement(
            "DELETE FROM mirror_points WHERE series = ? AND ts >= ? AND ts < ?");
        PreparedStatement cursor = c.prepareStatement(
            "UPDATE mirror_cursors SET cursor = ?, init_from = NULL, cursor_at = ?, polled_at = ?,"
                + " applied_at = CASE WHEN ? THEN ? ELSE applied_at END,"
                + " caught_up_at = CASE WHEN ? THEN ? ELSE caught_up_at END,"
                + " responses = responses + 1, last_error = NULL, error_at = NULL"
                + " WHERE subscription = ? AND partition = ?")) {
      for (SeriesUpdate u : batch.updates()) {
        bindSeries(seriesSeen, u.series());
        seriesSeen.setLong(6, ms);
        seriesSeen.executeUpdate();
        for (DeleteRange d : u.deletes()) {
          delete.setLong(1, u.series().id());
          delete.setLong(2, d.inclusiveBegin());
          delete.setLong(3, d.exclusiveEnd());
          delete.addBatch();
        }
        delete.executeBatch();
        for (Point p : u.upserts()) {
          upsert.setLong(1, u.series().id());
          upsert.setLong(2, p.timestamp());
          if (p.number() == null) {
            upsert.setNull(3, Types.REAL);
          } else {
            upsert.setDouble(3, p.number());
          }
          upsert.setString(4, p.text());
          upsert.setLong(5, p.statusCode());
          upsert.addBatch();
        }
        upsert.executeBatch();
      }
      for (SeriesRef s : batch.added()) {
        bindMembership(membership, s, true, ms);
      }
      for (SeriesRef s : batch.removed()) {
        bindMembership(membership, s, false, ms);
      }
      cursor.setString(1, next);
      cursor.setLong(2, ms);
      cursor.setLong(3, ms);
      cursor.setBoolean(4, batch.size() > 0);
      cursor.setLong(5, ms);
      cursor.setBoolean(6, !batch.hasNext());
      cursor.setLong(7, ms);
      cursor.setString(8, subscription);
      cursor.setInt(9, partition);
      if (cursor.executeUpdate() != 1) {
        throw new SQLException("partition " + partition + " has no cursor row");
      }
      commit();
    } catch (SQLException | RuntimeException e) {
      rollbackQuietly();
      throw e;
    }
  }

  /** Drops a rejected cursor: the partition restarts at {@code from} (kept across restarts until a response is applied). */
  synchronized void reinitialize(int partition, Optional<Instant> from, String reason, Instant now) throws SQLException {
    update("UPDATE mirror_cursors SET cursor = NULL, init_from = ?, last_error = ?, error_at = ? WHERE subscription = ? AND partition = ?",
        ps -> {
          setLong(ps, 1, from.map(Instant::toEpochMilli));
          ps.setString(2, reason);
          ps.setLong(3, now.toEpochMilli());
          ps.setString(4, subscription);
          ps.setInt(5, partition);
        });
  }

  /** Remembers the last failure for {@code ferry mirror status}. */
  synchronized void recordError(int partition, String message, Instant now) throws SQLException {
    update("UPDATE mirror_cursors SET last_error = ?, error_at = ? WHERE subscription = ? AND partition = ?", ps -> {
      ps.setString(1, message);
      ps.setLong(2, now.toEpochMilli());
      ps.setString(3, subscription);
      ps.setInt(4, partition);
    });
  }

  /**
   * Retention: deletes points older than {@code cutoff}, one series per transaction so the buffer's
   * writer never waits long, and forgets removed series that have no points left.
   *
   * @return points deleted
   */
  long prune(Instant cutoff) throws SQLException {
    List<Long> ids = new ArrayList<>();
    synchronized (this) {
      try (PreparedStatement ps = c.prepareStatement("SELECT id FROM mirror_series"); ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          ids.add(rs.getLong(1));
        }
      }
    }
    long deleted = 0;
    for (long id : ids) {
      synchronized (this) {
        deleted += update("DELETE FROM mirror_points WHERE series = ? AND ts < ?", ps -> {
          ps.setLong(1, id);
          ps.setLong(2, cutoff.toEpochMilli());
        });
      }
    }
    synchronized (this) {
      update("DELETE FROM mirror_series WHERE member = 0 AND changed_at < ?"
          + " AND NOT EXISTS (SELECT 1 FROM mirror_points p WHERE p.series = mirror_series.id)",
          ps -> ps.setLong(1, cutoff.toEpochMilli()));
    }
    return deleted;
  }

  /** A snapshot for {@link MirrorService#status()}, read on this connection. */
  synchronized MirrorStatus status(String state, Instant now) throws SQLException {
    exec("BEGIN");
    try {
      return MirrorReader.status(c, subscription, state, now);
    } finally {
      rollbackQuietly();
    }
  }

  @Override
  public synchronized void close() throws SQLException {
    c.close();
  }

  /** Sets the parameters of one statement. */
  @FunctionalInterface
  private interface Binder {
    void bind(PreparedStatement ps) throws SQLException;
  }

  /**
   * Runs one statement in its own write transaction, rolled back if it fails; the caller holds
   * this store's lock.
   *
   * @return the rows it changed
   */
  private int update(String sql, Binder binder) throws SQLException {
    begin();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      binder.bind(ps);
      int n = ps.executeUpdate();
      commit();
      return n;
    } catch (SQLException e) {
      rollbackQuietly();
      throw e;
    }
  }

  private void begin() throws SQLException {
    exec("BEGIN IMMEDIATE");
  }

  private void commit() throws SQLException {
    exec("COMMIT");
  }

  private void exec(String sql) throws SQLException {
    try (java.sql.Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private static void bindSeries(PreparedStatement ps, SeriesRef s) throws SQLException {
    ps.setLong(1, s.id());
    ps.setString(2, s.externalId().orElse(null));
    ps.setString(3, s.instanceSpace().orElse(null));
    ps.setString(4, s.instanceExternalId().orElse(null));
    ps.setBoolean(5, s.isString());
  }

  private static void bindMembership(PreparedStatement ps, SeriesRef s, boolean member, long ms) throws SQLException {
    bindSeries(ps, s);
    ps.setBoolean(6, member);
    ps.setLong(7, ms);
    ps.executeUpdate();
  }

  private static void setLong(PreparedStatement ps, int i, Optional<Long> v) throws SQLException {
    if (v.isPresent()) {
      ps.setLong(i, v.get());
    } else {
      ps.setNull(i, Types.INTEGER);
    }
  }

  private static Optional<Instant> instant(ResultSet rs, int col) throws SQLException {
    long v = rs.getLong(col);
    return rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(v));
  }

  private void rollbackQuietly() {
    try {
      exec("ROLLBACK");
    } catch (SQLException e) {
      // nothing was open, or the connection is gone: the transaction is void either way
    }
  }
}
