package io.ferry.drivers.mqtt;

import java.util.List;
import java.util.Optional;

/**
 * An MQTT 3.1.1 topic filter, checked once at plan time and matched against every arriving
 * topic. {@code +} matches exactly one level, {@code #} (last level only) matches any number of
 * levels including none; topics starting with {@code $} never match a filter starting with a
 * wildcard (MQTT 3.1.1 section 4.7.2).
 */
record TopicFilter(String text, List<String> levels) {
  TopicFilter {
    levels = List.copyOf(levels);
  }

  /** Parses a filter; the error text says what is wrong with it. */
  static Result parse(String text) {
    if (text == null || text.isEmpty()) {
      return new Result(Optional.empty(), "a topic filter must not be empty");
    }
    if (text.indexOf('\0') >= 0) {
      return new Result(Optional.empty(), "a topic filter must not contain a NUL character");
    }
    List<String> levels = List.of(text.split("/", -1));
    for (int i = 0; i < levels.size(); i++) {
      String level = levels.get(i);
      if (level.contains("#") && (!level.equals("#") || i != levels.size() - 1)) {
        return new Result(Optional.empty(), "\"#\" must be a whole level and the last one (for example plant/#), in \"" + text + "\"");
      }
      if (level.contains("+") && !level.equals("+")) {
        return new Result(Optional.empty(), "\"+\" must be a whole level (for example plant/+/temp), in \"" + text + "\"");
      }
    }
    return new Result(Optional.of(new TopicFilter(text, levels)), "");
  }

  record Result(Optional<TopicFilter> filter, String error) {}

  /** Number of levels a matching topic has at least ({@code #} may match none). */
  int minLevels() {
    return endsWithMultiLevel() ? levels.size() - 1 : levels.size();
  }

  boolean endsWithMultiLevel() {
    return levels.get(levels.size() - 1).equals("#");
  }

  /** True when {@code topic} (a concrete topic name, already split on '/') matches. */
  boolean matches(List<String> topic) {
    if (!topic.isEmpty() && topic.get(0).startsWith("$") && isWildcard(levels.get(0))) {
      return false;
    }
    for (int i = 0; i < levels.size(); i++) {
      String f = levels.get(i);
      if (f.equals("#")) {
        return true;
      }
      if (i >= topic.size()) {
        return false;
      }
      if (!f.equals("+") && !f.equals(topic.get(i))) {
        return false;
      }
    }
    return topic.size() == levels.size();
  }

  private static boolean isWildcard(String level) {
    return level.equals("+") || level.equals("#");
  }

  /** Splits a topic name into levels (empty levels kept: {@code a//b} has three). */
  static List<String> split(String topic) {
    return List.of(topic.split("/", -1));
  }

  @Override
  public String toString() {
    return text;
  }
}
