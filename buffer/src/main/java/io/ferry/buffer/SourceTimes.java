package io.ferry.buffer;

import io.ferry.core.ChannelId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/**
 * The newest source time ever stored per channel ({@code source_time.t}), and the newest of those
 * appended as history ({@code h}), kept after the samples were uploaded and deleted: where an OPC UA
 * history backfill starts, and where an interrupted one resumes after a restart. Written in the
 * append transaction (a crash leaves it consistent with the raw queue); both only grow. Confined to
 * the writer thread like the store.
 */
final class SourceTimes {
  private final PreparedStatement upsert;
  private final PreparedStatement byInstrument;
  /** The batch's newest time per channel key, written by {@link #write()} inside the transaction. */
  private final Map<Integer, Long> batch = new HashMap<>();
  /** The batch's newest history time per channel key. */
  private final Map<Integer, Long> history = new HashMap<>();

  SourceTimes(Connection conn) throws SQLException {
    upsert =
        conn.prepareStatement(
            "INSERT INTO source_time(ch, t, h) VALUES (?,?,?) ON CONFLICT(ch) DO UPDATE SET t = max(t, excluded.t),"
                // max() of SQLite is NULL when one side is: each side falls back to the other
                + " h = max(coalesce(h, excluded.h), coalesce(excluded.h, h))");
    byInstrument =
        conn.prepareStatement(
            "SELECT c.name, s.t, s.h FROM source_time s JOIN channel c ON c.id = s.ch WHERE c.instrument = ?");
  }

  /** Notes one stored sample of channel key {@code ch}. */
  void add(int ch, long timeMicros) {
    batch.merge(ch, timeMicros, Math::max);
  }

  /** Notes one stored sample of channel key {@code ch} that came from the device's history. */
  void addHistory(int ch, long timeMicros) {
    history.merge(ch, timeMicros, Math::max);
  }

  /** Writes the batch's times (inside the append transaction) and forgets them. */
  void write() throws SQLException {
    if (batch.isEmpty()) {
      return;
    }
    for (Map.Entry<Integer, Long> e : batch.entrySet()) {
      upsert.setInt(1, e.getKey());
      upsert.setLong(2, e.getValue());
      Long h = history.get(e.getKey());
      if (h == null) {
        upsert.setNull(3, java.sql.Types.INTEGER);
      } else {
        upsert.setLong(3, h);
      }
      upsert.addBatch();
    }
    batch.clear();
    history.clear();
    upsert.executeBatch();
  }

  /** Forgets the batch of a transaction that rolled back. */
  void discard() {
    batch.clear();
    history.clear();
    try {
      upsert.clearBatch();
    } catch (SQLException e) {
      // nothing was added to the statement's batch then
    }
  }

  /**
   * The newest source time stored of each channel of {@code instrument} (channels never stored are
   * absent); with {@code history}, of the samples appended as history (channels without are absent).
   */
  Map<ChannelId, Long> newest(String instrument, boolean history) throws SQLException {
    Map<ChannelId, Long> out = new HashMap<>();
    byInstrument.setString(1, instrument);
    try (ResultSet rs = byInstrument.executeQuery()) {
      while (rs.next()) {
        long v = rs.getLong(history ? 3 : 2);
        if (!rs.wasNull()) {
          out.put(new ChannelId(instrument, rs.getString(1)), v);
        }
      }
    }
    return out;
  }
}
