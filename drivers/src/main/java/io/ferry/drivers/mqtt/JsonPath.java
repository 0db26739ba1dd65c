package io.ferry.drivers.mqtt;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A field path into a JSON document: names separated by dots, array indexes in brackets
 * ({@code data.sensors[2].value}); {@code $} alone is the node itself. Names holding dots or
 * brackets are not supported. Parsed once at plan time.
 */
record JsonPath(String text, List<Step> steps) {
  JsonPath {
    steps = List.copyOf(steps);
  }

  sealed interface Step permits Field, Index {}

  record Field(String name) implements Step {}

  record Index(int index) implements Step {}

  record Result(Optional<JsonPath> path, String error) {}

  static final JsonPath ROOT = new JsonPath("$", List.of());

  static Result parse(String text) {
    if (text.equals("$")) {
      return new Result(Optional.of(ROOT), "");
    }
    if (text.isBlank()) {
      return new Result(Optional.empty(), "a field path must not be empty (write $ for the whole value)");
    }
    List<Step> steps = new ArrayList<>();
    int i = 0;
    int n = text.length();
    boolean expectName = true;
    while (i < n) {
      char c = text.charAt(i);
      if (c == '[') {
        int end = text.indexOf(']', i);
        if (end < 0) {
          return bad(text, "unclosed \"[\"");
        }
        try {
          int index = Integer.parseInt(text.substring(i + 1, end));
          if (index < 0) {
            return bad(text, "array index must be 0 or more");
          }
          steps.add(new Index(index));
        } catch (NumberFormatException e) {
          return bad(text, "\"" + text.substring(i, end + 1) + "\" is not an array index such as [0]");
        }
        i = end + 1;
        expectName = false;
      } else if (c == '.') {
        if (expectName) {
          return bad(text, "empty name");
        }
        i++;
        expectName = true;
        if (i == n) {
          return bad(text, "ends with \".\"");
        }
      } else {
        if (!expectName) {
          return bad(text, "a name must follow \".\"");
        }
        int end = i;
        while (end < n && text.charAt(end) != '.' && text.charAt(end) != '[') {
          if (text.charAt(end) == ']') {
            return bad(text, "unopened \"]\"");
          }
          end++;
        }
        steps.add(new Field(text.substring(i, end)));
        i = end;
        expectName = false;
      }
    }
    return new Result(Optional.of(new JsonPath(text, steps)), "");
  }

  private static Result bad(String text, String why) {
    return new Result(Optional.empty(), "invalid field path \"" + text + "\": " + why + " (write names with dots and indexes in brackets, for example data.sensors[0].value)");
  }

  /** The node at this path, empty when a step is missing or JSON null. */
  Optional<JsonNode> find(JsonNode root) {
    JsonNode node = root;
    for (Step s : steps) {
      if (s instanceof Field f) {
        node = node.isObject() ? node.get(f.name()) : null;
      } else if (s instanceof Index ix) {
        node = node.isArray() ? node.get(ix.index()) : null;
      }
      if (node == null) {
        return Optional.empty();
      }
    }
    return node.isNull() || node.isMissingNode() ? Optional.empty() : Optional.of(node);
  }

  @Override
  public String toString() {
    return text;
  }
}
