package io.ferry.config;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/** Collects every configuration problem so that all of them are reported at once. Not thread-safe. */
public final class Problems {
  private final TreeSet<Problem> problems = new TreeSet<>();
  private final TreeSet<Problem> warnings = new TreeSet<>();

  /**
   * Something valid but almost always a mistake (overlapping registers, an unusual baud rate):
   * printed by {@code check}, {@code plan} and {@code run}, but it does not make the
   * configuration invalid.
   */
  public void warn(Location location, String path, String message) {
    warnings.add(new Problem(location, path, "warning: " + message));
  }

  /** Sorted by file, line, column. */
  public List<Problem> warnings() {
    return new ArrayList<>(warnings);
  }

  public void add(Location location, String path, String message) {
    problems.add(new Problem(location, path, message));
  }

  public void add(Problem problem) {
    problems.add(problem);
  }

  /** Takes back a problem that a later finding explains better (a missing key that is only misspelt). */
  void remove(Problem problem) {
    problems.remove(problem);
  }

  public boolean isEmpty() {
    return problems.isEmpty();
  }

  public int size() {
    return problems.size();
  }

  /** Sorted by file, line, column. */
  public List<Problem> all() {
    return new ArrayList<>(problems);
  }

  /** Throws {@link ConfigException} listing every problem when there is any. */
  public void throwIfAny() {
    if (!problems.isEmpty()) {
      throw new ConfigException(all());
    }
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    for (Problem p : problems) {
      sb.append(p).append('\n');
    }
    return sb.toString();
  }
}
