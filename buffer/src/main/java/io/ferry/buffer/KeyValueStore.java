package io.ferry.buffer;

import java.util.Map;
import java.util.Optional;

/** Small durable state of one uplink; {@link #put} returns once the value is committed. */
public interface KeyValueStore {
  Optional<String> get(String key);

  void put(String key, String value);

  void remove(String key);

  /** Every entry whose key starts with {@code prefix}, sorted by key. */
  Map<String, String> entries(String prefix);
}
