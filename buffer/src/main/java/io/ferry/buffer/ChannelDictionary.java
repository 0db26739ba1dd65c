package io.ferry.buffer;

import io.ferry.core.ChannelId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code channel} table in memory: integer key by channel, channel by key, and each key's rank
 * in (instrument, channel) order. Every other part of the store refers to channels by key; the
 * arrays make the per-row lookups of the scan and the lease ordering plain array reads. The
 * dictionary only grows. Confined to the writer thread.
 */
final class ChannelDictionary {
  private final Connection conn;
  private final Map<ChannelId, Integer> keys = new HashMap<>();
  private ChannelId[] byKey = new ChannelId[64];
  private int[] rankByKey = new int[64];

  ChannelDictionary(Connection conn) throws SQLException {
    this.conn = conn;
    try (Statement st = conn.createStatement();
        ResultSet rs = st.executeQuery("SELECT id, instrument, name FROM channel")) {
      while (rs.next()) {
        remember(new ChannelId(rs.getString(2), rs.getString(3)), rs.getInt(1));
      }
    }
    rerank();
  }

  /** The key of {@code id}, or null when the channel was never seen. */
  Integer key(ChannelId id) {
    return keys.get(id);
  }

  boolean contains(ChannelId id) {
    return keys.containsKey(id);
  }

  /** The channel of {@code key}, or null for an unknown key. */
  ChannelId channel(int key) {
    return key >= 0 && key < byKey.length ? byKey[key] : null;
  }

  /** Position of {@code key} in (instrument, channel) order; 0 for an unknown key. */
  int rank(int key) {
    return key >= 0 && key < rankByKey.length ? rankByKey[key] : 0;
  }

  /** Every key is below this bound (array sizes for per-key tables). */
  int keyBound() {
    return byKey.length;
  }

  /** Number of channels known; ranks are {@code 0 .. size() - 1}. */
  int size() {
    return keys.size();
  }

  /** Registers the channels not known yet (autocommit) and re-ranks when any was new. */
  void ensure(Collection<ChannelId> ids) throws SQLException {
    List<ChannelId> missing = ids.stream().filter(id -> !keys.containsKey(id)).distinct().toList();
    if (missing.isEmpty()) {
      return;
    }
    // Autocommit: the dictionary only grows, so a row without samples is harmless.
    try (PreparedStatement ps =
        conn.prepareStatement("INSERT INTO channel(instrument, name) VALUES (?, ?) RETURNING id")) {
      for (ChannelId id : missing) {
        ps.setString(1, id.instrument());
        ps.setString(2, id.channel());
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          remember(id, rs.getInt(1));
        }
      }
    }
    rerank();
  }

  private void remember(ChannelId id, int key) {
    keys.put(id, key);
    if (key >= byKey.length) {
      byKey = Arrays.copyOf(byKey, Math.max(key + 1, byKey.length * 2));
      rankByKey = Arrays.copyOf(rankByKey, byKey.length);
    }
    byKey[key] = id;
  }

  private void rerank() {
    List<ChannelId> sorted = keys.keySet().stream().sorted().toList();
    for (int i = 0; i < sorted.size(); i++) {
      rankByKey[keys.get(sorted.get(i))] = i;
    }
  }
}
