package io.ferry.config;

import java.util.List;
import java.util.Map;

/**
 * A parsed YAML value that remembers where it stood, so every error can name file, line and
 * column. Built by {@link YamlReader}; immutable.
 */
public sealed interface ConfigNode permits ConfigNode.MapNode, ConfigNode.ListNode, ConfigNode.Scalar {
  Location location();

  /** What kind of value this is, for "expected a list, got a mapping" messages. */
  String describe();

  /** A mapping; {@code keys} holds where each key was written (for unknown-key errors). */
  record MapNode(Location location, Map<String, ConfigNode> entries, Map<String, Location> keys)
      implements ConfigNode {
    public MapNode {
      entries = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(entries));
      keys = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(keys));
    }

    @Override
    public String describe() {
      return "a mapping";
    }
  }

  record ListNode(Location location, List<ConfigNode> items) implements ConfigNode {
    public ListNode {
      items = List.copyOf(items);
    }

    @Override
    public String describe() {
      return "a list";
    }
  }

  /**
   * A scalar. {@code text} is null for YAML null ({@code ~}, empty). {@code type} says how YAML
   * typed it, so that {@code port: "502"} and {@code port: 502} can both be accepted where a
   * number is wanted while {@code enabled: yes-please} is not a boolean.
   */
  record Scalar(Location location, String text, ScalarType type) implements ConfigNode {
    public boolean isNull() {
      return type == ScalarType.NULL;
    }

    @Override
    public String describe() {
      return switch (type) {
        case NULL -> "nothing (null)";
        case STRING -> "the text \"" + text + "\"";
        case INTEGER, FLOAT -> "the number " + text;
        case BOOLEAN -> "the boolean " + text;
      };
    }
  }

  enum ScalarType {
    NULL,
    STRING,
    INTEGER,
    FLOAT,
    BOOLEAN
  }
}
