package io.ferry.config;

/**
 * One configuration error, printed as {@code file:line:column path: message}, for example
 * {@code instruments.d/boiler1.yaml:14:7 channels[2].type: unknown type "flaot32", did you mean "float32"?}.
 */
public record Problem(Location location, String path, String message) implements Comparable<Problem> {
  @Override
  public int compareTo(Problem o) {
    int c = location.compareTo(o.location);
    return c != 0 ? c : toString().compareTo(o.toString());
  }

  @Override
  public String toString() {
    return location + (path == null || path.isEmpty() ? ":" : " " + path + ":") + " " + message;
  }
}
