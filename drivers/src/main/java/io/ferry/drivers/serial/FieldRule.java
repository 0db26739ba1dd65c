package io.ferry.drivers.serial;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Where a channel's text sits in a line: a regular expression group, or a field between delimiters. */
public sealed interface FieldRule {
  /** The channel's text in {@code line}, or empty when the line does not hold it. */
  Optional<String> extract(String line);

  String describe();

  /**
   * True when the line holds this channel more than once: two lines run together (a line cut
   * short, then the next), whose first copy may be cut. Such a line is never trusted.
   */
  default boolean repeats(String line) {
    return false;
  }

  /** A regular expression; the value is the named or numbered group. */
  record Regex(Pattern pattern, String group) implements FieldRule {
    @Override
    public Optional<String> extract(String line) {
      Matcher m = pattern.matcher(line);
      if (!m.find()) {
        return Optional.empty();
      }
      String v = group.isEmpty() ? m.group() : group.chars().allMatch(Character::isDigit) ? m.group(Integer.parseInt(group))
          : m.group(group);
      return Optional.ofNullable(v);
    }

    @Override
    public boolean repeats(String line) {
      Matcher m = pattern.matcher(line);
      return m.find() && m.end() > m.start() && m.find();
    }

    @Override
    public String describe() {
      return "pattern /" + pattern.pattern() + "/" + (group.isEmpty() ? "" : " group " + group);
    }

    // Pattern has identity equality: without these, every reload saw each serial instrument with a
    // pattern as changed and restarted it, although its file had not changed.
    @Override
    public boolean equals(Object o) {
      return o instanceof Regex r && r.pattern.pattern().equals(pattern.pattern()) && r.pattern.flags() == pattern.flags()
          && r.group.equals(group);
    }

    @Override
    public int hashCode() {
      return pattern.pattern().hashCode() * 31 + group.hashCode();
    }
  }

  /** Field {@code index} (0-based) of the line split at {@code delimiter}; blank delimiter = runs of whitespace. */
  record Field(String delimiter, int index) implements FieldRule {
    @Override
    public Optional<String> extract(String line) {
      String[] parts = delimiter.isBlank() ? line.trim().split("\\s+") : line.split(Pattern.quote(delimiter), -1);
      return index < parts.length ? Optional.of(parts[index]) : Optional.empty();
    }

    @Override
    public String describe() {
      return "field " + index + " of \"" + delimiter.replace("\t", "\\t") + "\"-separated";
    }
  }
}
