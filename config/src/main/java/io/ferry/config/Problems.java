package io.ferry.config;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/** Collects every configuration problem so that all of them are reported at once. Not thread-safe. */
public final class Problems {
  private final TreeSet<Problem> problems = new TreeSet<>();
  private final TreeSet<Problem> warnings = new TreeSet<>();

  /**
   * Something valid but unwise (credentials over http:// to another host, a rate above what the
   * API advises): printed by {@code ferry check} and {@code ferry run}, never a reason to refuse.
   */
  public void warn(Location location, String path, String message) {
    warnings.add(new Problem(location, path, "warning: " + message));
  }

  /** The warnings, sorted by file, line, column. */
  public List<Problem> warnings() {
    return new ArrayList<>(warnings);
  }

  public void add(Location location, String path, String message) {
    problems.add(new Problem(location, path, message));
  }

  public void add(Problem problem) {
    problems.add(problem);
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
