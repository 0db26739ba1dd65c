package io.ferry.config;

import java.util.List;

/** The configuration is invalid; {@link #problems()} lists every error, sorted by position. */
public final class ConfigException extends RuntimeException {
  private final List<Problem> problems;

  public ConfigException(List<Problem> problems) {
    super(format(problems));
    this.problems = List.copyOf(problems);
  }

  public List<Problem> problems() {
    return problems;
  }

  private static String format(List<Problem> problems) {
    StringBuilder sb = new StringBuilder(problems.size() == 1 ? "1 configuration error" : problems.size() + " configuration errors");
    for (Problem p : problems) {
      sb.append('\n').append(p);
    }
    return sb.toString();
  }
}
