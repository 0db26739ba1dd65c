package io.ferry.config;

import io.ferry.config.ConfigNode.ListNode;
import io.ferry.config.ConfigNode.MapNode;
import io.ferry.config.ConfigNode.Scalar;
import io.ferry.config.ConfigNode.ScalarType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Typed reader over one YAML mapping. Every accessor records the key as known, reads and checks
 * the value, and adds a {@link Problem} (with file, line, column and path) instead of throwing;
 * on a problem it returns the default or empty, so reading goes on and every error is reported
 * in one pass. Keys nobody asked for are reported by {@link ConfigContext#finish()} with a
 * did-you-mean among the keys that were asked for.
 *
 * <p>Paths: {@code channels[2].type}. Enum values are matched case-insensitively with {@code -}
 * and {@code _} treated alike.
 */
public final class Fields {
  private final ConfigContext context;
  private final MapNode map;
  private final String path;
  private final Set<String> known = new LinkedHashSet<>();
  /** "missing required key" problems, replaced at the end when a misspelling of the key is written. */
  private final java.util.Map<String, Problem> missing = new java.util.LinkedHashMap<>();
  private boolean unchecked;

  Fields(ConfigContext context, MapNode map, String path) {
    this.context = context;
    this.map = map;
    this.path = path;
  }

  public Location location() {
    return map.location();
  }

  public String path() {
    return path;
  }

  /** The path of one key of this mapping, for messages. */
  public String path(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  public ConfigContext context() {
    return context;
  }

  /** True when the key is written (even as null). Marks it known. */
  public boolean has(String key) {
    known.add(key);
    return map.entries().containsKey(key);
  }

  /** Declares keys as known without reading them (reserved or read elsewhere). */
  public void allow(String... keys) {
    known.addAll(Arrays.asList(keys));
  }

  /**
   * Stops reporting unknown keys of this mapping: used when its owner (a driver that never got
   * to read it because the instrument was already invalid) cannot say which keys it knows.
   */
  public void skipUnknownKeyCheck() {
    unchecked = true;
  }

  /** The raw node of a key; null values count as absent. */
  public Optional<ConfigNode> node(String key) {
    known.add(key);
    ConfigNode n = map.entries().get(key);
    if (n == null || (n instanceof Scalar s && s.isNull())) {
      return Optional.empty();
    }
    return Optional.of(n);
  }

  /** Where the value of {@code key} stands (or the mapping, when absent). */
  public Location locationOf(String key) {
    ConfigNode n = map.entries().get(key);
    return n != null ? n.location() : map.location();
  }

  /** Adds a problem at the value of {@code key}. */
  public void error(String key, String message) {
    context.problems().add(locationOf(key), path(key), message);
  }

  /** Adds a warning at the value of {@code key}: valid, but almost always a mistake. */
  public void warn(String key, String message) {
    context.problems().warn(locationOf(key), path(key), message);
  }

  /** Adds a warning (not an error) about the mapping as a whole. */
  public void warning(String message) {
    context.problems().warn(map.location(), path, message);
  }

  /** Adds a warning about the mapping as a whole. */
  public void warn(String message) {
    context.problems().warn(map.location(), path, message);
  }

  /** Adds a problem about the mapping as a whole. */
  public void error(String message) {
    context.problems().add(map.location(), path, message);
  }

  // ---- scalars

  public Optional<String> string(String key) {
    return scalar(key, "a text").map(Scalar::text);
  }

  public String string(String key, String dflt) {
    return string(key).orElse(dflt);
  }

  /**
   * A text with {@code {name}} placeholders ({@link Templates}): {@code dflt} when absent; empty
   * after an error at the key when it names a placeholder not in {@code known} or has a stray brace.
   */
  public Optional<String> template(String key, String dflt, List<String> known) {
    Optional<String> v = string(key);
    if (v.isEmpty()) {
      return has(key) && map.entries().get(key) instanceof Scalar s && !s.isNull() ? Optional.empty() : Optional.of(dflt);
    }
    Optional<String> problem = Templates.problem(v.get(), known);
    problem.ifPresent(p -> error(key, p));
    return problem.isPresent() ? Optional.empty() : v;
  }

  public Optional<String> requiredString(String key) {
    Optional<String> v = string(key);
    if (v.isEmpty() && !map.entries().containsKey(key)) {
      missing(key);
    } else if (v.isPresent() && v.get().isBlank()) {
      error(key, "must not be empty");
      return Optional.empty();
    }
    return v;
  }

  public OptionalLong longValue(String key, long min, long max) {
    Optional<Scalar> s = scalar(key, "a whole number");
    if (s.isEmpty()) {
      return OptionalLong.empty();
    }
    long v;
    try {
      v = Long.parseLong(s.get().text().replace("_", ""));
    } catch (NumberFormatException e) {
      String range = min + " to " + max;
      error(key, s.get().text().trim().matches("[-+]?[0-9_]+")
          ? "must be a whole number from " + range + ", got " + s.get().text().trim() + " (out of range)"
          : "expected a whole number from " + range + ", got " + s.get().describe());
      return OptionalLong.empty();
    }
    if (v < min || v > max) {
      error(key, "must be between " + min + " and " + max + ", got " + v);
      return OptionalLong.empty();
    }
    return OptionalLong.of(v);
  }

  public long longValue(String key, long dflt, long min, long max) {
    return longValue(key, min, max).orElse(dflt);
  }

  public int integer(String key, int dflt, int min, int max) {
    return (int) longValue(key, min, max).orElse(dflt);
  }

  public Optional<Integer> integer(String key, int min, int max) {
    OptionalLong v = longValue(key, min, max);
    return v.isPresent() ? Optional.of((int) v.getAsLong()) : Optional.empty();
  }

  public OptionalDouble number(String key) {
    Optional<Scalar> s = scalar(key, "a number");
    if (s.isEmpty()) {
      return OptionalDouble.empty();
    }
    if (s.get().type() != ScalarType.INTEGER && s.get().type() != ScalarType.FLOAT) {
      error(key, "expected a number, got " + s.get().describe());
      return OptionalDouble.empty();
    }
    try {
      return OptionalDouble.of(Double.parseDouble(s.get().text().replace("_", "")));
    } catch (NumberFormatException e) {
      error(key, "expected a number, got " + s.get().describe());
      return OptionalDouble.empty();
    }
  }

  public double number(String key, double dflt) {
    return number(key).orElse(dflt);
  }

  public double number(String key, double dflt, double min, double max) {
    OptionalDouble v = number(key);
    if (v.isEmpty()) {
      return dflt;
    }
    if (v.getAsDouble() < min || v.getAsDouble() > max) {
      error(key, "must be between " + min + " and " + max + ", got " + v.getAsDouble());
      return dflt;
    }
    return v.getAsDouble();
  }

  public boolean bool(String key, boolean dflt) {
    Optional<Scalar> s = scalar(key, "true or false");
    if (s.isEmpty()) {
      return dflt;
    }
    if (s.get().type() != ScalarType.BOOLEAN) {
      error(key, "expected true or false, got " + s.get().describe());
      return dflt;
    }
    return Boolean.parseBoolean(s.get().text().toLowerCase(Locale.ROOT));
  }

  public Optional<Duration> duration(String key) {
    Optional<Scalar> s = scalar(key, "a duration");
    if (s.isEmpty()) {
      return Optional.empty();
    }
    Optional<Duration> d = Durations.parse(s.get().text());
    if (d.isEmpty()) {
      String text = s.get().text() == null ? "" : s.get().text().trim();
      if (text.startsWith("-")) {
        error(key, "a duration cannot be negative, got " + s.get().describe());
        return d;
      }
      // Suggest a unit only when adding it gives a valid duration.
      String hint = s.get().type() == ScalarType.INTEGER && Durations.parse(text + "s").isPresent()
          ? " (add a unit: " + text + "s or " + text + "ms)" : "";
      error(key, "expected a duration such as 500ms, 5s, 1m or 1h, got " + s.get().describe() + hint);
    }
    return d;
  }

  public Duration duration(String key, Duration dflt, Duration min, Duration max) {
    Optional<Duration> d = duration(key);
    if (d.isEmpty()) {
      return dflt;
    }
    if (d.get().compareTo(min) < 0 || d.get().compareTo(max) > 0) {
      error(key, "must be between " + Durations.format(min) + " and " + Durations.format(max) + ", got " + Durations.format(d.get()));
      return dflt;
    }
    return d.get();
  }

  public long size(String key, long dflt) {
    Optional<Scalar> s = scalar(key, "a size");
    if (s.isEmpty()) {
      return dflt;
    }
    OptionalLong v = Sizes.parse(s.get().text());
    if (v.isEmpty()) {
      error(key, "expected a size such as 4096, 64MiB or 2GiB, got " + s.get().describe());
      return dflt;
    }
    return v.getAsLong();
  }

  /** One of {@code allowed} (exact, case-insensitive), with a did-you-mean on a miss. */
  public Optional<String> choice(String key, Collection<String> allowed) {
    Optional<Scalar> s = scalar(key, "one of " + allowed);
    if (s.isEmpty()) {
      return Optional.empty();
    }
    String v = s.get().text();
    for (String a : allowed) {
      if (a.equalsIgnoreCase(v)) {
        return Optional.of(a);
      }
    }
    error(key, "unknown " + lastSegment(key) + " \"" + v + "\"" + DidYouMean.suffix(v, allowed)
        + (DidYouMean.closest(v, allowed).isEmpty() ? " (expected one of " + String.join(", ", allowed) + ")" : ""));
    return Optional.empty();
  }

  public <E extends Enum<E>> Optional<E> enumValue(String key, Class<E> type) {
    List<String> names = Arrays.stream(type.getEnumConstants()).map(Fields::enumName).collect(Collectors.toList());
    Optional<Scalar> s = scalar(key, "one of " + names);
    if (s.isEmpty()) {
      return Optional.empty();
    }
    String v = s.get().text().toLowerCase(Locale.ROOT).replace('_', '-');
    for (E e : type.getEnumConstants()) {
      if (enumName(e).equals(v)) {
        return Optional.of(e);
      }
    }
    error(key, "unknown " + lastSegment(key) + " \"" + s.get().text() + "\"" + DidYouMean.suffix(v, names)
        + (DidYouMean.closest(v, names).isEmpty() ? " (expected one of " + String.join(", ", names) + ")" : ""));
    return Optional.empty();
  }

  public <E extends Enum<E>> E enumValue(String key, Class<E> type, E dflt) {
    return enumValue(key, type).orElse(dflt);
  }

  /** The YAML spelling of an enum constant: lower case with hyphens ({@code SIGN_AND_ENCRYPT} is {@code sign-and-encrypt}). */
  public static String enumName(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  // ---- secrets

  public Optional<Secret> secret(String key) {
    Optional<Scalar> s = rawScalar(key, "a secret reference");
    if (s.isEmpty()) {
      return Optional.empty();
    }
    return context.resolveSecret(s.get().text(), s.get().location(), path(key));
  }

  public Optional<Secret> requiredSecret(String key) {
    if (!map.entries().containsKey(key)) {
      known.add(key);
      missing(key);
      return Optional.empty();
    }
    return secret(key);
  }

  // ---- structures

  public Optional<Fields> object(String key) {
    return node(key).flatMap(n -> context.fields(n, path(key)));
  }

  public Optional<Fields> requiredObject(String key) {
    Optional<ConfigNode> n = node(key);
    if (n.isEmpty()) {
      missing(key);
      return Optional.empty();
    }
    return context.fields(n.get(), path(key));
  }

  /** The items of a list; a missing key is an empty list. */
  public List<ConfigNode> list(String key) {
    Optional<ConfigNode> n = node(key);
    if (n.isEmpty()) {
      return List.of();
    }
    if (n.get() instanceof ListNode l) {
      return l.items();
    }
    error(key, "expected a list, got " + n.get().describe());
    return List.of();
  }

  /** A list of mappings, each as a reader with path {@code key[i]}. */
  public List<Fields> objects(String key) {
    List<ConfigNode> items = list(key);
    List<Fields> out = new ArrayList<>(items.size());
    for (int i = 0; i < items.size(); i++) {
      context.fields(items.get(i), path(key) + "[" + i + "]").ifPresent(out::add);
    }
    return out;
  }

  /**
   * A list of texts. A single text is refused like any other value that is not a list (as
   * {@link #list} and {@link #objects} do): every list-valued key takes a list, also of one
   * ({@code [plant1]}), so a value is never quietly read as something the operator did not write.
   */
  public List<String> strings(String key) {
    Optional<ConfigNode> n = node(key);
    if (n.isEmpty()) {
      return List.of();
    }
    if (!(n.get() instanceof ListNode l)) {
      String hint = n.get() instanceof Scalar s ? " (write [" + s.text() + "] for a list of one)" : "";
      error(key, "expected a list, got " + n.get().describe() + hint);
      return List.of();
    }
    List<ConfigNode> items = l.items();
    List<String> out = new ArrayList<>(items.size());
    for (int i = 0; i < items.size(); i++) {
      ConfigNode item = items.get(i);
      if (item instanceof Scalar s && !s.isNull() && s.type() != ScalarType.BOOLEAN) {
        context.resolveReferences(s.text(), s.location(), path(key) + "[" + i + "]").ifPresent(out::add);
      } else {
        context.problems().add(item.location(), path(key) + "[" + i + "]", "expected a text, got " + item.describe());
      }
    }
    return out;
  }

  /** The keys written in this mapping, in order (for maps keyed by name, such as {@code uplinks}). */
  public List<String> keys() {
    return new ArrayList<>(map.entries().keySet());
  }

  // ---- internals

  /**
   * Reports the keys nobody read. A required key reported missing while a misspelling of it is
   * written ({@code nmae:} for {@code name:}) is one problem, at the misspelling: the missing key
   * is the consequence, the typo the cause. That holds even where unknown keys are not checked
   * (a channel without a name is not planned, so its keys are not judged otherwise).
   */
  void reportUnknownKeys() {
    for (var m : missing.entrySet()) {
      for (var e : map.keys().entrySet()) {
        String key = e.getKey();
        if (!known.contains(key) && isTypoOf(key, m.getKey())) {
          context.problems().remove(m.getValue());
          context.problems().add(e.getValue(), path(key), "unknown key \"" + key + "\", did you mean \"" + m.getKey()
              + "\"? (\"" + m.getKey() + "\" is required)");
          known.add(key);
          break;
        }
      }
    }
    if (unchecked) {
      return;
    }
    for (var e : map.keys().entrySet()) {
      String key = e.getKey();
      if (!known.contains(key)) {
        context.problems().add(e.getValue(), path(key), "unknown key \"" + key + "\"" + DidYouMean.suffix(key, known)
            + (e.getValue().file().equals(ConfigLoader.AGENT_FILE) ? RENAMED.getOrDefault(path(key), "") : ""));
      }
    }
  }

  /**
   * Closer than a did-you-mean: a key nobody read may be valid (in a mapping that is not judged,
   * {@code wave} is two edits from {@code name}); a swapped or dropped letter is a typo.
   */
  private static boolean isTypoOf(String written, String required) {
    return DidYouMean.distance(written.toLowerCase(Locale.ROOT), required.toLowerCase(Locale.ROOT))
        <= Math.max(1, required.length() / 4);
  }

  /** agent.yaml keys renamed in an earlier version (by full path): the hint an operator with an old file needs. */
  private static final java.util.Map<String, String> RENAMED = java.util.Map.of(
      "health", " (the health: section is now called http:, with the keys listen, allowRemote, token, instrumentFailures and uplinkStall)");

  /**
   * A scalar with its {@code ${env:}}/{@code ${file:}} references resolved: a value that came
   * from a reference is typed again, so {@code port: ${env:PORT}} reads as a number.
   */
  private Optional<Scalar> scalar(String key, String expected) {
    Optional<Scalar> raw = rawScalar(key, expected);
    if (raw.isEmpty() || raw.get().type() != ScalarType.STRING || !raw.get().text().contains("${")) {
      return raw;
    }
    Scalar s = raw.get();
    return context.resolveReferences(s.text(), s.location(), path(key)).map(v -> new Scalar(s.location(), v, typeOf(v)));
  }

  private static ScalarType typeOf(String v) {
    String t = v.trim();
    if (t.matches("[-+]?[0-9][0-9_]*")) {
      return ScalarType.INTEGER;
    }
    if (t.matches("[-+]?([0-9][0-9_]*)?\\.?[0-9]+([eE][-+]?[0-9]+)?")) {
      return ScalarType.FLOAT;
    }
    if (t.equals("true") || t.equals("false")) {
      return ScalarType.BOOLEAN;
    }
    return ScalarType.STRING;
  }

  private Optional<Scalar> rawScalar(String key, String expected) {
    Optional<ConfigNode> n = node(key);
    if (n.isEmpty()) {
      return Optional.empty();
    }
    if (n.get() instanceof Scalar s) {
      return Optional.of(s);
    }
    error(key, "expected " + expected + ", got " + n.get().describe());
    return Optional.empty();
  }

  private void missing(String key) {
    missing(key, "");
  }

  /**
   * Reports a required key as missing; {@code what} says what it holds (" (the interval, 1s to 1d)").
   * When a misspelling of it is written, the end of reading reports the misspelling instead.
   */
  public void missing(String key, String what) {
    known.add(key);
    Problem p = new Problem(map.location(), path(key), "missing required key \"" + key + "\"" + what);
    context.problems().add(p);
    missing.put(key, p);
  }

  private static String lastSegment(String key) {
    return key;
  }
}
