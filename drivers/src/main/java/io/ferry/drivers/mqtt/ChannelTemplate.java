package io.ferry.drivers.mqtt;

import io.ferry.core.ChannelId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A channel name with topic-level placeholders: {@code {2}_temp} on topic {@code plant/line1/env}
 * gives {@code line1_temp}. Levels are numbered from 1. Parsed once at plan time.
 */
record ChannelTemplate(String text, List<Part> parts) {
  ChannelTemplate {
    parts = List.copyOf(parts);
  }

  sealed interface Part permits Literal, Level {}

  record Literal(String text) implements Part {}

  /** A topic level, 1-based. */
  record Level(int number) implements Part {}

  record Result(Optional<ChannelTemplate> template, String error) {}

  static Result parse(String text) {
    List<Part> parts = new ArrayList<>();
    StringBuilder literal = new StringBuilder();
    int i = 0;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (c == '{') {
        int end = text.indexOf('}', i);
        if (end < 0) {
          return new Result(Optional.empty(), "unclosed \"{\" in channel \"" + text + "\" (write {2} for the second topic level)");
        }
        String n = text.substring(i + 1, end);
        int number;
        try {
          number = Integer.parseInt(n);
        } catch (NumberFormatException e) {
          return new Result(Optional.empty(), "\"{" + n + "}\" in channel \"" + text + "\" is not a topic level number (write {2} for the second level)");
        }
        if (number < 1 || number > 64) {
          return new Result(Optional.empty(), "topic level {" + n + "} in channel \"" + text + "\" must be between 1 and 64");
        }
        if (literal.length() > 0) {
          parts.add(new Literal(literal.toString()));
          literal.setLength(0);
        }
        parts.add(new Level(number));
        i = end + 1;
      } else if (c == '}') {
        return new Result(Optional.empty(), "unopened \"}\" in channel \"" + text + "\"");
      } else {
        literal.append(c);
        i++;
      }
    }
    if (literal.length() > 0) {
      parts.add(new Literal(literal.toString()));
    }
    if (parts.isEmpty()) {
      return new Result(Optional.empty(), "channel must not be empty");
    }
    ChannelTemplate t = new ChannelTemplate(text, parts);
    if (t.isConstant() && !ChannelId.isValidName(text)) {
      return new Result(Optional.empty(), "channel name \"" + text + "\" must be 1-128 characters of A-Z a-z 0-9 _ . : -");
    }
    return new Result(Optional.of(t), "");
  }

  boolean isConstant() {
    return parts.stream().allMatch(p -> p instanceof Literal);
  }

  /** The highest level number used, 0 when constant. */
  int maxLevel() {
    int max = 0;
    for (Part p : parts) {
      if (p instanceof Level l) {
        max = Math.max(max, l.number());
      }
    }
    return max;
  }

  /** The channel name for a topic (split into levels); empty when a level is missing. */
  Optional<String> resolve(List<String> topicLevels) {
    StringBuilder sb = new StringBuilder();
    for (Part p : parts) {
      if (p instanceof Literal l) {
        sb.append(l.text());
      } else if (p instanceof Level l) {
        if (l.number() > topicLevels.size()) {
          return Optional.empty();
        }
        sb.append(topicLevels.get(l.number() - 1));
      }
    }
    return Optional.of(sb.toString());
  }

  @Override
  public String toString() {
    return text;
  }
}
