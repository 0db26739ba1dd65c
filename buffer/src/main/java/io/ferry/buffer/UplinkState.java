package io.ferry.buffer;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code kv} table: small durable state each uplink keeps beside its queue (cursors, ids
 * issued by the cloud side). Each write is its own autocommit statement on the writer
 * connection. Confined to the writer thread.
 */
final class UplinkState {
  private final Connection conn;

  UplinkState(Connection conn) {
    this.conn = conn;
  }

  Optional<String> get(String uplink, String key) throws SQLException {
    try (PreparedStatement ps = conn.prepareStatement("SELECT value FROM kv WHERE uplink = ? AND key = ?")) {
      ps.setString(1, uplink);
      ps.setString(2, key);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
      }
    }
  }

  void put(String uplink, String key, String value) throws SQLException {
    try (PreparedStatement ps =
        conn.prepareStatement(
            "INSERT INTO kv(uplink, key, value) VALUES (?,?,?) ON CONFLICT(uplink, key) DO UPDATE SET value = excluded.value")) {
      ps.setString(1, uplink);
      ps.setString(2, key);
      ps.setString(3, value);
      ps.executeUpdate();
    }
  }

  void remove(String uplink, String key) throws SQLException {
    try (PreparedStatement ps = conn.prepareStatement("DELETE FROM kv WHERE uplink = ? AND key = ?")) {
      ps.setString(1, uplink);
      ps.setString(2, key);
      ps.executeUpdate();
    }
  }

  Map<String, String> entries(String uplink, String prefix) throws SQLException {
    Map<String, String> out = new LinkedHashMap<>();
    try (PreparedStatement ps =
        conn.prepareStatement(
            "SELECT key, value FROM kv WHERE uplink = ? AND substr(key, 1, length(?2)) = ?2 ORDER BY key")) {
      ps.setString(1, uplink);
      ps.setString(2, prefix);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.put(rs.getString(1), rs.getString(2));
        }
      }
    }
    return out;
  }
}
